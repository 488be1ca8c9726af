// The standalone page: the viewer over the whole page, the view kept in the URL fragment, the sample dump one click
// away, and ?url=/path/MEMORY.DMP to open a dump that stays on this server (read with HTTP range requests; the CSP
// keeps the page on its own origin).
import { registerServiceWorker } from './offline/register';
import { Viewer } from './viewer/viewer';

function byId<T extends HTMLElement>(id: string): T {
  const node = document.getElementById(id);
  if (!node) throw new Error(`#${id} is missing from index.html`);
  return node as T;
}

const app = byId('app');
const viewer = new Viewer(app, {
  createWorker: () => new Worker(new URL('./worker/worker.ts', import.meta.url), { type: 'module' }),
  useFragment: true,
  sampleUrl: './sample.dmp',
  ids: { fileInput: 'file-input', sampleButton: 'open-sample' },
});

// A drop anywhere on the page counts, not only on the viewer's area (which handles its own).
for (const type of ['dragover', 'drop'] as const) {
  document.addEventListener(type, (event) => {
    if (event.target instanceof Node && app.contains(event.target)) return;
    event.preventDefault();
    if (type === 'drop' && event.dataTransfer) void viewer.openDrop(event.dataTransfer);
  });
}

const dumpUrl = new URLSearchParams(location.search).get('url');
if (dumpUrl) void viewer.open(dumpUrl, decodeURIComponent(dumpUrl.split('/').pop() || dumpUrl));

registerServiceWorker();
