// Embeds the viewer (?viewer=<URL of embed.html>), keeps what it says in window.messages, and sends it a picked file
// (kdmpview:open) or picked symbol files (kdmpview:symbols).
// window.post(message) sends anything else. Only messages from the viewer's origin are read.
const viewerUrl = new URL(new URLSearchParams(location.search).get('viewer'));
const viewerOrigin = viewerUrl.origin;
const input = document.getElementById('file');
const symbols = document.getElementById('symbols');

window.messages = [];
window.addEventListener('message', (event) => {
  if (event.origin === viewerOrigin && event.source === frame.contentWindow) window.messages.push(event.data);
});

const frame = document.createElement('iframe');
frame.title = 'Crash dump viewer';
frame.src = viewerUrl.href;
frame.width = '1000';
frame.height = '700';
const loaded = new Promise((resolve) => frame.addEventListener('load', resolve, { once: true }));
document.body.append(frame);

window.post = (message) => frame.contentWindow.postMessage(message, viewerOrigin);
input.addEventListener('change', () => {
  if (input.files[0]) window.post({ type: 'kdmpview:open', file: input.files[0] });
});
symbols.addEventListener('change', () => {
  window.post({ type: 'kdmpview:symbols', files: [...symbols.files] });
});

await loaded;
document.body.dataset.ready = 'true';
