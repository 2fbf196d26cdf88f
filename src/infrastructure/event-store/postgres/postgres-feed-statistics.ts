import type { Knex } from 'knex';
import type { LedgerPosition } from '../../../application/ports/event-store.port.js';
import type { FeedStatistics } from '../../../application/ports/feed-statistics.port.js';
import { decodePositionPair } from '../pair-position.js';

/**
 * Counts events of the PostgreSQL ledger with the same horizon and order as the feed itself, so a
 * count never includes an event the feed would not deliver yet.
 */
export class PostgresFeedStatistics implements FeedStatistics {
  constructor(private readonly knex: Knex) {}

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
