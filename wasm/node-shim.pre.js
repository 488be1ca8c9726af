// Emscripten 3.1.6's ES6 glue sets scriptDirectory from __dirname under Node, which an ES module does not have
// (plain Node throws "ReferenceError: __dirname is not defined"). The module never reads its .wasm by path under
// Node (callers pass `wasmBinary`), so a placeholder is enough. This var is local to the module factory.
var __dirname = '.';
