// The hex view's own scrollbar: a track and a thumb over bigint rows. A native scrollbar cannot do this: 2^60 rows of
// 20 pixels is no element's height. Dragging the thumb maps pixels to rows with row-math's fixed point; clicking
// the track pages.
import { maxTopRow, rowAtThumb, thumbLength, thumbOffset } from './row-math';

export interface ScrollbarOptions {
  /** The thumb was dragged: show `top` as the first row. */
  onScroll(top: bigint): void;
  /** The track was clicked above (-1) or below (+1) the thumb. */
  onPage(direction: -1 | 1): void;
  /** The id of the element it scrolls (aria-controls). */
  controls: string;
}

export class VirtualScrollbar {
  readonly element: HTMLElement;
  private readonly thumb: HTMLElement;
  private trackHeight = 0;
  private top = 0n;
  private maxTop = 0n;
  private length = 0;
  private drag: { pointerId: number; startY: number; startOffset: number } | null = null;

  constructor(private readonly options: ScrollbarOptions) {
    this.element = document.createElement('div');
    this.element.className = 'hex-scrollbar';
    this.element.setAttribute('role', 'scrollbar');
    this.element.setAttribute('aria-orientation', 'vertical');
    this.element.setAttribute('aria-controls', options.controls);
    this.element.setAttribute('aria-valuemin', '0');
    this.element.setAttribute('aria-valuemax', '100');
    this.thumb = document.createElement('div');
    this.thumb.className = 'hex-scrollbar-thumb';
    this.element.append(this.thumb);

    this.element.addEventListener('pointerdown', (event) => this.pointerDown(event));
    this.thumb.addEventListener('pointermove', (event) => this.pointerMove(event));
    this.thumb.addEventListener('pointerup', (event) => this.pointerUp(event));
    this.thumb.addEventListener('pointercancel', (event) => this.pointerUp(event));
  }

  /** The track's height in pixels (the view measures it with its ResizeObserver). */
  resize(trackHeight: number): void {
    this.trackHeight = trackHeight;
    this.layout();
  }

  /** Shows `top` of `rows` rows, `visibleRows` of them on screen. */
  update(top: bigint, rows: bigint, visibleRows: number): void {
    this.top = top;
    this.maxTop = maxTopRow(rows, visibleRows);
    this.length = thumbLength(rows, visibleRows, this.trackHeight);
    this.element.classList.toggle('hex-scrollbar-idle', this.maxTop === 0n);
    this.layout();
  }

  get dragging(): boolean {
    return this.drag !== null;
  }

  private get travel(): number {
    return Math.max(0, this.trackHeight - this.length);
  }

  private layout(): void {
    const offset = thumbOffset(this.top, this.maxTop, this.travel);
    this.thumb.style.height = `${this.length}px`;
    this.thumb.style.transform = `translateY(${offset}px)`;
    const percent = this.maxTop === 0n ? 0 : Number((this.top * 10000n) / this.maxTop) / 100;
    this.element.setAttribute('aria-valuenow', percent.toFixed(2));
  }

  private pointerDown(event: PointerEvent): void {
    if (event.button !== 0) return;
    event.preventDefault();
    if (event.target === this.thumb) {
      this.thumb.setPointerCapture(event.pointerId);
      this.drag = { pointerId: event.pointerId, startY: event.clientY, startOffset: thumbOffset(this.top, this.maxTop, this.travel) };
      this.thumb.classList.add('hex-scrollbar-thumb-active');
      return;
    }
    const rect = this.element.getBoundingClientRect();
    const y = event.clientY - rect.top;
    const thumbTop = thumbOffset(this.top, this.maxTop, this.travel);
    if (y < thumbTop) this.options.onPage(-1);
    else if (y > thumbTop + this.length) this.options.onPage(1);
  }

  private pointerMove(event: PointerEvent): void {
    if (!this.drag || event.pointerId !== this.drag.pointerId) return;
    const offset = this.drag.startOffset + (event.clientY - this.drag.startY);
    this.options.onScroll(rowAtThumb(offset, this.travel, this.maxTop));
  }

  private pointerUp(event: PointerEvent): void {
    if (!this.drag || event.pointerId !== this.drag.pointerId) return;
    this.drag = null;
    this.thumb.classList.remove('hex-scrollbar-thumb-active');
    if (this.thumb.hasPointerCapture(event.pointerId)) this.thumb.releasePointerCapture(event.pointerId);
  }
}
