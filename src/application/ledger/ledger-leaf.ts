import { canonicalJson } from './event-integrity.js';
import { leafHash } from './merkle/merkle-hash.js';

/*
 * What the leaves of the ledger's two Merkle trees are. Auditors depend on this definition; it
 * never changes for stored trees. Hashes are RFC 9162's (merkle/merkle-hash.ts).
 *
 * The event tree: one leaf per ledger event, in feed order (the numeric order of the events'
 * ledger positions); leaf index = the event's 0-based rank in the feed.
 *
 *   eventLeafHash = leafHash(the 32 raw bytes of the event's chain hash, `metadata.hash`)
 *
 *   The chain hash (event-integrity.ts) already commits the event's content, its stream id and,
 *   through the link to the event before it, its revision. The content hash covers the event as
 *   stored: a field stored encrypted is hashed as its ciphertext, so proofs still verify after its
 *   key is destroyed.
 *
 * The stream heads tree: slot s holds the newest event of the s-th stream to appear in the feed.
 *
 *   streamHeadLeafHash = leafHash(UTF-8 of canonicalJson({ hash, revision, streamId }))
 *
 *   `hash` is the chain hash (lowercase hex) of the stream's event at `revision`. A stream whose
 *   newest events were removed, or whose head was rolled back, no longer matches its leaf.
 */

const CHAIN_HASH = /^[0-9a-f]{64}$/;

export interface StreamHeadLeaf {
  readonly streamId: string;
  readonly revision: number;
  /** Chain hash (lowercase hex) of the stream's event at `revision`. */
  readonly hash: string;
}

export function eventLeafHash(event: { readonly metadata: { readonly hash: string } }): Buffer {
  return leafHash(chainHashBytes(event.metadata.hash));
}

export function streamHeadLeafHash(head: StreamHeadLeaf): Buffer {
  assertChainHash(head.hash);
  if (!Number.isSafeInteger(head.revision) || head.revision < 0) {
    throw new RangeError(`a stream revision is a non-negative integer, got ${head.revision}`);
  }
  const data = canonicalJson({ hash: head.hash, revision: head.revision, streamId: head.streamId });
  return leafHash(Buffer.from(data, 'utf8'));
}

function assertChainHash(hash: string): void {
  if (!CHAIN_HASH.test(hash)) throw new TypeError('a chain hash is 64 lowercase hex digits');
}

function chainHashBytes(hash: string): Buffer {
  assertChainHash(hash);
  return Buffer.from(hash, 'hex');
}
