// Vite's `?url&no-inline` imports: the URL of the asset Vite emits (the disassemblers' .wasm files), never a data:
// URL, which the CSP would refuse (library builds otherwise inline every asset).
declare module '*.wasm?url&no-inline' {
  const url: string;
  export default url;
}
