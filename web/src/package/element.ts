// The npm package's <kdmp-viewer> entry ("kdmpview/element"): importing it defines the element. It starts the
// package's worker.js and links kdmp-viewer.css, both next to this module (or, for the worker and the wasm module,
// where init() from "kdmpview" says). As with the site's element, the worker and the stylesheet must be
// same-origin with the page.
import { defineKdmpViewer } from '../embed/kdmp-viewer-element';
import { packageFiles } from './files';

export { KDMP_VIEWER_TAG, KdmpViewerElement, defineKdmpViewer } from '../embed/kdmp-viewer-element';
export type { KdmpErrorDetail, KdmpNavigateDetail, KdmpOpenDetail, KdmpSymbolsDetail, KdmpViewerSetup } from '../embed/kdmp-viewer-element';

const files = () => packageFiles({}, new URL(/* @vite-ignore */ './worker.js', import.meta.url));

export const KdmpViewer = defineKdmpViewer({
  createWorker: () => new Worker(files().workerUrl, { type: 'module' }),
  wasmUrl: () => {
    const { wasmUrl } = files();
    return wasmUrl === undefined ? undefined : String(wasmUrl);
  },
  stylesheetUrl: new URL(/* @vite-ignore */ './kdmp-viewer.css', import.meta.url),
});
