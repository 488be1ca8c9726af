// embed.html: the viewer without the page chrome, for an <iframe> in a host page that drives it with postMessage
// (embed-protocol.ts). Only the parent window's messages count, and only from an allowed origin: the viewer's own,
// plus those in embed-config.json next to this page. Replies go to the host's exact origin, never "*".
//   embed.html?open=host   hides the drop zone and the file picker: only the host opens dumps.
import { fromHex } from '../hex';
import { Viewer } from '../viewer/viewer';
import {
  EMBED_ERRORS, EMBED_PROTOCOL_VERSION, defaultDumpName, isKdmpviewMessage, parseHostMessage, viewerMessage,
  type HostMessage, type ViewerMessage,
} from './embed-protocol';
import { isOriginAllowed, parseEmbedConfig, readyTargets, sameOriginUrl, type AllowList } from './origins';

const CONFIG_FILE = 'embed-config.json';

const root = document.getElementById('app');
if (!root) throw new Error('#app is missing from embed.html');

const framed = window.parent !== window;
/** The origin replies go to: the parent's once known and allowed. */
let hostOrigin: string | undefined;

function post(message: ViewerMessage): void {
  if (framed && hostOrigin) window.parent.postMessage(message, hostOrigin);
}

const viewer = new Viewer(root, {
  createWorker: () => new Worker(new URL('../worker/worker.ts', import.meta.url), { type: 'module' }),
  useFragment: false,
  allowOpen: new URLSearchParams(location.search).get('open') !== 'host',
  onEvent: (event) => post(viewerMessage(event)),
});

/** The allow-list deployed with the site; without embed-config.json only the viewer's own origin. */
async function loadAllowList(): Promise<AllowList> {
  let config: unknown = {};
  try {
    const response = await fetch(new URL(CONFIG_FILE, location.href), { cache: 'no-cache' });
    if (response.ok) config = await response.json();
    else if (response.status !== 404) console.warn(`kdmpview: ${CONFIG_FILE}: HTTP ${response.status}; only ${location.origin} may embed this viewer`);
  } catch (e) {
    console.warn(`kdmpview: ${CONFIG_FILE} could not be read (${e instanceof Error ? e.message : String(e)}); only ${location.origin} may embed this viewer`);
  }
  const allowList = parseEmbedConfig(config, location.origin);
  for (const problem of allowList.problems) console.warn(`kdmpview: ${CONFIG_FILE}: ${problem} (ignored)`);
  return allowList;
}

/** The embedding page's origin, when the browser tells: Chromium and Safari's ancestorOrigins, else the referrer. */
function parentOrigin(): string | undefined {
  const ancestor = location.ancestorOrigins?.[0];
  if (ancestor) return ancestor;
  try {
    return document.referrer ? new URL(document.referrer).origin : undefined;
  } catch {
    return undefined;
  }
}

function handle(message: HostMessage): void {
  switch (message.type) {
    case 'kdmpview:open': {
      if ('file' in message) {
        void viewer.open(message.file, message.name ?? defaultDumpName(message.file));
        return;
      }
      const name = message.name ?? defaultDumpName(message.url);
      const url = sameOriginUrl(message.url, location.href, location.origin);
      if (url) void viewer.open(url, name);
      else post({ type: 'kdmpview:error', name, error: { code: EMBED_ERRORS.crossOriginUrl, message: `${message.url} is not on the viewer's origin (${location.origin}): the viewer only reads dumps from its own origin` } });
      return;
    }
    case 'kdmpview:navigate':
      viewer.navigate(message.view, message.address === undefined ? undefined : { space: message.space ?? 'virtual', address: fromHex(message.address) });
      return;
    case 'kdmpview:close':
      void viewer.close();
      return;
    case 'kdmpview:symbols':
      // The reply is the 'symbols' event (kdmpview:symbols) once the open dump has them; kept for the next dump too.
      void viewer.addSymbols(message.files);
      return;
  }
}

const allowList = loadAllowList();

// Messages that arrive before the allow-list is read wait for it, in order.
let queue = Promise.resolve();
window.addEventListener('message', (event) => {
  if (!framed || event.source !== window.parent) return;
  queue = queue.then(async () => {
    const { rules } = await allowList;
    if (!isOriginAllowed(event.origin, rules)) {
      console.warn(`kdmpview: ignored a message from ${event.origin}: that origin is not in ${CONFIG_FILE}'s allowedOrigins`);
      return;
    }
    const parsed = parseHostMessage(event.data);
    if (!('message' in parsed)) {
      // Other scripts of the host may talk to other frames; only our own malformed messages get an answer.
      if (isKdmpviewMessage(event.data)) {
        hostOrigin = event.origin;
        post({ type: 'kdmpview:error', error: { code: EMBED_ERRORS.badMessage, message: parsed.problem } });
      }
      return;
    }
    hostOrigin = event.origin;
    handle(parsed.message);
  });
});

if (framed) {
  void allowList.then(({ rules }) => {
    const parent = parentOrigin();
    const targets = readyTargets(rules, parent);
    if (parent !== undefined && targets.length === 0) {
      console.warn(`kdmpview: the page embedding this viewer (${parent}) is not in ${CONFIG_FILE}'s allowedOrigins: its messages will be ignored`);
    }
    if (parent !== undefined && targets.length > 0) hostOrigin = parent;
    for (const target of targets) window.parent.postMessage({ type: 'kdmpview:ready', version: EMBED_PROTOCOL_VERSION } satisfies ViewerMessage, target);
  });
}
