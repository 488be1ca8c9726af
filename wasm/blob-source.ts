// A byte source over a File or Blob, for a Web Worker: FileReaderSync reads synchronously, which the C++ core needs
// (its reads are synchronous calls). Each call costs ~1 ms, so the core's block cache asks for 256 KiB at a time.
import type { JsByteSource } from './kdmpview';

// FileReaderSync exists only in workers; declared here so this file also type-checks with the DOM library.
declare class FileReaderSync {
  readAsArrayBuffer(blob: Blob): ArrayBuffer;
}

export class BlobSource implements JsByteSource {
  readonly size: number;
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
