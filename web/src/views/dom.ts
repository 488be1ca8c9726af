// A small helper to build DOM nodes. Text always goes in as textContent: nothing from a dump is parsed as HTML, and
// control and bidi characters show as visible escapes (safe-text.ts). `cap` shortens a long text with an ellipsis
// ("end", or "middle" for file names) and puts the whole text in the tooltip.
import { capEnd, capMiddle, visibleText } from './safe-text';

export interface ElementProps {
  className?: string;
  text?: string;
  data?: Record<string, string>;
  cap?: { max: number; at?: 'end' | 'middle' };
}

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: ElementProps = {},
  children: Node[] = [],
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (props.className) node.className = props.className;
  if (props.text !== undefined) setText(node, props.text, props.cap);
  for (const [key, value] of Object.entries(props.data ?? {})) node.dataset[key] = value;
  node.append(...children);
  return node;
}

/** Sets a node's text safely (visible escapes), capped as el()'s `cap` says; a capped text keeps its whole in the
 *  tooltip. */
export function setText(node: HTMLElement, text: string, cap?: ElementProps['cap']): void {
  const safe = visibleText(text);
  const shown = cap ? (cap.at === 'middle' ? capMiddle(safe, cap.max) : capEnd(safe, cap.max)) : safe;
  node.textContent = shown;
  if (shown !== safe) {
    node.title = safe;
    node.classList.add('capped');
  }
}

/** A text node with visible escapes. */
export function safeTextNode(text: string): Text {
  return document.createTextNode(visibleText(text));
}
