// The package's browser entry, as a host page imports it.
import * as kdmp from '/pkg/index.js';

window.kdmp = kdmp;
document.body.dataset.ready = 'true';
