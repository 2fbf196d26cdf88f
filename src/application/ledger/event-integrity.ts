import { createHash } from 'node:crypto';
import type { ChainedMetadata, EventMetadata, RecordedEvent } from '../ports/event-store.port.js';
import type { JsonObject } from '../../domain/shared/event.js';

/*
 * The ledger's hash chain. Auditors depend on this definition; it never changes for stored events.
 *
 *   contentHash = sha256hex(canonicalJson({ eventId, streamId, type, version, data, metadata }))
 *   hash        = sha256hex((previousHash ?? '') + ':' + contentHash)
 *
 * - `metadata` is the event's envelope metadata WITHOUT the `hash` and `previousHash` members
 *   (actor, occurredAt, correlationId, causationId and origin when there is one).
 * - `previousHash` is the `hash` of the event at revision - 1 of the same stream, and null (hashed
 *   as the empty string) for revision 0. The stream revision is thus covered by the chain itself.
 * - `canonicalJson` is the JSON Canonicalization Scheme of RFC 8785: object members sorted by
 *   their names' UTF-16 code units, no insignificant whitespace, strings and numbers serialised as
 *   ECMAScript's JSON.stringify does (shortest round-trip numbers, minimal string escapes).
 *   Members whose value is `undefined` are left out, as JSON itself leaves them out.
 * - sha256hex is the lowercase hexadecimal SHA-256 of the UTF-8 bytes of its input.
 *
 * A stream is intact when its events have revisions 0, 1, 2, ... without a gap, each event's
 * `previousHash` equals the `hash` of the event before it (null for revision 0), and each event's
 * `hash` equals the value recomputed from its content. Changing, removing or reordering any event
 * breaks the chain at that revision.
 */

/** The fields of an event that its content hash covers. */
export interface HashedEventContent {
  readonly eventId: string;
  readonly streamId: string;
  readonly type: string;
  readonly version: number;
  readonly data: JsonObject;
  /** May carry `hash`/`previousHash`: they are stripped before hashing. */
  readonly metadata: EventMetadata | ChainedMetadata;
}

export interface StreamIntegrityReport {
  readonly verified: boolean;
  /** How many events were checked (all of them when verified, up to the break otherwise). */
  readonly checkedEvents: number;
  /** The revision of the first event that is missing, altered or not linked; null when verified. */
  readonly brokenAt: number | null;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * RFC 8785 canonical JSON. Hand-written rather than the `canonicalize` package: its current major is
 * ESM-only (our jest runs in CommonJS mode) and the CommonJS major's typings do not load under
 * NodeNext. The scheme is small and fixed; the test suite pins it to the RFC's examples.
 */
export function canonicalJson(value: unknown): string {
  const out = serialize(value);
  if (out === undefined) throw new TypeError('canonicalJson: the value has no JSON form');
  return out;
}

function serialize(value: unknown): string | undefined {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`canonicalJson: ${value} is not JSON`);
      return JSON.stringify(value);
    case 'string':
      if (LONE_SURROGATE.test(value))
        throw new TypeError('canonicalJson: lone surrogate in string');
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'bigint':
      throw new TypeError('canonicalJson: bigint is not JSON');
    case 'object':
      break;
    default:
      // undefined, functions and symbols have no JSON form (left out of objects, null in arrays).
      return undefined;
  }
  const withToJson = value as { toJSON?: () => unknown };
  if (typeof withToJson.toJSON === 'function') return serialize(withToJson.toJSON());
  if (Array.isArray(value)) {
    return `[${value.map((item) => serialize(item) ?? 'null').join(',')}]`;
  }
  const record = value as Record<string, unknown>;
  const members: string[] = [];
  for (const key of Object.keys(record).sort()) {
    const member = serialize(record[key]);
    if (member !== undefined) members.push(`${serialize(key) as string}:${member}`);
  }
  return `{${members.join(',')}}`;
}

export function sha256Hex(input: string): string {
  return createHash('sha256').update(input, 'utf8').digest('hex');
}

/** The envelope metadata as hashed: everything but the chain links themselves. */
export function metadataForHash(metadata: EventMetadata | ChainedMetadata): EventMetadata {
  const { hash: _hash, previousHash: _previousHash, ...rest } = metadata as ChainedMetadata;
  return rest;
}

export function computeContentHash(event: HashedEventContent): string {
  return sha256Hex(
    canonicalJson({
      eventId: event.eventId,
      streamId: event.streamId,
      type: event.type,
      version: event.version,
      data: event.data,
      metadata: metadataForHash(event.metadata),
    }),
  );
}

export function chainHash(previousHash: string | null, contentHash: string): string {
  return sha256Hex(`${previousHash ?? ''}:${contentHash}`);
}

/**
 * Checks a whole stream, as read in revision order from revision 0. Detects an altered event (its
 * hash no longer matches its content), a removed event (a revision gap) and a broken link.
 * Removing events from the end of a stream leaves a shorter but intact chain: compare the last
 * hash with an anchor kept elsewhere (the store's stream table, an export) to catch that.
 */
export function verifyStreamIntegrity(events: readonly RecordedEvent[]): StreamIntegrityReport {
  let previousHash: string | null = null;
  for (let index = 0; index < events.length; index += 1) {
    const event = events[index] as RecordedEvent;
    if (!chainLinkHolds(event, index, previousHash)) {
      return {
        verified: false,
        checkedEvents: index + 1,
        brokenAt: Math.min(index, event.revision),
      };
    }
    previousHash = event.metadata.hash;
  }
  return { verified: true, checkedEvents: events.length, brokenAt: null };
}

/**
 * One step of the check above: `event` is the stream's event at `revision`, linked to
 * `previousHash` (the hash of the event before it, null for revision 0), and its hash matches its
 * content. For a verifier that meets a stream's events one by one, in feed order.
 */
export function chainLinkHolds(
  event: RecordedEvent,
  revision: number,
  previousHash: string | null,
): boolean {
  if (event.revision !== revision) return false;
  const metadata = event.metadata;
  if ((metadata.previousHash ?? null) !== previousHash) return false;
  return chainHash(previousHash, computeContentHash(event)) === metadata.hash;
}
