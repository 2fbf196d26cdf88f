import type { Knex } from 'knex';
import type pg from 'pg';
import { CallHistory, insertCommits } from './projections-history.js';
import { log } from './progress-log.js';

export interface SeededLedger {
  readonly history: CallHistory;
  /** Events written. */
  readonly events: number;
  readonly seconds: number;
  /** How many events of each type, most frequent first. */
  readonly mix: ReadonlyArray<{ readonly type: string; readonly n: string }>;
}

/**
 * Seeds a realistic ledger of `calls` calls straight into the events table, hash chain included
 * (not through the event store: seeding is not what is measured).
 */
export async function seedLedger(knex: Knex, pool: pg.Pool, calls: number): Promise<SeededLedger> {
  const history = new CallHistory({ calls, seed: 2025 });
  const seedStarted = performance.now();
  let seeded = 0;
  for (const commits of history.windows()) {
    seeded += await insertCommits(pool, commits, 2000);
    if (history.counts.calls % 10_000 === 0) {
      log(
        `seeded ${history.counts.calls.toLocaleString('en-US')} calls, ${seeded.toLocaleString('en-US')} events`,
      );
    }
  }
  await knex.raw('VACUUM ANALYZE ledger_events');
  const seconds = (performance.now() - seedStarted) / 1000;
  log(`seeded ${seeded.toLocaleString('en-US')} events in ${seconds.toFixed(1)} s`);
  const mix = (
    await knex.raw<{ rows: Array<{ type: string; n: string }> }>(
      'SELECT type, count(*) AS n FROM ledger_events GROUP BY type ORDER BY 2 DESC',
    )
  ).rows;
  return { history, events: seeded, seconds, mix };
}
