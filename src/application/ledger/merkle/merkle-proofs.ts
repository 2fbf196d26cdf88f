import { emptyRoot, HASH_SIZE, nodeHash } from './merkle-hash.js';
import { alignedPieces, assertTreeIndex, isPowerOfTwo, splitPoint } from './tree-index.js';

/*
 * RFC 9162 (Certificate Transparency 2.0) proofs, section 2.1.3 (inclusion) and 2.1.4
 * (consistency). Auditors depend on these being exactly the RFC's algorithms, so that any RFC 9162
 * verifier (Go's transparency-dev/merkle, for one) checks our proofs:
 *
 * - An inclusion proof for leaf m of a tree of n leaves is PATH(m, D[n]): the sibling hashes from
 *   the leaf up to the root, innermost first.
 * - A consistency proof between sizes m and n (0 < m < n) is PROOF(m, D[n]) = SUBPROOF(m, D[n],
 *   true); it is empty when m = n or m = 0.
 * - Verification follows the RFC's iterative algorithms (2.1.3.2 and 2.1.4.2) step by step.
 *
 * Generation is written against `SubtreeHash`, the MTH of leaves [start, end), so the same code
 * serves an in-memory tree and one stored in a database. Every range a proof asks for is a subtree
 * of the RFC's recursive split: `perfectCover` names the aligned perfect subtrees it is made of.
 */

/** RFC 9162 MTH of leaves [start, end). */
export type SubtreeHash = (start: number, end: number) => Buffer;

/** An aligned perfect subtree: leaves [index * 2^level, (index + 1) * 2^level). */
export interface PerfectSubtree {
  readonly level: number;
  readonly index: number;
}

/** PATH(index, D[size]) of RFC 9162 2.1.3.1, innermost sibling first. */
export function inclusionProof(index: number, size: number, hashOf: SubtreeHash): Buffer[] {
  assertTreeIndex('index', index);
  assertTreeIndex('size', size);
  if (index >= size) throw new RangeError(`leaf ${index} is not in a tree of ${size} leaves`);
  const path: Buffer[] = [];
  let start = 0;
  let end = size;
  while (end - start > 1) {
    const k = splitPoint(end - start);
    if (index < start + k) {
      path.push(hashOf(start + k, end));
      end = start + k;
    } else {
      path.push(hashOf(start, start + k));
      start += k;
    }
  }
  return path.reverse();
}

/** PROOF(m, D[n]) of RFC 9162 2.1.4.1; empty for m = 0 and m = n. */
export function consistencyProof(m: number, n: number, hashOf: SubtreeHash): Buffer[] {
  assertTreeIndex('m', m);
  assertTreeIndex('n', n);
  if (m > n) throw new RangeError(`a tree of ${m} leaves cannot be a prefix of one of ${n}`);
  if (m === 0 || m === n) return [];
  const proof: Buffer[] = [];
  let start = 0;
  let end = n;
  // SUBPROOF's flag b: whether [start, end) is still the left edge, whose MTH the verifier has.
  let knownToVerifier = true;
  while (m !== end) {
    const k = splitPoint(end - start);
    if (m <= start + k) {
      proof.push(hashOf(start + k, end));
      end = start + k;
    } else {
      proof.push(hashOf(start, start + k));
      start += k;
      knownToVerifier = false;
    }
  }
  if (!knownToVerifier) proof.push(hashOf(start, end));
  return proof.reverse();
}

/** RFC 9162 2.1.3.2: whether `proof` shows leaf `index` with hash `leaf` in the tree `root`. */
export function verifyInclusion(
  leaf: Buffer,
  index: number,
  size: number,
  proof: readonly Buffer[],
  root: Buffer,
): boolean {
  if (!isTreeIndex(index) || !isTreeIndex(size) || index >= size) return false;
  if (!isHash(leaf) || !isHash(root) || !proof.every(isHash)) return false;
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of proof) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      while (fn % 2 === 0 && fn !== 0) {
        fn /= 2;
        sn = Math.floor(sn / 2);
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && r.equals(root);
}

/**
 * RFC 9162 2.1.4.2: whether `proof` shows the tree `oldRoot` of m leaves is a prefix of `newRoot`.
 * Equal sizes take an empty proof and equal roots; size 0 takes an empty proof and the empty root.
 */
export function verifyConsistency(
  m: number,
  n: number,
  proof: readonly Buffer[],
  oldRoot: Buffer,
  newRoot: Buffer,
): boolean {
  if (!isTreeIndex(m) || !isTreeIndex(n) || m > n) return false;
  if (!isHash(oldRoot) || !isHash(newRoot) || !proof.every(isHash)) return false;
  if (m === n) return proof.length === 0 && oldRoot.equals(newRoot);
  if (m === 0) return proof.length === 0 && oldRoot.equals(emptyRoot());
  if (proof.length === 0) return false;
  const path = isPowerOfTwo(m) ? [oldRoot, ...proof] : proof;
  let fn = m - 1;
  let sn = n - 1;
  while (fn % 2 === 1) {
    fn = (fn - 1) / 2;
    sn = Math.floor(sn / 2);
  }
  let fr = path[0] as Buffer;
  let sr = fr;
  for (let i = 1; i < path.length; i += 1) {
    const c = path[i] as Buffer;
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      while (fn % 2 === 0 && fn !== 0) {
        fn /= 2;
        sn = Math.floor(sn / 2);
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && fr.equals(oldRoot) && sr.equals(newRoot);
}

/**
 * The [start, end) ranges `compute` asks its SubtreeHash for, in the order asked. The proof's shape
 * does not depend on the hashes, so a placeholder answers; an adapter then fetches them at once.
 */
export function rangesNeeded(compute: (hashOf: SubtreeHash) => unknown): Array<[number, number]> {
  const ranges: Array<[number, number]> = [];
  const placeholder = Buffer.alloc(HASH_SIZE);
  compute((start, end) => {
    ranges.push([start, end]);
    return placeholder;
  });
  return ranges;
}

/**
 * The aligned perfect subtrees whose MTH combine, by RFC 9162's split, into MTH[start, end),
 * largest first. Throws for a range that is not made of aligned subtrees (never one a proof asks).
 */
export function perfectCover(start: number, end: number): PerfectSubtree[] {
  assertTreeIndex('start', start);
  assertTreeIndex('end', end);
  if (start > end) throw new RangeError(`[${start}, ${end}) is not a range`);
  return [...alignedPieces(start, end)];
}

/** MTH[start, end) from the hashes of its `perfectCover`: their right fold. */
export function combinePerfect(
  start: number,
  end: number,
  perfectHash: (level: number, index: number) => Buffer,
): Buffer {
  const cover = perfectCover(start, end);
  if (cover.length === 0) return emptyRoot();
  const last = cover[cover.length - 1] as PerfectSubtree;
  let hash = perfectHash(last.level, last.index);
  for (let i = cover.length - 2; i >= 0; i -= 1) {
    const piece = cover[i] as PerfectSubtree;
    hash = nodeHash(perfectHash(piece.level, piece.index), hash);
  }
  return hash;
}

function isTreeIndex(value: number): boolean {
  return Number.isSafeInteger(value) && value >= 0;
}

function isHash(value: Buffer): boolean {
  return Buffer.isBuffer(value) && value.length === HASH_SIZE;
}
