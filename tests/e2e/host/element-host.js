// Hosts <kdmp-viewer>: a picked file goes to its .file property; every kdmp-* event is kept in window.events.
const viewer = document.getElementById('viewer');
const input = document.getElementById('file');

window.events = [];
for (const type of ['kdmp-open', 'kdmp-error', 'kdmp-navigate', 'kdmp-close']) {
  viewer.addEventListener(type, (event) => window.events.push({ type, detail: event.detail }));
}
input.addEventListener('change', () => {
  if (input.files[0]) viewer.file = input.files[0];
});

await customElements.whenDefined('kdmp-viewer');
document.body.dataset.ready = 'true';
