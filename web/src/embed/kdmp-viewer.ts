// The site's <kdmp-viewer> script: `npm run build` writes it as dist/kdmp-viewer.js, with the worker, the wasm
// module and the stylesheet in dist/assets/ found relative to this file. A host page on the same origin as dist/
// loads it with <script type="module" src=".../kdmp-viewer.js"></script> (docs/embedding.md).
import stylesheetUrl from '../styles.css?url';
import { defineKdmpViewer } from './kdmp-viewer-element';

export { KDMP_VIEWER_TAG, KdmpViewerElement, defineKdmpViewer } from './kdmp-viewer-element';
export type { KdmpErrorDetail, KdmpNavigateDetail, KdmpOpenDetail, KdmpViewerSetup } from './kdmp-viewer-element';

export const KdmpViewer = defineKdmpViewer({
  createWorker: () => new Worker(new URL('../worker/worker.ts', import.meta.url), { type: 'module' }),
  stylesheetUrl: new URL(stylesheetUrl, import.meta.url),
});
