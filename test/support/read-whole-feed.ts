import type pg from 'pg';
import type { EventStore, RecordedEvent } from '../../src/application/ports/event-store.port.js';

/**
 * Every event appended to a PostgreSQL ledger so far, in feed order. The feed holds events back
 * while an older transaction anywhere on the server is still open (another test file's, say), so
 * this reads until it has as many events as the table holds, not until a page comes back empty.
 */
export async function readWholeFeed(
  store: Pick<EventStore, 'readAll'>,
  pool: pg.Pool,
  streamPrefixes?: readonly string[],
): Promise<RecordedEvent[]> {
  const { rows } = await pool.query<{ n: string }>(
    'SELECT count(*) AS n FROM ledger_events WHERE $1::text[] IS NULL OR stream_id LIKE ANY ($1::text[])',
    [streamPrefixes ? streamPrefixes.map((prefix) => `${prefix}%`) : null],
  );
  const appended = Number(rows[0]?.n);
  const events: RecordedEvent[] = [];
  while (events.length < appended) {
    const page = await store.readAll({
      after: events.at(-1)?.position ?? null,
      limit: 5000,
      ...(streamPrefixes ? { streamPrefixes } : {}),
    });
    if (page.length === 0) await new Promise((resolve) => setTimeout(resolve, 50));
    else events.push(...page);
  }
  return events;
}
