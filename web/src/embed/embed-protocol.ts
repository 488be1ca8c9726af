// The iframe mode's messages: a host page (an incident-response portal) embeds embed.html in an <iframe> and talks
// to it with postMessage. Every message is a plain object whose `type` starts with "kdmpview:". The viewer accepts
// messages only from its parent window and from origins on its allow-list (origins.ts), and posts only with an
// explicit targetOrigin. docs/embedding.md has the table and an example host.
//
//   host -> viewer                                        viewer -> host
//   kdmpview:open      {file: File | Blob, name?}         kdmpview:ready     {version}  (once the allow-list is read)
//   kdmpview:open      {url, name?}  (same-origin URL)    kdmpview:opened    {name, summary}
//   kdmpview:navigate  {view, space?, address?}           kdmpview:error     {name?, error: {code, message}}
//   kdmpview:close     {}                                 kdmpview:navigate  {view, space?, address?}  (the user moved)
//                                                         kdmpview:closed    {}
import { isHex } from '../hex';
import type { SymbolFileStatus } from '../protocol';
import type { Hex, Summary } from '../summary';
import { PANEL_IDS, type AddressSpaceKind, type PanelId } from '../viewer/context';
import type { ViewerEvent } from '../viewer/viewer';

/** Bumped when a message changes in a way an existing host would notice. Sent in 'kdmpview:ready'.
 *  2: kdmpview:symbols (symbol files from the host). */
export const EMBED_PROTOCOL_VERSION = 2;

export const MESSAGE_PREFIX = 'kdmpview:';

export type HostMessage =
  /** Opens a dump the host holds (a File from an <input>, a Blob it downloaded). `name` defaults to the File's. */
  | { type: 'kdmpview:open'; file: Blob; name?: string }
  /** Opens a dump that stays on the viewer's server, read with HTTP range requests. Same-origin with the viewer. */
  | { type: 'kdmpview:open'; url: string; name?: string }
  /** Moves to a tab; with an address, the hex view at that address (`space` defaults to "virtual"). */
  | { type: 'kdmpview:navigate'; view: PanelId; space?: AddressSpaceKind; address?: Hex }
  | { type: 'kdmpview:close' }
  /** Symbol files for the open dump and the ones opened after it: PDBs, or SYS/EXE/DLL images. A Blob needs a name. */
  | { type: 'kdmpview:symbols'; files: File[] };

export type ViewerMessage =
  | { type: 'kdmpview:ready'; version: number }
  | { type: 'kdmpview:opened'; name: string; summary: Summary }
  | { type: 'kdmpview:error'; name?: string; error: { code: string; message: string } }
  | { type: 'kdmpview:navigate'; view: PanelId; space?: AddressSpaceKind; address?: Hex }
  | { type: 'kdmpview:closed' }
  /** What became of every symbol file the open dump holds (after kdmpview:symbols, or files the user dropped). */
  | { type: 'kdmpview:symbols'; files: SymbolFileStatus[] };

/** Error codes of the embedding layer itself (the dump errors are the API's: not-a-dump, source-failed, ...). */
export const EMBED_ERRORS = {
  /** A "kdmpview:" message the viewer does not understand (unknown type, missing or wrong fields). */
  badMessage: 'bad-message',
  /** A URL that is not on the viewer's origin. */
  crossOriginUrl: 'cross-origin-url',
} as const;

const SPACES: readonly string[] = ['file', 'physical', 'virtual'] satisfies AddressSpaceKind[];

/** True for anything that claims to be one of ours (a "kdmpview:" type); other messages are not ours to judge. */
export function isKdmpviewMessage(data: unknown): data is { type: string } {
  return typeof data === 'object' && data !== null && typeof (data as { type?: unknown }).type === 'string'
    && (data as { type: string }).type.startsWith(MESSAGE_PREFIX);
}

/** A host's message, checked field by field; `problem` says what is wrong with one that is not valid. */
export function parseHostMessage(data: unknown): { message: HostMessage } | { problem: string } {
  if (!isKdmpviewMessage(data)) return { problem: 'not a {type: "kdmpview:..."} object' };
  const m = data as Record<string, unknown> & { type: string };
  const name = m.name;
  if (name !== undefined && (typeof name !== 'string' || name === '')) return { problem: `${m.type}: name must be a non-empty string` };
  switch (m.type) {
    case 'kdmpview:open': {
      const named = name === undefined ? {} : { name };
      if (m.file !== undefined && m.url !== undefined) return { problem: 'kdmpview:open takes a file or a url, not both' };
      if (m.file !== undefined) {
        if (!(m.file instanceof Blob)) return { problem: 'kdmpview:open: file must be a File or a Blob' };
        return { message: { type: m.type, file: m.file, ...named } };
      }
      if (typeof m.url === 'string' && m.url !== '') return { message: { type: m.type, url: m.url, ...named } };
      return { problem: 'kdmpview:open needs a file (File or Blob) or a url (string)' };
    }
    case 'kdmpview:navigate': {
      const { view, space, address } = m;
      if (typeof view !== 'string' || !(PANEL_IDS as readonly string[]).includes(view)) {
        return { problem: `kdmpview:navigate: view must be one of ${PANEL_IDS.join(', ')}` };
      }
      if (space !== undefined && (typeof space !== 'string' || !SPACES.includes(space))) {
        return { problem: `kdmpview:navigate: space must be one of ${SPACES.join(', ')}` };
      }
      if (address !== undefined && !isHex(address)) return { problem: 'kdmpview:navigate: address must be a "0x..." string' };
      return {
        message: {
          type: m.type,
          view: view as PanelId,
          ...(space !== undefined ? { space: space as AddressSpaceKind } : {}),
          ...(address !== undefined ? { address: address.toLowerCase() as Hex } : {}),
        },
      };
    }
    case 'kdmpview:close':
      return { message: { type: m.type } };
    case 'kdmpview:symbols': {
      if (!Array.isArray(m.files) || m.files.length === 0) return { problem: 'kdmpview:symbols needs files: a non-empty array' };
      const files: File[] = [];
      for (const [i, item] of (m.files as unknown[]).entries()) {
        const file = symbolFileOf(item);
        if (!file) return { problem: `kdmpview:symbols: files[${i}] must be a File, or {name, data: Blob} with a non-empty name` };
        files.push(file);
      }
      return { message: { type: m.type, files } };
    }
    default:
      return { problem: `unknown message type ${JSON.stringify(m.type)}` };
  }
}

/** A File as it is, or a named Blob as a File (the same bytes, not copied). */
export function symbolFileOf(item: unknown): File | null {
  if (typeof File !== 'undefined' && item instanceof File) return item.name ? item : null;
  if (typeof item !== 'object' || item === null) return null;
  const { name, data } = item as { name?: unknown; data?: unknown };
  if (typeof name !== 'string' || name === '' || !(data instanceof Blob)) return null;
  return new File([data], name, { type: 'application/octet-stream' });
}

/** The message that tells the host about a viewer event. */
export function viewerMessage(event: ViewerEvent): ViewerMessage {
  switch (event.type) {
    case 'opened':
      return { type: 'kdmpview:opened', name: event.name, summary: event.summary };
    case 'error':
      return { type: 'kdmpview:error', name: event.name, error: event.error };
    case 'navigate':
      return {
        type: 'kdmpview:navigate',
        view: event.view,
        ...(event.space !== undefined ? { space: event.space } : {}),
        ...(event.address !== undefined ? { address: event.address } : {}),
      };
    case 'closed':
      return { type: 'kdmpview:closed' };
    case 'symbols':
      return { type: 'kdmpview:symbols', files: event.files };
  }
}

/** The name a dump gets when the host does not give one: the File's name, the URL's last path segment. */
export function defaultDumpName(source: Blob | Uint8Array | string): string {
  if (typeof source === 'string') {
    const last = source.split(/[?#]/)[0]!.split('/').filter(Boolean).pop();
    if (last) {
      try {
        return decodeURIComponent(last);
      } catch {
        return last;
      }
    }
    return 'dump.dmp';
  }
  if (typeof File !== 'undefined' && source instanceof File && source.name) return source.name;
  return 'dump.dmp';
}
