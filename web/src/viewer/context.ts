// What every view of an open dump gets: the dump, its summary, and the ways to move around the viewer. Panels and
// the hex workspace only talk to the rest of the viewer through this.
import type { DumpHandle, Summary } from '../api/types';
import type { ModuleMap } from './module-map';
import type { SymbolNames } from './symbol-names';

/** The three address spaces of the hex view. */
export type AddressSpaceKind = 'file' | 'physical' | 'virtual';

/** A place in the hex view: where the cursor is, and optionally how many bytes from there are selected. */
export interface HexLocation {
  space: AddressSpaceKind;
  address: bigint;
  /** Virtual memory only: the page tables to walk (default the header's DirectoryTableBase). */
  dtb?: bigint;
  /** Bytes selected from `address` (default none: a cursor only). */
  length?: number;
  /** Where the cursor is inside the selection when it is not on its first byte (a selection made with Shift+Right
   *  ends with the cursor on its last byte, and the inspector reads from there). */
  cursor?: bigint;
  /** Open the hex view's disassembly pane (a Stack tab frame's code). */
  disassembly?: boolean;
}

/** The tabs of an open dump, in the order they appear. */
export const PANEL_IDS = ['crash', 'header', 'registers', 'exception', 'modules', 'processes', 'stack', 'memory', 'triage', 'hex'] as const;
export type PanelId = (typeof PANEL_IDS)[number];

export interface ViewerContext {
  readonly dump: DumpHandle;
  readonly summary: Summary;
  /** The file name shown to the user. */
  readonly name: string;
  /** Modules by address and by name (kernel and user), for module+offset everywhere. */
  readonly modules: ModuleMap;
  /** module!function+0xoff from the dump's symbols (asked of the worker), module+offset without them. */
  readonly symbols: SymbolNames;
  /** Switches to the hex view at `location`. */
  showHex(location: HexLocation): void;
  /** Switches to another tab. */
  showPanel(id: PanelId): void;
  /** A line in the status bar ("Copied 16 bytes as a C array"). */
  setStatus(text: string): void;
}

/** One tab's content. render() runs the first time the tab is shown; the element is kept afterwards. */
export interface Panel {
  id: Exclude<PanelId, 'hex'>;
  title: string;
  /** False hides the tab (no exception record, not a triage dump, ...). */
  available(summary: Summary): boolean;
  render(context: ViewerContext): HTMLElement | Promise<HTMLElement>;
}
