/**
 * Ledger write-path benchmark (npm run bench:append), on a real PostgreSQL.
 *  1. Command flows: 16 concurrent clients run initiate -> answer -> end through the use cases
 *     and the command runner (no HTTP), reporting commands/s and per-command p50/p99.
 *  2. Raw appends of one event to distinct streams at concurrency 1, 8 and 32: our PostgreSQL
 *     event store against Emmett's (@event-driven-io/emmett-postgresql) on the same database, in
 *     the same run, interleaved so that neither gets a warmer cache.
 * Meanwhile the ledger-tree projection builds the Merkle tree and signs checkpoints of our events,
 * as a server does (BENCH_CHECKPOINTS=off leaves it out).
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { getPostgreSQLEventStore } from '@event-driven-io/emmett-postgresql';
import knexFactory from 'knex';
import pg from 'pg';
import { CallCommands } from '../src/application/call/call-commands.js';
import { CommandRunner } from '../src/application/command-runner.js';
import { InitiateCallCommand } from '../src/application/call/commands/initiate-call/initiate-call.command.js';
import { InitiateCallHandler } from '../src/application/call/commands/initiate-call/initiate-call.handler.js';
import type { EventToAppend } from '../src/application/ports/event-store.port.js';
import { Argon2PasswordHasher } from '../src/infrastructure/auth/argon2-password-hasher.adapter.js';
import { PostgresEventStore } from '../src/infrastructure/event-store/postgres/postgres-event-store.adapter.js';
import { PrometheusMetrics } from '../src/infrastructure/observability/prometheus-metrics.adapter.js';
import { migrateToLatest } from '../src/infrastructure/postgres/migrations/migration-source.js';
import { RandomIdGenerator } from '../src/infrastructure/system/random-id-generator.adapter.js';
import { SystemClock } from '../src/infrastructure/system/system-clock.adapter.js';
import { DEMO_USERS, seedDemoUsers } from '../src/infrastructure/users/demo-users.js';
import { CheckpointPublisher } from '../src/application/ledger/checkpoint-publisher.js';
import { generateSigningKey } from '../src/application/ledger/signed-note.js';
import { DirectoryCheckpointArchive } from '../src/infrastructure/ledger/directory-checkpoint-archive.adapter.js';
import { PostgresLedgerTreeStore } from '../src/infrastructure/ledger/postgres-ledger-tree-store.adapter.js';
import {
  LEDGER_TREE_BATCH_PAUSE_MS,
  ledgerTreeProjection,
  MAX_LEAVES_PER_CHECKPOINT,
} from '../src/projections/ledger-tree/ledger-tree.projection.js';
import { ProjectionRunner } from '../src/projections/projection-runner.js';
import { KnexUserDirectory } from '../src/infrastructure/users/knex-user-directory.adapter.js';
import { createBenchDatabase } from './bench-database.js';
import { percentile, runLoad } from './latencies.js';

const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 5);
const CHECKPOINTS = process.env['BENCH_CHECKPOINTS'] !== 'off';
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 2);
const requestContext = { correlationId: 'bench', causationId: null };

function eventFor(streamNumber: number): EventToAppend {
  return {
    eventId: randomUUID(),
    type: 'CallInitiated',
    version: 1,
    data: { callId: randomUUID(), type: 'VIDEO', status: 'RINGING', sequence: streamNumber },
    metadata: {
      actor: { userId: randomUUID(), role: 'provider' },
      occurredAt: new Date().toISOString(),
      correlationId: randomUUID(),
      causationId: null,
    },
  };
}

const demo = (email: string): { id: string } => {
  const user = DEMO_USERS.find((candidate) => candidate.email === email);
  if (!user) throw new Error(`no demo user ${email}`);
  return user;
};

async function main(): Promise<void> {
  const database = await createBenchDatabase('append');
  const pool = new pg.Pool({ connectionString: database.connectionString, max: 40 });
  // Dropping the database at the end ends the idle connections left in the pool.
  pool.on('error', () => undefined);
  const knex = knexFactory({
    client: 'pg',
    connection: database.connectionString,
    pool: { min: 0, max: 8 },
  });
  try {
    await migrateToLatest(knex);
    const users = new KnexUserDirectory(knex);
    await seedDemoUsers(knex, new Argon2PasswordHasher());
    const store = new PostgresEventStore(pool);
    const archiveDir = await mkdtemp(path.join(tmpdir(), 'bench-checkpoints-'));
    const archive = new DirectoryCheckpointArchive(archiveDir);
    const quiet = { info: () => undefined, error: (message: string) => console.error(message) };
    const treeRunner = new ProjectionRunner(
      ledgerTreeProjection({
        store: new PostgresLedgerTreeStore(),
        events: store,
        clock: new SystemClock(),
        origin: 'bench',
        signingKey: generateSigningKey('bench'),
        checkpointIntervalMs: 5000,
        publisher: new CheckpointPublisher(archive, quiet),
        archive,
      }),
      {
        store,
        knex,
        lockPool: pool,
        logger: quiet,
        batchSize: MAX_LEAVES_PER_CHECKPOINT,
        batchPauseMs: LEDGER_TREE_BATCH_PAUSE_MS,
      },
    );
    if (CHECKPOINTS) treeRunner.start();
    const calls = new CallCommands(
      new CommandRunner(store, new SystemClock(), new RandomIdGenerator(), new PrometheusMetrics()),
    );
    const policy = {
      patientsMayInitiate: false,
      ringTimeoutSeconds: 60,
      reconnectGraceSeconds: 30,
    };
    const initiate = new InitiateCallHandler(calls, users, new RandomIdGenerator(), policy);
    const provider = { userId: demo('provider@demo.test').id, role: 'provider' as const };
    const patient = { userId: demo('patient@demo.test').id, role: 'patient' as const };

    // 1. Command flows through the handlers.
    const commandLatencies: number[] = [];
    const flows = await runLoad(16, SECONDS * 1000, async () => {
      const timed = async <T>(run: () => Promise<T>): Promise<T> => {
        const before = performance.now();
        const result = await run();
        commandLatencies.push(performance.now() - before);
        return result;
      };
      const call = await timed(() =>
        initiate.execute(
          new InitiateCallCommand(
            provider,
            requestContext,
            {
              patientId: patient.userId,
              providerId: null,
              type: 'VIDEO',
              scheduledAt: null,
              recordingEnabled: true,
              reason: null,
            },
            null,
          ),
        ),
      );
      const callId = call.state.status === 'NONE' ? '' : call.state.callId;
      await timed(() =>
        calls.execute(callId, { type: 'AnswerCall', data: {} }, patient, requestContext),
      );
      await timed(() =>
        calls.execute(
          callId,
          { type: 'EndCall', data: { reason: null } },
          provider,
          requestContext,
        ),
      );
    });
    commandLatencies.sort((a, b) => a - b);

    // 2. Raw appends, ours vs Emmett, interleaved rounds.
    const emmett = getPostgreSQLEventStore(database.connectionString, {
      connectionOptions: { pool },
    });
    await emmett.appendToStream(`warmup-${randomUUID()}`, [{ type: 'Warmup', data: { ok: true } }]);
    await store.appendToStream(`warmup-${randomUUID()}`, [eventFor(0)], {
      expectedRevision: 'no_stream',
    });
    const raw: Array<{
      concurrency: number;
      ours: number;
      emmett: number;
      oursP99: number;
      emmettP99: number;
    }> = [];
    for (const concurrency of [1, 8, 32]) {
      const totals = { ours: 0, emmett: 0, oursSeconds: 0, emmettSeconds: 0 };
      const latencies = { ours: [] as number[], emmett: [] as number[] };
      for (let round = 0; round < ROUNDS; round++) {
        const ours = await runLoad(concurrency, SECONDS * 1000, (worker, i) =>
          store
            .appendToStream(`ours-${concurrency}-${round}-${worker}-${i}`, [eventFor(i)], {
              expectedRevision: 'no_stream',
            })
            .then(() => undefined),
        );
        const theirs = await runLoad(concurrency, SECONDS * 1000, (worker, i) => {
          const event = eventFor(i);
          return emmett
            .appendToStream(
              `emmett-${concurrency}-${round}-${worker}-${i}`,
              [{ type: event.type, data: event.data, metadata: event.metadata as never }],
              { expectedStreamVersion: 0n },
            )
            .then(() => undefined);
        });
        totals.ours += ours.latencies.length;
        totals.oursSeconds += ours.seconds;
        totals.emmett += theirs.latencies.length;
        totals.emmettSeconds += theirs.seconds;
        latencies.ours.push(...ours.latencies);
        latencies.emmett.push(...theirs.latencies);
      }
      raw.push({
        concurrency,
        ours: totals.ours / totals.oursSeconds,
        emmett: totals.emmett / totals.emmettSeconds,
        oursP99: percentile(
          latencies.ours.sort((a, b) => a - b),
          99,
        ),
        emmettP99: percentile(
          latencies.emmett.sort((a, b) => a - b),
          99,
        ),
      });
    }
    await emmett.close();
    const writersDone = performance.now();
    const head = await store.headPosition();
    if (CHECKPOINTS && head !== null) await treeRunner.waitFor(head, 600_000);
    const treeCatchUpSeconds = (performance.now() - writersDone) / 1000;
    await treeRunner.stop();
    await rm(archiveDir, { recursive: true, force: true });
    const tree = await knex('ledger_checkpoints').first<{
      checkpoints: string;
      size: string | null;
    }>(knex.raw('count(*) AS checkpoints'), knex.raw('max(tree_size) AS size'));
    await store.close();

    const commands = commandLatencies.length;
    process.stdout.write(
      `\nLedger write path (${SECONDS} s per measurement, PostgreSQL ${await serverVersion(pool)})\n\n`,
    );
    process.stdout.write(
      'Command flows: initiate -> answer -> end, 16 concurrent clients, through the command runner\n',
    );
    process.stdout.write(
      `  ${commands} commands in ${flows.seconds.toFixed(1)} s = ${(commands / flows.seconds).toFixed(0)} commands/s ` +
        `(${(flows.latencies.length / flows.seconds).toFixed(0)} whole calls/s); per command p50 ${percentile(commandLatencies, 50).toFixed(2)} ms, ` +
        `p99 ${percentile(commandLatencies, 99).toFixed(2)} ms\n\n`,
    );
    process.stdout.write('Raw appends, one event to a new stream each (appends/s)\n');
    process.stdout.write(
      '  concurrency |   ours | emmett-postgresql | ours / emmett | p99 ours | p99 emmett\n',
    );
    for (const row of raw) {
      process.stdout.write(
        `  ${String(row.concurrency).padStart(11)} | ${row.ours.toFixed(0).padStart(6)} | ${row.emmett.toFixed(0).padStart(17)} | ` +
          `${(row.ours / row.emmett).toFixed(2).padStart(12)}x | ${row.oursP99.toFixed(2).padStart(6)} ms | ${row.emmettP99.toFixed(2).padStart(7)} ms\n`,
      );
    }
    process.stdout.write(
      CHECKPOINTS
        ? `\nWith the Merkle tree and checkpoints built meanwhile: ${tree?.checkpoints ?? 0} checkpoints signed, ` +
            `the newest of ${tree?.size ?? 0} events; the tree caught up ${treeCatchUpSeconds.toFixed(2)} s after the writers stopped.\n`
        : '\nWithout the Merkle tree (BENCH_CHECKPOINTS=off).\n',
    );
    process.stdout.write('\nTarget: ours >= 1.5x emmett-postgresql at every concurrency.\n');
  } finally {
    await knex.destroy();
    await pool.end();
    await database.drop();
  }
}

async function serverVersion(pool: pg.Pool): Promise<string> {
  const { rows } = await pool.query<{ server_version: string }>('SHOW server_version');
  return rows[0]?.server_version ?? '?';
}

await main();
