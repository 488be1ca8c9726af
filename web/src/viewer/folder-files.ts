// Files from a drop that may hold folders: each dropped folder is walked (webkitGetAsEntry), the files inside listed
// with their path ("Minidump/0412-01.dmp"). A directory picker's files carry webkitRelativePath instead.

/** A file and the name to show for it (its path inside a dropped folder). */
export interface NamedFile {
  file: File;
  name: string;
}

/** The most files one drop lists: a drop of a whole disk stops here instead of exhausting memory. */
export const MAX_FILES = 100_000;

function readEntries(reader: FileSystemDirectoryReader): Promise<FileSystemEntry[]> {
  return new Promise((resolve, reject) => reader.readEntries(resolve, reject));
}

function fileOf(entry: FileSystemFileEntry): Promise<File> {
  return new Promise((resolve, reject) => entry.file(resolve, reject));
}

async function walk(entry: FileSystemEntry, path: string, out: NamedFile[]): Promise<void> {
  if (out.length >= MAX_FILES) return;
  if (entry.isFile) {
    out.push({ file: await fileOf(entry as FileSystemFileEntry), name: path });
    return;
  }
  if (!entry.isDirectory) return;
  const reader = (entry as FileSystemDirectoryEntry).createReader();
  // readEntries answers in batches (100 in Chromium) until an empty one.
  for (let batch = await readEntries(reader); batch.length > 0; batch = await readEntries(reader)) {
    for (const child of batch) await walk(child, `${path}/${child.name}`, out);
  }
}

/** The files of a drop, folders walked; in name order within each folder, as a file manager lists them. */
export async function droppedFiles(transfer: DataTransfer): Promise<NamedFile[]> {
  const entries = [...transfer.items].filter((i) => i.kind === 'file').map((i) => i.webkitGetAsEntry?.() ?? null);
  if (entries.length === 0 || entries.some((e) => e === null)) return [...transfer.files].map((file) => ({ file, name: file.name }));
  const out: NamedFile[] = [];
  for (const entry of entries) await walk(entry!, entry!.name, out);
  return out.sort((a, b) => a.name.localeCompare(b.name, undefined, { numeric: true }));
}

/** Files from an <input type=file> (with or without webkitdirectory). */
export function pickedFiles(files: readonly File[]): NamedFile[] {
  return files.map((file) => ({ file, name: file.webkitRelativePath || file.name }));
}
