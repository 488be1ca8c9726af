// A byte source over bytes already in memory (tests, small buffers).
import type { JsByteSource } from './kdmpview';

export class BytesSource implements JsByteSource {
  readonly size: number;

  constructor(private readonly bytes: Uint8Array) {
    this.size = bytes.length;
  }

  read(offset: number, target: Uint8Array): number {
    const chunk = this.bytes.subarray(offset, offset + target.length);
    target.set(chunk);
    return chunk.length;
  }
}
