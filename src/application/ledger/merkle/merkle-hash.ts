import { createHash, hash } from 'node:crypto';

/*
 * The hashes of the ledger's Merkle trees, as RFC 9162 (Certificate Transparency 2.0, section 2.1.1)
 * defines them. Auditors depend on this definition; it never changes for stored trees.
 *
 *   leafHash(d)    = SHA-256(0x00 || d)
 *   nodeHash(l, r) = SHA-256(0x01 || l || r)
 *   emptyRoot()    = SHA-256("")            (the root of the tree with no leaves)
 *
 * The distinct prefixes keep a leaf from ever being taken for an interior node (second preimage).
 */

/** Every hash in the trees is a SHA-256 digest of this many bytes. */
export const HASH_SIZE = 32;

const LEAF_PREFIX = Buffer.from([0x00]);
const NODE_PREFIX = Buffer.from([0x01]);
const EMPTY_ROOT = createHash('sha256').digest();
// One-shot hashing of a reused input buffer costs a fraction of a Hash object fed three updates,
// and the tree builder and the verifier hash every leaf of the ledger. Hashing is synchronous, so
// one buffer of each kind suffices.
const SMALL_LEAF = 2 * HASH_SIZE;
const leafInput = Buffer.alloc(1 + SMALL_LEAF, LEAF_PREFIX);
const nodeInput = Buffer.alloc(1 + 2 * HASH_SIZE, NODE_PREFIX);

export function leafHash(data: Uint8Array): Buffer {
  if (data.length > SMALL_LEAF) {
    const input = Buffer.allocUnsafe(1 + data.length);
    input.set(LEAF_PREFIX, 0);
    input.set(data, 1);
    return hash('sha256', input, 'buffer');
  }
  leafInput.set(data, 1);
  return hash('sha256', leafInput.subarray(0, 1 + data.length), 'buffer');
}

export function nodeHash(left: Uint8Array, right: Uint8Array): Buffer {
  if (left.length !== HASH_SIZE || right.length !== HASH_SIZE) {
    return createHash('sha256').update(NODE_PREFIX).update(left).update(right).digest();
  }
  nodeInput.set(left, 1);
  nodeInput.set(right, 1 + HASH_SIZE);
  return hash('sha256', nodeInput, 'buffer');
}

export function emptyRoot(): Buffer {
  return Buffer.from(EMPTY_ROOT);
}
