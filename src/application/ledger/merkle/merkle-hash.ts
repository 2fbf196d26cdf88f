import { createHash } from 'node:crypto';

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

const LEAF_PREFIX = Buffer.from([0x00]);
const NODE_PREFIX = Buffer.from([0x01]);
const EMPTY_ROOT = createHash('sha256').digest();

/** Every hash in the trees is a SHA-256 digest of this many bytes. */
export const HASH_SIZE = 32;

export function leafHash(data: Uint8Array): Buffer {
  return createHash('sha256').update(LEAF_PREFIX).update(data).digest();
}

export function nodeHash(left: Uint8Array, right: Uint8Array): Buffer {
  return createHash('sha256').update(NODE_PREFIX).update(left).update(right).digest();
}

export function emptyRoot(): Buffer {
  return Buffer.from(EMPTY_ROOT);
}
