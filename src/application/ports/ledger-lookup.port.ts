import type { LedgerPosition, RecordedEvent } from './event-store.port.js';

/** The store's own record of a stream's newest event (PostgreSQL keeps it in ledger_streams). */
export interface RecordedStreamHead {
  readonly streamId: string;
  readonly revision: number;
  /** The chain hash (hex) of the event at `revision`. */
  readonly hash: string | null;
}

/**
 * What a verifier reads from the store beyond the event store port: one event by its position
 * (a proof names the event it proves), and the stream heads the store keeps beside the events, which
 * a stream's last events cannot be removed without changing.
 */
export interface LedgerLookup {
  eventAt(position: LedgerPosition): Promise<RecordedEvent | null>;
  streamHead(streamId: string): Promise<RecordedStreamHead | null>;
  /** Stream heads in stream id order (by code point), with streamId > after (from the first when null). */
  streamHeads(after: string | null, limit: number): Promise<readonly RecordedStreamHead[]>;
}
