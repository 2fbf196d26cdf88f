import type {
  AllStreamResolvedEvent,
  JSONEventType,
  Position,
  ResolvedEvent,
} from '@eventstore/db-client';
import type {
  ChainedMetadata,
  LedgerPosition,
  RecordedEvent,
} from '../../../application/ports/event-store.port.js';
import type { JsonObject } from '../../../domain/shared/event.js';
import { decodePositionPair, encodePositionPair } from '../pair-position.js';

/*
 * How a ledger event looks in EventStoreDB: the envelope and the schema version travel in the
 * event's metadata, and positions pack (commit, prepare) of the `$all` log. Both the store and its
 * subscriptions read events back through `toRecordedEvent`.
 */

/** Stored in EventStoreDB's metadata next to the envelope; taken out again on read. */
export const SCHEMA_VERSION_KEY = 'schemaVersion';

export type LedgerJsonEvent = JSONEventType<string, JsonObject, Record<string, unknown>>;

export function toPosition(position: LedgerPosition): Position {
  const { high, low } = decodePositionPair(position);
  return { commit: high, prepare: low };
}

function isLedgerMetadata(metadata: unknown): metadata is Record<string, unknown> {
  return (
    typeof metadata === 'object' &&
    metadata !== null &&
    !Array.isArray(metadata) &&
    !(metadata instanceof Uint8Array) &&
    typeof (metadata as { hash?: unknown }).hash === 'string'
  );
}

/**
 * Maps what EventStoreDB returns to a ledger event; null for anything this adapter did not write
 * (system streams, links, binary events, events without the ledger envelope).
 */
export function toRecordedEvent(
  resolved: ResolvedEvent | AllStreamResolvedEvent,
): RecordedEvent | null {
  const event = resolved.event;
  if (!event || !event.isJson || event.streamId.startsWith('$')) return null;
  if (!isLedgerMetadata(event.metadata)) return null;
  if (!event.position) {
    throw new Error(
      'EventStoreDB did not report event positions: the ledger needs server 22.6 or newer',
    );
  }
  const { [SCHEMA_VERSION_KEY]: schemaVersion, ...metadata } = event.metadata;
  return {
    eventId: event.id,
    streamId: event.streamId,
    revision: Number(event.revision),
    position: encodePositionPair(event.position.commit, event.position.prepare),
    type: event.type,
    version: typeof schemaVersion === 'number' ? schemaVersion : 1,
    data: event.data as JsonObject,
    metadata: metadata as unknown as ChainedMetadata,
  };
}
