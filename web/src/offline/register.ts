// Registers the service worker (sw.js, service-worker.ts) that lets the standalone page reload offline. Only the
// standalone page calls this: the iframe page and <kdmp-viewer> live inside other sites, whose offline story is
// theirs. Offline use is a bonus: a failure is logged, never shown, and never stops the viewer.
import { SERVICE_WORKER_FILE } from './service-worker-file';

export function registerServiceWorker(): void {
  // The dev server serves no sw.js (the plugin runs at build time); Vite replaces import.meta.env.DEV, which the
  // program's types (no vite/client) do not know.
  if ((import.meta as ImportMeta & { env?: { DEV?: boolean } }).env?.DEV) return;
  try {
    // Service workers need a secure context (https, or http from 127.0.0.1 / localhost); file: pages have none.
    if (!('serviceWorker' in navigator) || !window.isSecureContext || !/^https?:$/.test(location.protocol)) return;
    // Next to index.html, so its scope is the site's directory, whatever the sub-path.
    const script = new URL(SERVICE_WORKER_FILE, document.baseURI);
    // After the load event: caching the site must not compete with loading it.
    whenLoaded(() => {
      navigator.serviceWorker.register(script).catch(warn);
    });
  } catch (error) {
    warn(error);  // e.g. a SecurityError where storage is blocked
  }
}

function whenLoaded(run: () => void): void {
  if (document.readyState === 'complete') run();
  else window.addEventListener('load', run, { once: true });
}

function warn(error: unknown): void {
  console.warn('kdmpview: the service worker did not register; the page will not reload offline.', error);
}
