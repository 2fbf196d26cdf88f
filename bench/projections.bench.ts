/*
 * Projection benchmark (npm run bench:projections; never part of npm test).
 *
 * 1. Creates a database of its own on DATABASE_URL's server (dropped at the end) and seeds a
 *    realistic ledger of BENCH_CALLS calls (default 100,000: over a million events) straight into
 *    the events table, hash chain included. Seeding is not measured.
 * 2. "The limit": a plain loop over the same feed, reading batches through the event store and
 *    writing one row per event with one INSERT ... ON CONFLICT DO NOTHING plus the checkpoint, per
 *    transaction.
 * 3. The rebuild of every read-model projection (read-models + audit-log, one pass) into shadow
 *    tables, indexes, swap: events/s and resident memory sampled every 100 ms, reported at
 *    fractions of the events and as its range between 10% and 90% of them.
 *    Each measured phase starts after a CHECKPOINT, and the limit's table is dropped before the
 *    rebuild, so neither phase pays for the other's writes. Steps 2 and 3 run BENCH_ROUNDS times
 *    (default 2), alternately, each rebuild compared with the limit just before it.
 * 4. Optionally (BENCH_RUNNERS=1) the live runners catching up from zero on the live tables.
 * 5. History page queries (keyset, 20 rows) with BENCH_QUERY_CALLS calls (default 1,000,000) in
 *    `calls`: p50/p99 for a provider, a patient and an admin (no filter).
 * BENCH_CPU_PROFILE=<folder> writes V8 CPU profiles of each limit and rebuild run there.
 */
import knexFactory from 'knex';
import pg from 'pg';
import { PostgresEventStore } from '../src/infrastructure/event-store/postgres/postgres-event-store.adapter.js';
import { migrateToLatest } from '../src/infrastructure/postgres/migrations/migration-source.js';
import { PostgresFeedStatistics } from '../src/infrastructure/event-store/postgres/postgres-feed-statistics.js';
import { createBenchDatabase } from './bench-database.js';
import { measureQueries, seedQueryCalls } from './projections-page-queries.js';
import { projectionsReport } from './projections-report.js';
import {
  countReadModelRows,
  measureRound,
  type ProjectionsLedger,
  type Round,
} from './projections-rounds.js';
import { measureLiveRunners } from './projections-runners.js';
import { seedLedger } from './projections-seed.js';

const CALLS = Number(process.env.BENCH_CALLS ?? 100_000);
const QUERY_CALLS = Number(process.env.BENCH_QUERY_CALLS ?? 1_000_000);
const BATCH = Number(process.env.BENCH_BATCH ?? 5000);
const QUERY_RUNS = Number(process.env.BENCH_QUERY_RUNS ?? 2000);
const RUNNERS = process.env.BENCH_RUNNERS === '1';
/**
 * The limit and the rebuild are measured this many times, alternately: one run of each swings by
 * 10-15% on a small shared machine, and alternating keeps a slow stretch from favouring either.
 */
const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 2));
/** A folder to write V8 CPU profiles of the limit and the rebuild into (none when unset). */
const CPU_PROFILES = process.env.BENCH_CPU_PROFILE;

async function main(): Promise<void> {
  if (!process.env.DATABASE_URL) {
    process.stderr.write(
      'Set DATABASE_URL to a PostgreSQL server: the benchmark creates its own database there.\n',
    );
    process.exit(2);
  }
  const database = await createBenchDatabase('projections');
  const { connectionString } = database;
  const knex = knexFactory({
    client: 'pg',
    connection: connectionString,
    pool: { min: 0, max: 8 },
  });
  const pool = new pg.Pool({ connectionString, max: 8 });
  const store = new PostgresEventStore(pool, { idleReadMs: 100 });
  const started = performance.now();
  try {
    await migrateToLatest(knex);
    const seeded = await seedLedger(knex, pool, CALLS);
    const ledger: ProjectionsLedger = {
      knex,
      pool,
      store,
      feed: new PostgresFeedStatistics(knex),
      events: seeded.events,
      batch: BATCH,
      cpuProfiles: CPU_PROFILES,
    };
    const rounds: Round[] = [];
    for (let round = 1; round <= ROUNDS; round += 1) rounds.push(await measureRound(ledger, round));
    const rebuilt = rounds[rounds.length - 1]!.rebuild.result.events;
    const rows = await countReadModelRows(knex);
    const runners = RUNNERS ? await measureLiveRunners(ledger, rebuilt) : null;

    const providers = seeded.history.providerIds;
    const queryCalls = await seedQueryCalls(knex, providers, QUERY_CALLS);
    const client = new pg.Client({ connectionString });
    await client.connect();
    const queries = await measureQueries(client, providers[0]!, QUERY_RUNS);
    await client.end();

    const serverVersion = (
      await knex.raw<{ rows: Array<{ v: string }> }>(
        "SELECT current_setting('server_version') AS v",
      )
    ).rows[0]?.v;
    const report = projectionsReport({
      calls: CALLS,
      batch: BATCH,
      serverVersion,
      seeded,
      rounds,
      runners,
      rows,
      queryCalls,
      queryRuns: QUERY_RUNS,
      queries,
      started,
    });
    process.stdout.write(`${report}\n`);
  } finally {
    await store.close();
    await pool.end();
    await knex.destroy();
    await database.drop();
  }
}

await main();
