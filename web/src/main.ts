// The page: open a dump (drop, pick, the sample, or ?url= on this server), ask the worker for its summary and first
// bytes, show them.
import { openDumpInWorker } from './api/browser';
import { KdmpError } from './api/errors';
import type { DumpHandle, DumpSource } from './api/types';
import { renderError } from './views/error-view';
import { renderHexDump } from './views/hex-view';
import { renderSummary } from './views/summary-view';
import { el } from './views/dom';

const HEX_PREVIEW_BYTES = 512;

function byId<T extends HTMLElement>(id: string): T {
  const node = document.getElementById(id);
  if (!node) throw new Error(`#${id} is missing from index.html`);
  return node as T;
}

const dropZone = byId<HTMLElement>('drop-zone');
const fileInput = byId<HTMLInputElement>('file-input');
const sampleButton = byId<HTMLButtonElement>('open-sample');
const statusLine = byId<HTMLElement>('status');
const output = byId<HTMLElement>('output');

// Each dump gets its own worker; opening the next one closes the previous one (and ends its worker).
let current: DumpHandle | undefined;
let generation = 0;
const createWorker = () => new Worker(new URL('./worker/worker.ts', import.meta.url), { type: 'module' });

function setStatus(text: string): void {
  statusLine.textContent = text;
}

async function openDump(source: DumpSource, name: string): Promise<void> {
  const mine = ++generation;
  setStatus(`Opening ${name}…`);
  output.replaceChildren();
  const previous = current;
  current = undefined;
  void previous?.close();
  let dump: DumpHandle;
  try {
    dump = await openDumpInWorker(source, { createWorker });
  } catch (e) {
    if (mine !== generation) return;
    setStatus('');
    const error = e instanceof KdmpError ? e : { code: 'internal-error', message: String(e) };
    output.replaceChildren(renderError(name, { code: error.code, message: error.message }));
    return;
  }
  if (mine !== generation) {
    void dump.close();
    return;
  }
  current = dump;
  const summary = await dump.summary();
  const title = el('h2', { className: 'dump-title', text: name });
  const subtitle = el('p', { className: 'dump-subtitle', text: `${summary.header.dumpTypeName} dump · ${summary.header.machineName} · bugcheck ${summary.bugcheck.code} ${summary.bugcheck.name}` });
  output.replaceChildren(title, subtitle, renderSummary(summary));

  const hexPanel = el('section', { className: 'panel panel-hex' }, [el('h3', { text: `First ${HEX_PREVIEW_BYTES} bytes of the file` })]);
  try {
    hexPanel.append(renderHexDump(await dump.readFile(0n, HEX_PREVIEW_BYTES), 0));
  } catch (e) {
    hexPanel.append(el('p', { className: 'error-message', text: e instanceof Error ? e.message : String(e) }));
  }
  if (mine !== generation) return;
  output.append(hexPanel);
  setStatus(`Opened ${name}.`);
}

function openFirst(files: FileList | null | undefined): void {
  const file = files?.[0];
  if (file) void openDump(file, file.name);
}

fileInput.addEventListener('change', () => openFirst(fileInput.files));

// The sample is served next to the page (same origin): nothing is fetched from anywhere else.
sampleButton.addEventListener('click', async () => {
  setStatus('Fetching the sample dump…');
  try {
    const response = await fetch('./sample.dmp');
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    await openDump(await response.blob(), 'sample.dmp');
  } catch (e) {
    setStatus(`The sample dump could not be loaded: ${e instanceof Error ? e.message : String(e)}`);
  }
});

// Drop anywhere on the page; the drop zone only shows where.
for (const type of ['dragenter', 'dragover'] as const) {
  document.addEventListener(type, (event) => {
    event.preventDefault();
    dropZone.classList.add('dragging');
  });
}
document.addEventListener('dragleave', (event) => {
  if (event.relatedTarget === null) dropZone.classList.remove('dragging');
});
document.addEventListener('drop', (event) => {
  event.preventDefault();
  dropZone.classList.remove('dragging');
  openFirst(event.dataTransfer?.files);
});

// ?url=/dumps/MEMORY.DMP opens a dump that stays on this server, read with HTTP range requests (the CSP keeps the
// page on its own origin).
const dumpUrl = new URLSearchParams(location.search).get('url');
if (dumpUrl) void openDump(dumpUrl, decodeURIComponent(dumpUrl.split('/').pop() || dumpUrl));
