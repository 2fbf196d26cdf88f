import type { Knex } from 'knex';
import type { LedgerPosition } from '../application/ports/event-store.port.js';
import { decodePositionPair } from '../infrastructure/event-store/pair-position.js';

/**
 * Counts events of the PostgreSQL ledger (the event store port has no count): for rebuild progress
 * and for how many events a projection is behind. Same horizon and order as the feed itself, so a
 * count never includes an event the feed would not deliver yet.
 */
export class PostgresFeedStatistics {
  constructor(private readonly knex: Knex) {}

  /**
   * Readable events after `after` (all when null) in streams with one of the prefixes (any stream
   * when null or empty); stops counting at `cap` when given.
   */
  async countEvents(
    after: LedgerPosition | null,
    streamPrefixes: readonly string[] | null,
    cap?: number,
  ): Promise<number> {
    const pair = after === null ? { high: 0n, low: 0n } : decodePositionPair(after);
    const prefixes =
      streamPrefixes && streamPrefixes.length > 0
        ? `{${streamPrefixes.map((p) => `"${p.replace(/[\\"]/g, '\\$&')}"`).join(',')}}`
        : null;
    const { rows } = await this.knex.raw<{ rows: Array<{ n: string }> }>(
      `SELECT count(*) AS n FROM (
         SELECT 1 FROM ledger_events
          WHERE transaction_id < (SELECT pg_snapshot_xmin(pg_current_snapshot()))
            AND (transaction_id, position) > (?::text::xid8, ?::bigint)
            AND (?::text[] IS NULL OR EXISTS (SELECT 1 FROM unnest(?::text[]) p WHERE starts_with(stream_id, p)))
          ${cap === undefined ? '' : `LIMIT ${Math.max(0, Math.floor(cap))}`}
       ) counted`,
      [pair.high.toString(), pair.low.toString(), prefixes, prefixes],
    );
    return Number(rows[0]?.n ?? 0);
  }
}
