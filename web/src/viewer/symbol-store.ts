// Symbol files kept across visits, only when the user ticks "Keep symbol files in this browser": the files go into
// IndexedDB (the browser keeps a Blob on disk, not in memory) and come back on the next visit; "Forget" deletes them
// and the choice. Without the choice nothing is written, and nothing is read.
//
// The settings (the choice and the symbol-server URL) are two localStorage keys.

const DATABASE = 'kdmpview-symbols';
const STORE = 'files';
const KEEP_KEY = 'kdmpview.keepSymbols';
const SERVER_KEY = 'kdmpview.symbolServer';

export interface SymbolSettings {
  keep: boolean;
  /** The symbol server's URL; '' when off (the default). */
  server: string;
}

/** localStorage, or null where the browser refuses it (a sandboxed frame, storage turned off). */
function storage(): Storage | null {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    return null;
  }
}

export function readSymbolSettings(): SymbolSettings {
  const s = storage();
  return { keep: s?.getItem(KEEP_KEY) === '1', server: s?.getItem(SERVER_KEY) ?? '' };
}

export function writeSymbolSettings(settings: SymbolSettings): void {
  const s = storage();
  if (!s) return;
  try {
    if (settings.keep) s.setItem(KEEP_KEY, '1');
    else s.removeItem(KEEP_KEY);
    if (settings.server) s.setItem(SERVER_KEY, settings.server);
    else s.removeItem(SERVER_KEY);
  } catch {
    // Quota or a refusal: the setting lasts for this visit only.
  }
}

interface StoredFile {
  /** name, size and content identity: the same file dropped twice is stored once. */
  key: string;
  name: string;
  blob: Blob;
  added: number;
}

function request<T>(r: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error ?? new Error('IndexedDB request failed'));
  });
}

function database(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    if (typeof indexedDB === 'undefined') {
      reject(new Error('this browser has no IndexedDB here'));
      return;
    }
    const open = indexedDB.open(DATABASE, 1);
    open.onupgradeneeded = () => open.result.createObjectStore(STORE, { keyPath: 'key' });
    open.onsuccess = () => resolve(open.result);
    open.onerror = () => reject(open.error ?? new Error('IndexedDB could not be opened'));
    open.onblocked = () => reject(new Error('IndexedDB is blocked by another tab'));
  });
}

async function withStore<T>(mode: IDBTransactionMode, work: (store: IDBObjectStore) => Promise<T>): Promise<T> {
  const db = await database();
  try {
    const transaction = db.transaction(STORE, mode);
    const done = new Promise<void>((resolve, reject) => {
      transaction.oncomplete = () => resolve();
      transaction.onerror = () => reject(transaction.error ?? new Error('IndexedDB transaction failed'));
      transaction.onabort = () => reject(transaction.error ?? new Error('IndexedDB transaction aborted (quota?)'));
    });
    const result = await work(transaction.objectStore(STORE));
    await done;
    return result;
  } finally {
    db.close();
  }
}

/** A File's identity for the store: its name, size and last-modified time. */
function keyOf(file: File): string {
  return `${file.name}\u0000${file.size}\u0000${file.lastModified}`;
}

/** Stores the files (those already stored are left as they are). */
export async function storeSymbolFiles(files: readonly File[]): Promise<void> {
  if (files.length === 0) return;
  await withStore('readwrite', async (store) => {
    for (const file of files) {
      const record: StoredFile = { key: keyOf(file), name: file.name, blob: file, added: Date.now() };
      store.put(record);
    }
  });
}

/** The stored files, oldest first. */
export async function loadSymbolFiles(): Promise<File[]> {
  const records = await withStore('readonly', (store) => request(store.getAll() as IDBRequest<StoredFile[]>));
  return records
    .sort((a, b) => a.added - b.added)
    .map((r) => new File([r.blob], r.name, { type: 'application/octet-stream', lastModified: Number(r.key.split('\u0000')[2]) || r.added }));
}

/** Deletes every stored file. */
export async function forgetSymbolFiles(): Promise<void> {
  await withStore('readwrite', async (store) => {
    store.clear();
  });
}
