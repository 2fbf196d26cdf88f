import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Knex } from 'knex';
import pg from 'pg';
import { CallHistory, insertCommits } from '../../bench/projections-history.js';
import { AUDIT_LOG_PROJECTION } from '../../src/projections/audit-log.projection.js';
import { BUILT_MAIN, stopBuiltServer } from '../support/built-server.js';
import { createPostgresLedger, type PostgresLedger } from '../support/event-store-postgres.js';
import { acceptAnyOccurredAt } from '../support/occurred-at-window.js';
import { eventually } from '../support/socket-client.js';
import { TEST_JWT_SECRET } from '../support/test-server.js';
import {
  headOf,
  openKnex,
  readModelRunners,
  snapshotTables,
  waitForAll,
} from '../integration/projections-support.js';
import { buildOnce } from '../support/build-once.js';

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, '../..');
const CLI = path.join(ROOT, 'dist/src/interfaces/cli/ledger.js');
/** Kills in each phase: 25 during live catch-up and 25 during rebuilds, 50 in all. */
const KILLS_PER_PHASE = 25;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A uniformly random whole number of milliseconds in [0, max). */
const randomMs = (max: number) => Math.floor(Math.random() * max);

/**
 * The projection runners killed with SIGKILL at random points, as a crash or the out-of-memory
 * killer would: the server's live runners while they catch up on a long ledger, then the CLI's
 * rebuild while it fills its shadow tables. Afterwards the read models equal a clean rebuild's,
 * row for row.
 */
describe('projection runners killed at random points', () => {
  let ledger: PostgresLedger;
  let knex: Knex;
  let seeder: pg.Pool;
  const root = mkdtempSync(path.join(tmpdir(), 'vw-fault-projections-'));
  let env: Record<string, string>;

  beforeAll(async () => {
    await buildOnce();
    ledger = await createPostgresLedger({ role: 'service', onError: () => undefined });
    ledger.pool.on('error', () => undefined);
    const { database } = ledger;
    // The generated history is dated in the past.
    await acceptAnyOccurredAt(database.connectionString);
    seeder = new pg.Pool({ connectionString: database.connectionString, max: 2 });
    const history = new CallHistory({ calls: 6000, windowCalls: 200, seed: 7 });
    for (const commits of history.windows()) await insertCommits(seeder, commits, 2000);
    knex = openKnex(database.ownerConnectionString);
    env = {
      PATH: process.env.PATH ?? '',
      HOST: '127.0.0.1',
      PORT: '0',
      DATABASE_URL: database.serviceConnectionString,
      DATABASE_OWNER_URL: database.ownerConnectionString,
      JWT_SECRET: TEST_JWT_SECRET,
      LOG_LEVEL: 'warn',
      LOG_FORMAT: 'json',
    };
  }, 300_000);

  afterAll(async () => {
    await knex?.destroy();
    await seeder?.end();
    await ledger?.cleanup();
    rmSync(root, { recursive: true, force: true });
  }, 60_000);

  /** Where the audit log stands: it follows every stream, so at the end it is at the head. */
  async function checkpoint(): Promise<string | null> {
    const row = await knex('projection_checkpoints')
      .where({ name: AUDIT_LOG_PROJECTION })
      .first<{ position: string | null } | undefined>('position');
    return row?.position ?? null;
  }

  it('leaves read models equal to a clean rebuild, after 25 kills during catch-up and 25 during rebuilds', async () => {
    const events = Number(
      (await knex('ledger_events').count<Array<{ count: string }>>('* as count'))[0]?.count,
    );

    // 1. The server's live runners, killed part way through catching up, started again.
    let liveKills = 0;
    while (liveKills < KILLS_PER_PHASE) {
      const before = await checkpoint();
      expect(before).not.toBe(await headOf(ledger.store));
      const server = spawn(process.execPath, [BUILT_MAIN], { cwd: root, env, stdio: 'ignore' });
      // Killed only once this life has committed a batch of its own, at a random moment after.
      while ((await checkpoint()) === before) await sleep(20);
      await sleep(randomMs(150));
      const exited = once(server, 'exit');
      server.kill('SIGKILL');
      await exited;
      // A kill that came after the end of the catch-up proves nothing: the ledger is too short.
      if ((await checkpoint()) === (await headOf(ledger.store))) {
        throw new Error(`caught up after ${liveKills} kills: the ledger is too short for the test`);
      }
      liveKills += 1;
    }
    const server = spawn(process.execPath, [BUILT_MAIN], { cwd: root, env, stdio: 'ignore' });
    try {
      while ((await checkpoint()) !== (await headOf(ledger.store))) await sleep(100);
    } finally {
      await stopBuiltServer(server);
    }
    // Every runner of the read models at the head (the server may have added events since).
    const runners = readModelRunners({ store: ledger.store, knex, lockPool: ledger.pool });
    for (const runner of runners) runner.start();
    try {
      // Every event in the audit log, which takes every stream (the feed's head can lag behind
      // while other transactions on the server are open), then the read models as far.
      const rows = (table: string) =>
        knex(table)
          .count<Array<{ count: string }>>('* as count')
          .then((result) => Number(result[0]?.count));
      await eventually(
        async () => [await rows('audit_log'), await rows('ledger_events')],
        ([projected, appended]) => projected === appended,
        120_000,
      );
      const everything = await checkpoint();
      if (everything === null) throw new Error('the audit log has no checkpoint');
      await waitForAll(runners, everything, 120_000);
    } finally {
      for (const runner of runners) await runner.stop();
    }
    const afterLiveKills = await snapshotTables(knex);

    // 2. The rebuild, killed while it fills its shadow tables; the live tables never change.
    let rebuildKills = 0;
    while (rebuildKills < KILLS_PER_PHASE) {
      const rebuild = spawn(process.execPath, [CLI, 'rebuild', '--batch-size', '500'], {
        cwd: root,
        env,
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let progress = '';
      rebuild.stderr.on('data', (chunk: Buffer) => (progress += chunk.toString()));
      const exited = once(rebuild, 'exit');
      while (!progress.includes('Rebuilding') && rebuild.exitCode === null) await sleep(10);
      await sleep(randomMs(1500));
      if (rebuild.exitCode !== null) {
        // It finished first: not a kill, but a clean rebuild swapped in; it must change nothing.
        await exited;
        expect(rebuild.exitCode).toBe(0);
        continue;
      }
      rebuild.kill('SIGKILL');
      await exited;
      rebuildKills += 1;
      if (rebuildKills % 5 === 0) expect(await snapshotTables(knex)).toEqual(afterLiveKills);
    }

    // 3. A rebuild that runs to its end, over whatever the killed ones left behind.
    const { stderr } = await run(process.execPath, [CLI, 'rebuild', '--batch-size', '500'], {
      cwd: root,
      env,
    });
    expect(stderr).toMatch(/Rebuilt .* swapped in at position/);
    expect(await snapshotTables(knex)).toEqual(afterLiveKills);
    process.stdout.write(
      `projection runners killed ${liveKills} times during catch-up and ${rebuildKills} times ` +
        `during rebuilds of ${events} events: read models equal a clean rebuild's\n`,
    );
  }, 900_000);
});
