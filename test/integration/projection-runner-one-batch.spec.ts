import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { RecordedEvent } from '../../src/application/ports/event-store.port.js';
import { SYSTEM_ACTOR } from '../../src/domain/shared/actor.js';
import type { Projection } from '../../src/projections/projection.js';
import { ProjectionRunner } from '../../src/projections/projection-runner.js';
import { createPostgresLedger, type PostgresLedger } from '../support/event-store-postgres.js';
import { openKnex } from './projections-support.js';

const until = async (condition: () => boolean, timeoutMs: number): Promise<boolean> => {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return true;
};

/**
 * A projection shares what it remembers (its row cache) between its batches, and relies on the
 * runner resetting it after a failed batch: that only holds if one runner never has two batches of
 * it in flight. Here the lock connection fails twice over (the handover check's query, then the
 * connection itself) while a batch is still being applied: both failures release the lock, and
 * neither may let a new subscription start a batch before the one in flight has ended.
 */
describe('a projection runner whose lock connection fails during a batch', () => {
  let ledger: PostgresLedger;

  beforeAll(async () => {
    ledger = await createPostgresLedger({ idleReadMs: 20, onError: () => undefined });
    ledger.pool.on('error', () => undefined);
  });

  afterAll(async () => {
    await ledger?.cleanup();
  });

  it('starts no batch before the one in flight has ended', async () => {
    const knex = openKnex(ledger.database.connectionString);
    let inFlight = 0;
    let mostInFlight = 0;
    let batches = 0;
    let finishFirst: () => void = () => undefined;
    const firstMayFinish = new Promise<void>((resolve) => {
      finishFirst = resolve;
    });
    const projection: Projection = {
      name: 'one-batch-probe',
      streamPrefixes: ['probe-'],
      async apply(_trx, _events: readonly RecordedEvent[]) {
        inFlight += 1;
        batches += 1;
        mostInFlight = Math.max(mostInFlight, inFlight);
        try {
          if (batches === 1) await firstMayFinish;
        } finally {
          inFlight -= 1;
        }
      },
    };

    // The lock connection's handover check fails on demand (as on a dying connection).
    let lockBackend: number | null = null;
    let failHandoverCheck = false;
    const lockPool = {
      async connect(): Promise<pg.PoolClient> {
        const client = await ledger.pool.connect();
        const query = client.query.bind(client) as (...args: unknown[]) => Promise<unknown>;
        (client as unknown as { query: (...args: unknown[]) => Promise<unknown> }).query = (
          ...args: unknown[]
        ) =>
          failHandoverCheck && String(args[0]).includes('NOT l.granted')
            ? Promise.reject(new Error('lock connection lost'))
            : query(...args);
        const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
        lockBackend = rows[0]?.pid ?? null;
        return client;
      },
    } as unknown as pg.Pool;

    const runner = new ProjectionRunner(projection, {
      store: ledger.store,
      knex,
      lockPool,
      logger: { info: () => undefined, error: () => undefined },
      retryDelayMs: 10,
      handoverCheckMs: 10,
    });
    try {
      runner.start();
      const { position } = await ledger.store.appendToStream(
        `probe-${randomUUID()}`,
        [
          {
            eventId: randomUUID(),
            type: 'ProbeRecorded',
            version: 1,
            data: {},
            metadata: {
              actor: SYSTEM_ACTOR,
              occurredAt: new Date().toISOString(),
              correlationId: randomUUID(),
              causationId: null,
            },
          },
        ],
        { expectedRevision: 'no_stream' },
      );
      expect(await until(() => inFlight === 1, 10_000)).toBe(true);

      failHandoverCheck = true;
      const checked = lockBackend as number | null;
      // The check fails first and releases the lock (waiting for the batch); then the connection
      // dies, which releases it again.
      await new Promise((resolve) => setTimeout(resolve, 50));
      if (checked !== null) await knex.raw('SELECT pg_terminate_backend(?)', [checked]);
      // Long enough for a retry (10 ms) to take the lock again and start a batch.
      await until(() => batches > 1, 500);
      expect(mostInFlight).toBe(1);

      failHandoverCheck = false;
      finishFirst();
      expect(await runner.waitFor(position, 10_000)).toBe(true);
      expect(mostInFlight).toBe(1);
    } finally {
      finishFirst();
      await runner.stop();
      await knex.destroy();
    }
  }, 30_000);
});
