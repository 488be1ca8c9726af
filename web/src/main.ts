// The page: open a dump (drop, pick, or the sample), ask the worker for its summary and first bytes, show them.
import { DumpClient } from './client';
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

const client = new DumpClient(new Worker(new URL('./worker/worker.ts', import.meta.url), { type: 'module' }));

function setStatus(text: string): void {
  statusLine.textContent = text;
}

async function openDump(file: Blob, name: string): Promise<void> {
  setStatus(`Opening ${name}…`);
  output.replaceChildren();
  const opened = await client.request('open', { file });
  if (!opened.ok) {
    setStatus('');
    output.replaceChildren(renderError(name, opened.error));
    return;
  }
  const { summary } = opened.body;
  const title = el('h2', { className: 'dump-title', text: name });
  const subtitle = el('p', { className: 'dump-subtitle', text: `${summary.header.dumpTypeName} dump · ${summary.header.machineName} · bugcheck ${summary.bugcheck.code} ${summary.bugcheck.name}` });
  output.replaceChildren(title, subtitle, renderSummary(summary));

  const head = await client.request('readFile', { offset: 0, length: HEX_PREVIEW_BYTES });
  const hexPanel = el('section', { className: 'panel panel-hex' }, [el('h3', { text: `First ${HEX_PREVIEW_BYTES} bytes of the file` })]);
  hexPanel.append(head.ok ? renderHexDump(head.body.bytes, head.body.offset) : el('p', { className: 'error-message', text: head.error.message }));
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
