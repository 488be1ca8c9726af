// Matching with a mask (pattern.ts): a byte matches when (byte & mask) == (pattern & mask); mask 0 is "any byte",
// 0xdf on a letter is "either case". Boyer-Moore-Horspool still applies: the shift for a byte value is the distance
// from the pattern's end to the last position (before the end) that value could match, so a wildcard near the end
// keeps shifts short but never skips a match. Same scan() contract as search.ts's Matcher.

export class MaskedMatcher {
  private readonly skip = new Int32Array(256);
  private readonly masked: Uint8Array;

  constructor(readonly pattern: Uint8Array, private readonly mask: Uint8Array) {
    const m = pattern.length;
    this.masked = pattern.map((b, i) => b & mask[i]!);
    this.skip.fill(m);
    // Positions later in the pattern give shorter shifts: go forward so the last one wins.
    for (let i = 0; i < m - 1; ++i) {
      const shift = m - 1 - i;
      if (mask[i] === 0) {
        for (let b = 0; b < 256; ++b) this.skip[b] = Math.min(this.skip[b]!, shift);
        continue;
      }
      for (let b = 0; b < 256; ++b) if ((b & mask[i]!) === this.masked[i]) this.skip[b] = shift;
    }
  }

  /** Calls onMatch(index) for each match in hay, in order, until it returns false; returns false if stopped. */
  scan(hay: Uint8Array, onMatch: (index: number) => boolean): boolean {
    const { masked, mask, skip } = this;
    const m = masked.length;
    const last = m - 1;
    const n = hay.length;
    for (let i = 0; i <= n - m;) {
      const b = hay[i + last]!;
      if ((b & mask[last]!) === masked[last]) {
        let j = last - 1;
        while (j >= 0 && (hay[i + j]! & mask[j]!) === masked[j]) --j;
        if (j < 0 && !onMatch(i)) return false;
      }
      i += skip[b]!;
    }
    return true;
  }
}
