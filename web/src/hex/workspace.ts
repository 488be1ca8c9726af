// SEAM (helper "hex view" replaces the bodies): the hex view tab: toolbar, the view, inspector, search.
import type { HexLocation, ViewerContext } from '../viewer/context';

export interface HexState extends HexLocation {
  bytesPerRow: 16 | 32;
}

export class HexWorkspace {
  readonly element: HTMLElement;
  constructor(_context: ViewerContext, _options: { onLocationChange(state: HexState): void }) {
    this.element = document.createElement('section');
  }
  /** Moves to `location` (switching address space when needed) and selects `length` bytes there. */
  show(_location: HexLocation & { bytesPerRow?: 16 | 32 }): void {}
  /** Where the cursor is now. */
  state(): HexState {
    return { space: 'file', address: 0n, bytesPerRow: 16 };
  }
  /** Ends reads in flight and searches. */
  destroy(): void {}
}
