/*
 * Stream ids are listed in Unicode code point order, the order PostgreSQL's "C" collation gives
 * UTF-8 text. JavaScript compares strings by UTF-16 code unit, which differs for characters above
 * U+FFFF: their surrogates (U+D800..U+DFFF) sort below U+E000..U+FFFF as code units, above them as
 * code points.
 */

/** A code unit moved so that code unit order becomes code point order (surrogates last). */
function codePointRank(unit: number): number {
  if (unit < 0xd800) return unit;
  return unit < 0xe000 ? unit + 0x2000 : unit - 0x800;
}

/** Negative, zero or positive as `a` sorts before, with or after `b` by code point. */
export function compareCodePoints(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i += 1) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return codePointRank(x) - codePointRank(y);
  }
  return a.length - b.length;
}
