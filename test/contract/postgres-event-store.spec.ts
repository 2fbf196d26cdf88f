import pg from 'pg';
import type { RecordedEvent } from '../../src/application/ports/event-store.port.js';
import {
  PostgresEventStore,
  ledgerAppendArguments,
} from '../../src/infrastructure/event-store/postgres/postgres-event-store.adapter.js';
import { decodePositionPair } from '../../src/infrastructure/event-store/pair-position.js';
import { verifyStreamIntegrity } from '../../src/application/ledger/event-integrity.js';
import { eventStoreContract } from './event-store.contract.js';
import { ledgerIntegrityContract } from './ledger-integrity.contract.js';
import { PostgresLedgerLookup } from '../../src/infrastructure/event-store/postgres/postgres-ledger-lookup.adapter.js';
import { createPostgresLedger, type PostgresLedger } from '../support/event-store-postgres.js';
import {
  eventually,
  sleep,
  testEvent,
  testEvents,
  uniquePrefix,
  waitUntilReadable,
} from '../support/event-store-fixtures.js';

describe('PostgresEventStore', () => {
  describe('contract, as the service role', () => {
    eventStoreContract(async () => {
      const ledger = await createPostgresLedger({ onError: () => undefined, role: 'service' });
      return { store: ledger.store, cleanup: () => ledger.cleanup(), tamper: ledger.tamper };
    });
  });

  describe('contract, with every concurrent append batched (one statement in flight)', () => {
    eventStoreContract(async () => {
      const ledger = await createPostgresLedger({
        onError: () => undefined,
        role: 'service',
        maxConcurrentAppends: 1,
      });
      return { store: ledger.store, cleanup: () => ledger.cleanup(), tamper: ledger.tamper };
    });
  });

  describe('ledger integrity contract', () => {
    ledgerIntegrityContract(
      async () => {
        const ledger = await createPostgresLedger({ idleReadMs: 30, onError: () => undefined });
        return {
          store: ledger.store,
          lookup: new PostgresLedgerLookup(ledger.pool),
          treeDatabaseUrl: ledger.database.connectionString,
          cleanup: () => ledger.cleanup(),
          tamper: ledger.tamper,
        };
      },
      { tamperable: true },
    );
  });

  describe('on PostgreSQL', () => {
    let ledger: PostgresLedger;
    const quiet = { onError: () => undefined };

    beforeAll(async () => {
      ledger = await createPostgresLedger(quiet);
    });

    afterAll(async () => {
      await ledger?.cleanup();
    });

    it('refuses UPDATE, DELETE and TRUNCATE of stored events', async () => {
      const streamId = `${uniquePrefix()}call`;
      await ledger.store.appendToStream(streamId, testEvents(2), { expectedRevision: 'no_stream' });

      await expect(
        ledger.pool.query(`UPDATE ledger_events SET data = '{}' WHERE stream_id = $1`, [streamId]),
      ).rejects.toMatchObject({ code: 'LG001' });
      await expect(
        ledger.pool.query('DELETE FROM ledger_events WHERE stream_id = $1', [streamId]),
      ).rejects.toMatchObject({ code: 'LG001' });
      await expect(ledger.pool.query('TRUNCATE ledger_events')).rejects.toMatchObject({
        code: 'LG001',
      });
      expect(await ledger.store.readStream(streamId)).toHaveLength(2);
    });

    it('appends in one round trip and encodes (transaction id, sequence) in positions', async () => {
      const streamId = `${uniquePrefix()}call`;
      const query = jest.spyOn(ledger.pool, 'query');
      try {
        await ledger.store.appendToStream(streamId, testEvents(3), {
          expectedRevision: 'no_stream',
        });
        await ledger.store.appendToStream(streamId, testEvents(1), { expectedRevision: 2 });
        // The commit notification is a separate, coalesced statement off the append's path.
        const appends = query.mock.calls.filter(
          ([config]) => (config as { name?: string }).name === 'ledger_append',
        );
        expect(appends).toHaveLength(2);
        expect(query.mock.calls.length - appends.length).toBeLessThanOrEqual(2);
      } finally {
        query.mockRestore();
      }
      const { rows } = await ledger.pool.query<{ transaction_id: string; position: string }>(
        `SELECT transaction_id::text AS transaction_id, position FROM ledger_events
          WHERE stream_id = $1 ORDER BY stream_revision`,
        [streamId],
      );
      const events = await ledger.store.readStream(streamId);
      expect(events.map((e) => decodePositionPair(e.position))).toEqual(
        rows.map((r) => ({ high: BigInt(r.transaction_id), low: BigInt(r.position) })),
      );
      expect(new Set(rows.slice(0, 3).map((r) => r.transaction_id)).size).toBe(1);
    });

    it('orders the feed by transaction id as a number, also across a power of ten', async () => {
      const xid = async (): Promise<bigint> =>
        BigInt(
          (await ledger.pool.query<{ x: string }>('SELECT pg_current_xact_id()::text AS x'))
            .rows[0]!.x,
        );
      const current = await xid();
      let boundary = 10n;
      while (boundary <= current + 20n) boundary *= 10n;
      const toBurn = boundary - current - 4n;
      if (toBurn > 500_000n) return; // Too far to reach quickly on this server.
      const burner = new pg.Client({ connectionString: ledger.database.connectionString });
      await burner.connect();
      try {
        await burner.query('SET synchronous_commit = off');
        await burner.query(
          `DO $$ BEGIN FOR i IN 1..${toBurn} LOOP PERFORM pg_current_xact_id(); COMMIT; END LOOP; END $$`,
        );
      } finally {
        await burner.end();
      }
      const prefix = uniquePrefix();
      const appended: string[] = [];
      const positions: string[] = [];
      for (let i = 0; i < 8; i += 1) {
        const event = testEvent();
        const result = await ledger.store.appendToStream(`${prefix}call-${i}`, [event], {
          expectedRevision: 'no_stream',
        });
        appended.push(event.eventId);
        positions.push(result.position);
      }
      await waitUntilReadable(ledger.store, positions);
      const feed = await ledger.store.readAll({
        after: null,
        limit: 100,
        streamPrefixes: [prefix],
      });
      expect(feed.map((e) => e.eventId)).toEqual(appended);
      const head = await ledger.store.headPosition();
      expect(
        ledger.store.comparePositions(head!, feed[feed.length - 1]!.position),
      ).toBeGreaterThanOrEqual(0);
    });

    it('holds up under 32 concurrent appenders on their own and on shared streams', async () => {
      const pool = new pg.Pool({ connectionString: ledger.database.connectionString, max: 32 });
      pool.on('error', () => undefined);
      const store = new PostgresEventStore(pool, quiet);
      const prefix = uniquePrefix();
      const positions: string[] = [];
      try {
        await Promise.all(
          Array.from({ length: 32 }, async (_, w) => {
            let revision: number | 'no_stream' = 'no_stream';
            for (let i = 0; i < 25; i += 1) {
              if (i % 2 === 0) {
                const result = await store.appendToStream(
                  `${prefix}own-${w}`,
                  testEvents(1 + (i % 3)),
                  { expectedRevision: revision },
                );
                revision = result.revision;
                positions.push(result.position);
              } else {
                const result = await store.appendToStream(
                  `${prefix}shared-${Math.floor(i / 2) % 4}`,
                  testEvents(2),
                  { expectedRevision: 'any' },
                );
                positions.push(result.position);
              }
            }
          }),
        );
        await waitUntilReadable(store, positions);
        const feed = await ledger.store.readAll({
          after: null,
          limit: 10_000,
          streamPrefixes: [prefix],
        });
        const streams = new Set(feed.map((e) => e.streamId));
        expect(streams.size).toBe(36);
        for (const streamId of streams) {
          const events = await store.readStream(streamId);
          expect(events.map((e) => e.revision)).toEqual(events.map((_, i) => i));
          expect(verifyStreamIntegrity(events).verified).toBe(true);
        }
        const shared = feed.filter((e) => e.streamId.includes('shared-'));
        expect(shared).toHaveLength(32 * 12 * 2);
      } finally {
        await store.close();
        await pool.end();
      }
    });

    it('refuses an event id that another stream already holds', async () => {
      const event = testEvent();
      await ledger.store.appendToStream(`${uniquePrefix()}call`, [event], {
        expectedRevision: 'any',
      });
      await expect(
        ledger.store.appendToStream(`${uniquePrefix()}call`, [event], { expectedRevision: 'any' }),
      ).rejects.toMatchObject({ code: '23505' });
    });

    it('holds back a later commit until an earlier open transaction commits, then delivers both in order', async () => {
      const prefix = uniquePrefix();
      const delivered: RecordedEvent[] = [];
      const subscription = ledger.store.subscribe(
        { after: null, streamPrefixes: [prefix] },
        async (events) => {
          delivered.push(...events);
        },
      );
      const a = new pg.Client({ connectionString: ledger.database.connectionString });
      await a.connect();
      try {
        const eventA = testEvent();
        await a.query('BEGIN');
        await a.query(
          'SELECT * FROM ledger_append($1, $2, $3)',
          ledgerAppendArguments(`${prefix}a`, [eventA], 'no_stream'),
        );

        const eventB = testEvent();
        await ledger.store.appendToStream(`${prefix}b`, [eventB], {
          expectedRevision: 'no_stream',
        });
        // B is committed and readable by stream, but the feed must not pass A's open transaction.
        expect(await ledger.store.readStream(`${prefix}b`)).toHaveLength(1);
        await sleep(400);
        expect(delivered).toHaveLength(0);
        expect(
          await ledger.store.readAll({ after: null, limit: 10, streamPrefixes: [prefix] }),
        ).toEqual([]);

        await a.query('COMMIT');
        await eventually(
          () => delivered.length === 2,
          15_000,
          () => 'A and B',
        );
        expect(delivered.map((e) => e.eventId)).toEqual([eventA.eventId, eventB.eventId]);
        expect(
          ledger.store.comparePositions(delivered[0]!.position, delivered[1]!.position),
        ).toBeLessThan(0);
      } finally {
        await a.end();
        await subscription.close();
      }
    });

    it('waits for notifications instead of polling while idle', async () => {
      // With a one-minute idle timer, only a notification can deliver within the test.
      const store = new PostgresEventStore(ledger.pool, { idleReadMs: 60_000, ...quiet });
      const query = jest.spyOn(ledger.pool, 'query');
      const prefix = uniquePrefix();
      const delivered: RecordedEvent[] = [];
      const subscription = store.subscribe(
        { after: null, streamPrefixes: [prefix] },
        async (events) => {
          delivered.push(...events);
        },
      );
      try {
        await sleep(1000);
        // The first read, then silence: no busy loop.
        expect(query.mock.calls.length).toBeLessThanOrEqual(2);

        // An append through another store instance (as from another process) arrives by NOTIFY.
        await ledger.store.appendToStream(`${prefix}call`, [testEvent()], {
          expectedRevision: 'any',
        });
        await eventually(
          () => delivered.length === 1,
          15_000,
          () => 'the notified event',
        );
      } finally {
        query.mockRestore();
        await subscription.close();
        await store.close();
      }
    });

    it('listens again after the LISTEN connection is killed', async () => {
      const listeners = async (): Promise<number[]> =>
        (
          await ledger.pool.query<{ pid: number }>(
            `SELECT pid FROM pg_stat_activity
              WHERE datname = current_database() AND query = 'LISTEN ledger_events'`,
          )
        ).rows.map((row) => row.pid);
      const waitForNewListener = async (known: number[]): Promise<number> => {
        for (let i = 0; i < 300; i += 1) {
          const pid = (await listeners()).find((p) => !known.includes(p));
          if (pid !== undefined) return pid;
          await sleep(10);
        }
        throw new Error('no new LISTEN connection');
      };
      const others = await listeners();
      const store = new PostgresEventStore(ledger.pool, {
        idleReadMs: 60_000,
        listenRetryMs: 50,
        ...quiet,
      });
      const prefix = uniquePrefix();
      const delivered: RecordedEvent[] = [];
      const subscription = store.subscribe(
        { after: null, streamPrefixes: [prefix] },
        async (events) => {
          delivered.push(...events);
        },
      );
      try {
        const first = await waitForNewListener(others);
        await ledger.pool.query('SELECT pg_terminate_backend($1)', [first]);
        await waitForNewListener([...others, first]);

        // Appended through another store, so only the notification can wake this subscription.
        await ledger.store.appendToStream(`${prefix}call`, [testEvent()], {
          expectedRevision: 'any',
        });
        await eventually(
          () => delivered.length === 1,
          15_000,
          () => 'the event after reconnecting',
        );
      } finally {
        await subscription.close();
        await store.close();
      }
    });

    it('closes a store that owns its pool', async () => {
      const store = PostgresEventStore.connect(ledger.database.connectionString, {
        poolSize: 2,
        ...quiet,
      });
      const subscription = store.subscribe(
        { after: null, streamPrefixes: [uniquePrefix()] },
        async () => undefined,
      );
      await store.ping();
      await store.close();
      await subscription.close();
      await expect(store.ping()).rejects.toThrow();
      // The borrowed pool of the shared ledger is still usable.
      await expect(ledger.store.ping()).resolves.toBeUndefined();
    });
  });
});
