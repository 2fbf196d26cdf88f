import type { Knex } from 'knex';
import type { PostgresEventStore } from '../src/infrastructure/event-store/postgres/postgres-event-store.adapter.js';

const CHECKPOINT = 'bench-limit';

/**
 * "The limit": the fastest a projection of this feed could be. A plain loop reads `batch` events
 * at a time through the event store and writes one row per event with one INSERT ... ON CONFLICT
 * DO NOTHING plus the checkpoint, per transaction. Resolves with the events it wrote.
 */
export async function limitLoop(
  knex: Knex,
  store: PostgresEventStore,
  batch: number,
  onProgress: (events: number) => void,
): Promise<number> {
  await knex.raw(`CREATE TABLE bench_limit (
    position numeric(40,0) PRIMARY KEY, event_id uuid NOT NULL, stream_id text NOT NULL,
    type text NOT NULL, occurred_at timestamptz NOT NULL)`);
  let after: string | null = null;
  let events = 0;
  for (;;) {
    onProgress(events);
    const read = await store.readAll({ after, limit: batch });
    if (read.length === 0) return events;
    const last = read[read.length - 1]!.position;
    const rows = read.map((e) => ({
      position: e.position,
      event_id: e.eventId,
      stream_id: e.streamId,
      type: e.type,
      occurred_at: e.metadata.occurredAt,
    }));
    await knex.transaction(async (trx) => {
      await trx.raw('SET LOCAL synchronous_commit = off');
      await trx.raw(
        `INSERT INTO bench_limit (position, event_id, stream_id, type, occurred_at)
         SELECT position, event_id, stream_id, type, occurred_at
           FROM json_populate_recordset(NULL::bench_limit, ?::json)
         ON CONFLICT (position) DO NOTHING`,
        [JSON.stringify(rows)],
      );
      await trx.raw(
        `INSERT INTO projection_checkpoints (name, position, events_applied, updated_at)
         VALUES (?, ?, ?, now())
         ON CONFLICT (name) DO UPDATE SET position = excluded.position,
           events_applied = projection_checkpoints.events_applied + excluded.events_applied,
           updated_at = now()`,
        [CHECKPOINT, last, read.length],
      );
    });
    after = last;
    events += read.length;
  }
}

/** Removes what the limit wrote, so that the next phase does not pay for it. */
export async function dropLimitTable(knex: Knex): Promise<void> {
  await knex.raw('DROP TABLE bench_limit');
  await knex('projection_checkpoints').where({ name: CHECKPOINT }).delete();
}
