/**
 * Ledger proofs and verification benchmark (npm run bench:ledger), on a real PostgreSQL.
 *  1. Appends BENCH_EVENTS events (default 1,000,000) to BENCH_EVENTS / 50 streams, and lets the
 *     ledger-tree projection build the tree and sign checkpoints, as a server does.
 *  2. Inclusion proofs as GET /audit/events/:position/proof answers them (the event, its leaf, the
 *     newest checkpoint, the proof), one at a time for random positions: p50 / p99.
 *  3. Consistency proofs between random pairs of checkpoints: p50 / p99.
 *  4. The whole-ledger verification (`ledger verify`): seconds, and seconds per million events.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import knexFactory from 'knex';
import pg from 'pg';
import { CheckpointPublisher } from '../src/application/ledger/checkpoint-publisher.js';
import { ledgerPublicKey } from '../src/application/ledger/ledger-public-key.js';
import { generateSigningKey } from '../src/application/ledger/signed-note.js';
import type { EventToAppend } from '../src/application/ports/event-store.port.js';
import { buildLedgerIntegrity } from '../src/composition/ledger-integrity.js';
import { PostgresEventStore } from '../src/infrastructure/event-store/postgres/postgres-event-store.adapter.js';
import { PostgresLedgerLookup } from '../src/infrastructure/event-store/postgres/postgres-ledger-lookup.adapter.js';
import { DirectoryCheckpointArchive } from '../src/infrastructure/ledger/directory-checkpoint-archive.adapter.js';
import { PostgresLedgerTreeStore } from '../src/infrastructure/ledger/postgres-ledger-tree-store.adapter.js';
import { migrateToLatest } from '../src/infrastructure/postgres/migrations/migration-source.js';
import { SystemClock } from '../src/infrastructure/system/system-clock.adapter.js';
import { ledgerTreeProjection } from '../src/projections/ledger-tree/ledger-tree.projection.js';
import { ProjectionRunner } from '../src/projections/projection-runner.js';
import { createBenchDatabase } from './bench-database.js';
import { percentile } from './latencies.js';

const EVENTS = Number(process.env['BENCH_EVENTS'] ?? 1_000_000);
const PROOFS = Number(process.env['BENCH_PROOFS'] ?? 2000);
const PER_STREAM = 50;
const WRITERS = 8;
const ORIGIN = 'vytalwatch-call-ledger';
const quiet = { info: () => undefined, error: () => undefined, warn: () => undefined };

function event(sequence: number): EventToAppend {
  return {
    eventId: randomUUID(),
    type: 'CallQualityReported',
    version: 1,
    data: { callId: randomUUID(), roundTripMs: 40 + (sequence % 60), codec: 'opus', sequence },
    metadata: {
      actor: { userId: randomUUID(), role: 'provider' },
      occurredAt: new Date().toISOString(),
      correlationId: randomUUID(),
      causationId: null,
    },
  };
}

const ms = (value: number): string => `${value.toFixed(2)} ms`;

async function timed<T>(work: () => Promise<T>): Promise<[T, number]> {
  const started = performance.now();
  const result = await work();
  return [result, performance.now() - started];
}

async function main(): Promise<void> {
  const database = await createBenchDatabase('proofs');
  const knex = knexFactory({
    client: 'pg',
    connection: database.connectionString,
    pool: { min: 0, max: 4 },
  });
  const pool = new pg.Pool({ connectionString: database.connectionString, max: 12 });
  const store = new PostgresEventStore(pool);
  const archiveDir = await mkdtemp(path.join(tmpdir(), 'bench-checkpoints-'));
  try {
    await migrateToLatest(knex);
    const signingKey = generateSigningKey(ORIGIN);
    const archive = new DirectoryCheckpointArchive(archiveDir);

    // 1. The ledger and its tree.
    const streams = Math.ceil(EVENTS / PER_STREAM);
    let next = 0;
    const [, appendMs] = await timed(() =>
      Promise.all(
        Array.from({ length: WRITERS }, async () => {
          for (let stream = next++; stream < streams; stream = next++) {
            const count = Math.min(PER_STREAM, EVENTS - stream * PER_STREAM);
            await store.appendToStream(
              `quality-${randomUUID()}`,
              Array.from({ length: count }, (_, i) => event(stream * PER_STREAM + i)),
              { expectedRevision: 'no_stream' },
            );
          }
        }),
      ),
    );
    const runner = new ProjectionRunner(
      ledgerTreeProjection({
        store: new PostgresLedgerTreeStore(),
        events: store,
        clock: new SystemClock(),
        origin: ORIGIN,
        signingKey,
        checkpointIntervalMs: 1000,
        publisher: new CheckpointPublisher(archive, quiet),
        archive,
      }),
      { store, knex, lockPool: pool, logger: quiet, batchSize: 1000, retryDelayMs: 20 },
    );
    const integrity = buildLedgerIntegrity(
      pool,
      store,
      new PostgresLedgerLookup(pool),
      ledgerPublicKey(signingKey, ORIGIN),
      archive,
    );
    const [, treeMs] = await timed(async () => {
      runner.start();
      while ((await integrity.tree.latestCheckpoint())?.treeSize !== EVENTS) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      await runner.stop();
      while ((await archive.latest())?.treeSize !== EVENTS) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    });

    // 2. Inclusion proofs for random positions, as the route answers them.
    const { rows } = await pool.query<{ position: string }>(
      'SELECT position::text FROM ledger_tree_leaves WHERE leaf_index = ANY($1::bigint[])',
      [Array.from({ length: PROOFS }, () => Math.floor(Math.random() * EVENTS))],
    );
    for (const { position } of rows.slice(0, 50)) await integrity.audit.eventProof(position); // warm-up
    const inclusion: number[] = [];
    for (const { position } of rows) {
      inclusion.push((await timed(() => integrity.audit.eventProof(position)))[1]);
    }
    inclusion.sort((a, b) => a - b);

    // 3. Consistency proofs between random checkpoints.
    const sizes = (
      await pool.query<{ tree_size: string }>(
        'SELECT tree_size FROM ledger_checkpoints ORDER BY tree_size',
      )
    ).rows.map((row) => Number(row.tree_size));
    const consistency: number[] = [];
    for (let i = 0; i < Math.min(PROOFS, 1000); i += 1) {
      const a = sizes[Math.floor(Math.random() * sizes.length)] as number;
      const b = sizes[Math.floor(Math.random() * sizes.length)] as number;
      consistency.push(
        (await timed(() => integrity.audit.consistency(Math.min(a, b), Math.max(a, b))))[1],
      );
    }
    consistency.sort((a, b) => a - b);

    // 4. The whole ledger verified.
    const [report, verifyMs] = await timed(() => integrity.verifier().verify());
    if (!report.verified) throw new Error(`verification failed: ${report.problems[0]?.message}`);

    const perMillion = (value: number): string =>
      `${((value / 1000) * (1_000_000 / EVENTS)).toFixed(1)} s`;
    process.stdout.write(
      [
        `Ledger of ${EVENTS.toLocaleString('en-US')} events in ${streams.toLocaleString('en-US')} streams, ${sizes.length} checkpoints`,
        '',
        '| measure | value |',
        '| --- | --- |',
        `| append (${WRITERS} writers, ${PER_STREAM} events per append) | ${(appendMs / 1000).toFixed(1)} s |`,
        `| tree built and checkpointed after the appends | ${(treeMs / 1000).toFixed(1)} s |`,
        `| inclusion proof (event + leaf + checkpoint + proof), p50 / p99 of ${inclusion.length} | ${ms(percentile(inclusion, 50))} / ${ms(percentile(inclusion, 99))} |`,
        `| consistency proof, p50 / p99 of ${consistency.length} | ${ms(percentile(consistency, 50))} / ${ms(percentile(consistency, 99))} |`,
        `| whole-ledger verify | ${(verifyMs / 1000).toFixed(1)} s (${perMillion(verifyMs)} per million events) |`,
        '',
      ].join('\n'),
    );
  } finally {
    await store.close();
    await pool.end();
    await knex.destroy();
    await database.drop();
    await rm(archiveDir, { recursive: true, force: true });
  }
}

await main();
