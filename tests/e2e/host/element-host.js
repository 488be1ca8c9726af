// Hosts <kdmp-viewer>: a picked file goes to its .file property, picked symbol files to addSymbols() (what it
// resolves to in window.symbolStatuses); every kdmp-* event is kept in window.events.
const viewer = document.getElementById('viewer');
const input = document.getElementById('file');
const symbols = document.getElementById('symbols');

window.events = [];
window.symbolStatuses = [];
for (const type of ['kdmp-open', 'kdmp-error', 'kdmp-navigate', 'kdmp-close', 'kdmp-symbols']) {
  viewer.addEventListener(type, (event) => window.events.push({ type, detail: event.detail }));
}
input.addEventListener('change', () => {
  if (input.files[0]) viewer.file = input.files[0];
});

// package-element.html has no symbol picker.
symbols?.addEventListener('change', async () => {
  window.symbolStatuses.push(await viewer.addSymbols([...symbols.files]));
});

await customElements.whenDefined('kdmp-viewer');
document.body.dataset.ready = 'true';
