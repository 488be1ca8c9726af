// A byte source over a File or Blob, for a Web Worker: FileReaderSync reads synchronously, which the C++ core needs
// (its reads are synchronous calls). A call costs about 1 ms whatever its size up to 64 KiB, then grows with it
// (README, Figures: 4 KiB 1 ms, 64 KiB 0.8-1 ms, 256 KiB ~6 ms, 4 MiB ~18 ms sequential): a random miss reads one
// 64 KiB block (as cheap as 4 KiB, and its neighbours come free), a sequential run reads ahead up to 4 MiB a call.
import type { JsByteSource } from './kdmpview';

// FileReaderSync exists only in workers; declared here so this file also type-checks with the DOM library.
declare class FileReaderSync {
  readAsArrayBuffer(blob: Blob): ArrayBuffer;
}

export class BlobSource implements JsByteSource {
  readonly size: number;
  readonly blockSize = 64 * 1024;
  readonly readAhead = 4 * 1024 * 1024;
  /** Batched reads: a call costs ~1 ms and 4 MiB reads stream at ~230 MB/s (18 ms), so reading through a gap of up
   *  to 256 KiB costs about what another call would. */
  readonly coalesceGap = 256 * 1024;
  lastError?: string;
  private readonly reader = new FileReaderSync();

  constructor(private readonly blob: Blob) {
    this.size = blob.size;
  }

  read(offset: number, target: Uint8Array): number {
    try {
      const bytes = new Uint8Array(this.reader.readAsArrayBuffer(this.blob.slice(offset, offset + target.length)));
      target.set(bytes);
      return bytes.length;
    } catch (e) {
      // e.g. NotReadableError when the file changed on disk after it was picked.
      this.lastError = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
      return -1;
    }
  }
}
