/*
 * Arithmetic on leaf indexes and tree sizes. Indexes are JavaScript numbers, exact up to 2^53; the
 * bitwise operators would cut them to 32 bits, so shifts are done with division.
 */

const TWO_POW_32 = 2 ** 32;

/** Throws unless `value` is an integer in [0, 2^53). */
export function assertTreeIndex(name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`${name} must be a non-negative safe integer, got ${value}`);
  }
}

/** The largest power of two strictly less than n, for n >= 2 (RFC 9162's split point k). */
export function splitPoint(n: number): number {
  if (n <= TWO_POW_32) return 2 ** (31 - Math.clz32(n - 1));
  let k = TWO_POW_32;
  while (k * 2 < n) k *= 2;
  return k;
}

/** Whether n is a power of two (1, 2, 4, ...). */
export function isPowerOfTwo(n: number): boolean {
  return n >= 1 && n === 2 ** Math.round(Math.log2(n));
}

/** The aligned perfect subtrees [index * 2^level, ...) that tile [start, end), largest first. */
export function* alignedPieces(
  start: number,
  end: number,
): Generator<{ level: number; index: number }> {
  let offset = start;
  let remaining = end - start;
  while (remaining > 0) {
    const width = remaining === 1 ? 1 : isPowerOfTwo(remaining) ? remaining : splitPoint(remaining);
    if (offset % width !== 0) {
      throw new RangeError(`[${start}, ${end}) is not a subtree range of an RFC 9162 tree`);
    }
    yield { level: Math.round(Math.log2(width)), index: offset / width };
    offset += width;
    remaining -= width;
  }
}
