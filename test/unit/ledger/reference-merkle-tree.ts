import { createHash } from 'node:crypto';

/*
 * RFC 9162 section 2.1.1 written as the RFC states it, recursively and independently of the code
 * under test (its own SHA-256 calls), to check the incremental and stored trees against.
 */

export function referenceLeafHash(data: Uint8Array): Buffer {
  return createHash('sha256')
    .update(Buffer.from([0]))
    .update(data)
    .digest();
}

function referenceNodeHash(left: Buffer, right: Buffer): Buffer {
  return createHash('sha256')
    .update(Buffer.from([1]))
    .update(left)
    .update(right)
    .digest();
}

/** MTH(D[n]) over leaf hashes (the leaves already hashed with referenceLeafHash). */
export function referenceRoot(leafHashes: readonly Buffer[]): Buffer {
  const n = leafHashes.length;
  if (n === 0) return createHash('sha256').digest();
  if (n === 1) return leafHashes[0] as Buffer;
  let k = 1;
  while (k * 2 < n) k *= 2;
  return referenceNodeHash(
    referenceRoot(leafHashes.slice(0, k)),
    referenceRoot(leafHashes.slice(k)),
  );
}

/** A SubtreeHash over `leafHashes`, memoised so proofs of large trees stay fast. */
export function referenceSubtreeHash(
  leafHashes: readonly Buffer[],
): (start: number, end: number) => Buffer {
  const memo = new Map<string, Buffer>();
  return (start, end) => {
    if (start < 0 || end > leafHashes.length || start > end) {
      throw new RangeError(`[${start}, ${end}) is outside ${leafHashes.length} leaves`);
    }
    const key = `${start}:${end}`;
    let hash = memo.get(key);
    if (hash === undefined) {
      hash = referenceRoot(leafHashes.slice(start, end));
      memo.set(key, hash);
    }
    return hash;
  };
}

/** Distinct leaf hashes 0..count-1 (the data is the index as 8 bytes). */
export function numberedLeaves(count: number): Buffer[] {
  const leaves: Buffer[] = [];
  for (let i = 0; i < count; i += 1) {
    const data = Buffer.alloc(8);
    data.writeBigUInt64BE(BigInt(i));
    leaves.push(referenceLeafHash(data));
  }
  return leaves;
}

/** A copy of `hash` with one bit flipped. */
export function flipBit(hash: Buffer, bit: number): Buffer {
  const flipped = Buffer.from(hash);
  const at = Math.floor(bit / 8) % flipped.length;
  flipped[at] = (flipped[at] as number) ^ (1 << (bit % 8));
  return flipped;
}
