import type { Knex } from 'knex';
import type { LedgerPosition } from '../../src/application/ports/event-store.port.js';
import { CallHistory, appendCommits, insertCommits } from '../../bench/projections-history.js';
import type { Projection } from '../../src/projections/projection.js';
import type { ProjectionRunner } from '../../src/projections/projection-runner.js';
import { READ_MODEL_PROJECTIONS } from '../../src/projections/read-model-projections.js';
import { rebuildProjections } from '../../src/projections/rebuild/projection-rebuild.js';
import { createPostgresLedger, type PostgresLedger } from '../support/event-store-postgres.js';
import { acceptAnyOccurredAt } from '../support/occurred-at-window.js';
import {
  count,
  differences,
  headOf,
  openKnex,
  readModelRunners,
  waitForAll,
} from './projections-support.js';

type CrashPoint = 'before-writes' | 'mid-writes' | 'after-writes' | 'at-commit';
const CRASH_POINTS: readonly CrashPoint[] = [
  'before-writes',
  'mid-writes',
  'after-writes',
  'at-commit',
];

/**
 * Kills a runner at chosen points of its batches: before any write, half-way through the writes,
 * after all of them (its connection terminated inside the transaction), and at COMMIT (after the
 * checkpoint was written too: a deferred trigger fails the commit).
 */
function crashing(
  projection: Projection,
  crashes: Map<CrashPoint, number>,
  armed: () => boolean,
): Projection {
  let batch = 0;
  return {
    ...projection,
    async apply(trx: Knex.Transaction, events) {
      batch += 1;
      const point =
        armed() && batch % 3 !== 0 ? CRASH_POINTS[batch % CRASH_POINTS.length] : undefined;
      if (point) crashes.set(point, (crashes.get(point) ?? 0) + 1);
      if (point === 'before-writes') throw new Error('injected crash before writes');
      if (point === 'mid-writes') {
        await projection.apply(trx, events.slice(0, Math.ceil(events.length / 2)));
        throw new Error('injected crash half-way through the writes');
      }
      await projection.apply(trx, events);
      if (point === 'after-writes') await trx.raw('SELECT pg_terminate_backend(pg_backend_pid())');
      if (point === 'at-commit') await trx.raw("SET LOCAL test.fail_commit = 'on'");
    },
    reset: () => projection.reset?.(),
  };
}

describe('projection runners crashing at any point', () => {
  let ledger: PostgresLedger;
  let knex: Knex;

  beforeAll(async () => {
    ledger = await createPostgresLedger({
      idleReadMs: 30,
      listenRetryMs: 50,
      onError: () => undefined,
    });
    ledger.pool.on('error', () => undefined);
    // The generated history is dated in the past.
    await acceptAnyOccurredAt(ledger.database.connectionString);
    knex = openKnex(ledger.database.connectionString);
    await knex.raw(`
      CREATE FUNCTION test_fail_commit() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF current_setting('test.fail_commit', true) = 'on' THEN
          RAISE EXCEPTION 'injected failure at commit';
        END IF;
        RETURN NULL;
      END $$;
      CREATE CONSTRAINT TRIGGER test_fail_commit AFTER INSERT OR UPDATE ON projection_checkpoints
        DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION test_fail_commit();`);
  });

  afterAll(async () => {
    await knex?.destroy();
    await ledger?.cleanup();
  });

  it('ends with read models identical to a clean rebuild: nothing duplicated, nothing missing', async () => {
    const history = new CallHistory({ calls: 160, windowCalls: 40, seed: 11 });
    const windows = [...history.windows()];
    await insertCommits(ledger.pool, windows[0] ?? [], 150);

    const crashes = new Map<CrashPoint, number>();
    let armed = true;
    const options = {
      store: ledger.store,
      knex,
      lockPool: ledger.pool,
      batchSize: 41,
      retryDelayMs: 15,
      handoverCheckMs: 50,
    };
    // Two instances of each runner compete for the lock, as two servers would.
    const runners: ProjectionRunner[] = [
      ...readModelRunners(options, (p) => crashing(p, crashes, () => armed)),
      ...readModelRunners(options, (p) => crashing(p, crashes, () => armed)),
    ];
    for (const runner of runners) runner.start();

    // Meanwhile: connections die at random (the lock holders', the feed's, anyone's).
    let killing = true;
    let kills = 0;
    const killer = (async () => {
      while (killing) {
        await new Promise((resolve) => setTimeout(resolve, 120));
        if (!killing) break;
        const { rows } = await knex
          .raw<{ rows: Array<{ pid: number }> }>(
            `SELECT pid FROM pg_locks
            WHERE locktype = 'advisory' AND granted AND objsubid = 1
              AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
           UNION
           SELECT pid FROM pg_stat_activity
            WHERE datname = current_database() AND pid <> pg_backend_pid() AND random() < 0.15`,
          )
          .catch(() => ({ rows: [] }));
        for (const { pid } of rows.slice(0, 2)) {
          await knex.raw('SELECT pg_terminate_backend(?)', [pid]).catch(() => undefined);
          kills += 1;
        }
      }
    })();

    let last: LedgerPosition | null = null;
    try {
      for (const commits of windows.slice(1)) {
        for (let i = 0; i < commits.length; i += 50) {
          // An append whose connection was killed left the ledger unchanged or appended whole;
          // appending the same event ids again is a no-op, so simply try again.
          for (let attempt = 1; ; attempt += 1) {
            try {
              last = (await appendCommits(ledger.store, commits.slice(i, i + 50))) ?? last;
              break;
            } catch (error) {
              if (attempt >= 20) throw error;
            }
          }
        }
      }
    } finally {
      killing = false;
      await killer;
      armed = false;
    }
    try {
      // Our own last event, not the feed's head of the moment (another test's open transaction
      // on the same server can hold that back).
      await waitForAll(runners.slice(0, 2), last ?? (await headOf(ledger.store)), 90_000);
    } finally {
      for (const runner of runners) await runner.stop();
    }

    for (const point of CRASH_POINTS) expect(crashes.get(point) ?? 0).toBeGreaterThan(0);
    expect(kills).toBeGreaterThan(5);

    const events = await count(knex, 'SELECT count(*) AS n FROM ledger_events');
    expect(events).toBe(history.counts.events);
    expect(await count(knex, 'SELECT count(*) AS n FROM audit_log')).toBe(events);
    expect(await count(knex, 'SELECT count(DISTINCT event_id) AS n FROM audit_log')).toBe(events);
    expect(await count(knex, 'SELECT count(*) AS n FROM calls')).toBe(160);
    expect(await count(knex, 'SELECT count(*) AS n FROM call_quality_samples')).toBe(
      history.counts.qualitySamples,
    );
    expect(await count(knex, 'SELECT sum(calls_initiated) AS n FROM call_daily_stats')).toBe(160);

    const clean = await rebuildProjections({
      store: ledger.store,
      knex,
      pool: ledger.pool,
      projections: READ_MODEL_PROJECTIONS,
      batchSize: 500,
      swap: false,
    });
    expect(clean.events).toBe(events);
    expect(await differences(knex, '', '__rebuild')).toEqual({});
  }, 180_000);
});
