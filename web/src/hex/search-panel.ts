// SEAM (helper "hex tools" replaces the bodies): the search bar of the hex view.
import type { DumpHandle } from '../api/types';
import type { AddressSpaceKind } from '../viewer/context';

export interface SearchScope {
  space: AddressSpaceKind;
  dtb?: bigint;
  /** The search starts here (the cursor), and wraps to the start of the space. */
  from: bigint;
}

export class SearchPanel {
  readonly element: HTMLElement;
  constructor(_options: { dump: DumpHandle; scope(): SearchScope; onMatch(address: bigint, length: number): void }) {
    this.element = document.createElement('section');
  }
  /** Puts the keyboard focus in the search box (Ctrl+F). */
  focus(): void {}
  /** Stops a running search. */
  cancel(): void {}
}
