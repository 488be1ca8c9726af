// Strings from a dump or a file name are hostile: a right-to-left override (U+202E) would render a module name
// reversed and bleed into the text around it, a NUL or an escape code would hide characters, and a 300-character
// name would widen the page. Every text the viewer shows passes through visibleText (el() does it), and long names
// are capped with an ellipsis, the whole text on hover.

// Bidi embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069), the implicit marks (LRM, RLM, ALM), C0 and
// C1 controls and DEL; tab and newline stay (the viewer's own multi-line texts use them).
const HOSTILE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** The text with each control or bidi character replaced by a visible escape: "\u202E", "\x00". */
export function visibleText(text: string): string {
  return text.replace(HOSTILE, (c) => {
    const code = c.charCodeAt(0);
    return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).toUpperCase().padStart(4, '0')}`;
  });
}

/** True when the text holds a character visibleText escapes. */
export function hasHostileCharacters(text: string): boolean {
  HOSTILE.lastIndex = 0;
  const found = HOSTILE.test(text);
  HOSTILE.lastIndex = 0;
  return found;
}

/** At most `max` characters: the end cut off with "…" (module names, drivers). */
export function capEnd(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

/** At most `max` characters with the middle cut out: "crash-2024-0…-host.dmp" keeps a file name's date and
 *  extension, which tell files apart. */
export function capMiddle(text: string, max: number): string {
  const chars = [...text];
  if (chars.length <= max) return text;
  const tail = Math.floor((max - 1) / 2);
  const head = max - 1 - tail;
  return `${chars.slice(0, head).join('')}…${chars.slice(chars.length - tail).join('')}`;
}
