import type pg from 'pg';
import type { LedgerPosition, RecordedEvent } from '../../../application/ports/event-store.port.js';
import type {
  LedgerLookup,
  RecordedStreamHead,
} from '../../../application/ports/ledger-lookup.port.js';
import { decodePositionPair } from '../pair-position.js';
import { EVENT_COLUMNS, toRecordedEvent, type EventRow } from './postgres-event-store.adapter.js';

const MAX_XID8 = (1n << 64n) - 1n;

interface StreamRow {
  stream_id: string;
  revision: string;
  last_hash: string | null;
}

function toHead(row: StreamRow): RecordedStreamHead {
  return { streamId: row.stream_id, revision: Number(row.revision), hash: row.last_hash };
}

/** Reads ledger_events by position and ledger_streams (migration 001-ledger-events). */
export class PostgresLedgerLookup implements LedgerLookup {
  constructor(private readonly pool: pg.Pool) {}

  async eventAt(position: LedgerPosition): Promise<RecordedEvent | null> {
    const { high, low } = decodePositionPair(position);
    if (high > MAX_XID8) return null;
    const { rows } = await this.pool.query<EventRow>({
      name: 'ledger_event_at',
      text: `SELECT ${EVENT_COLUMNS} FROM ledger_events
              WHERE transaction_id = $1::text::xid8 AND position = $2::bigint`,
      values: [high.toString(), low.toString()],
    });
    return rows[0] ? toRecordedEvent(rows[0]) : null;
  }

  async streamHead(streamId: string): Promise<RecordedStreamHead | null> {
    const { rows } = await this.pool.query<StreamRow>({
      name: 'ledger_stream_head',
      text: 'SELECT stream_id, revision, last_hash FROM ledger_streams WHERE stream_id = $1',
      values: [streamId],
    });
    return rows[0] ? toHead(rows[0]) : null;
  }

  async streamHeads(after: string | null, limit: number): Promise<readonly RecordedStreamHead[]> {
    // COLLATE "C": code point order, the same whatever the database's collation.
    const { rows } = await this.pool.query<StreamRow>({
      name: 'ledger_stream_heads',
      text: `SELECT stream_id, revision, last_hash FROM ledger_streams
              WHERE $1::text IS NULL OR stream_id COLLATE "C" > $1::text
              ORDER BY stream_id COLLATE "C" LIMIT $2`,
      values: [after, limit],
    });
    return rows.map(toHead);
  }
}
