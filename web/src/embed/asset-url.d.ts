// Vite's "?url" imports: the URL of the built asset (for a CSS file, the bundled stylesheet with its @imports
// inlined), resolved against the importing module when the site is built with a relative base.
declare module '*?url' {
  const url: string;
  export default url;
}
