import knexFactory from 'knex';
import pg from 'pg';
import {
  PostgresEventStore,
  type PostgresEventStoreOptions,
} from '../../src/infrastructure/event-store/postgres/postgres-event-store.adapter.js';
import { migrateToLatest } from '../../src/infrastructure/postgres/migrations/migration-source.js';
import type { JsonObject } from '../../src/domain/shared/event.js';
import { TEST_ROLES, createTestDatabase, type TestDatabase } from './test-database.js';
import { inTransaction } from './pg-transaction.js';

export interface PostgresLedger {
  readonly store: PostgresEventStore;
  /** The pool the store borrows (the store does not end it). */
  readonly pool: pg.Pool;
  readonly database: TestDatabase;
  /** Stops the store, ends the pool and drops the database. */
  cleanup(): Promise<void>;
  tamper: {
    alterEventData(streamId: string, revision: number, data: JsonObject): Promise<void>;
    removeEvent(streamId: string, revision: number): Promise<void>;
  };
}

export interface PostgresLedgerOptions extends PostgresEventStoreOptions {
  /**
   * `service`: migrated by the owner role and the store connected as the service role, as the
   * server runs; `superuser` (default): both as the test server's superuser.
   */
  readonly role?: 'service' | 'superuser';
}

/** A migrated database of its own with a PostgresEventStore on it. */
export async function createPostgresLedger(
  options: PostgresLedgerOptions = {},
): Promise<PostgresLedger> {
  const database = await createTestDatabase();
  const { role, ...storeOptions } = options;
  const asService = role === 'service';
  const knex = knexFactory({
    client: 'pg',
    connection: asService ? database.ownerConnectionString : database.connectionString,
  });
  try {
    await migrateToLatest(knex, asService ? { serviceRole: TEST_ROLES.service } : {});
  } finally {
    await knex.destroy();
  }
  const pool = new pg.Pool({
    connectionString: asService ? database.serviceConnectionString : database.connectionString,
    max: 12,
  });
  // Tampering needs more than the service may do.
  const tamperPool = asService
    ? new pg.Pool({ connectionString: database.connectionString, max: 1 })
    : pool;
  // An idle client whose connection dies must not crash the test process. (Dropping the
  // database right after pool.end() can still catch sockets that are closing: not worth a word.)
  let cleaningUp = false;
  const reportIdleFailure = (error: Error): void => {
    if (!cleaningUp) process.stderr.write(`[test pool] idle client failed: ${error.message}\n`);
  };
  pool.on('error', reportIdleFailure);
  if (tamperPool !== pool) tamperPool.on('error', reportIdleFailure);
  const store = new PostgresEventStore(pool, storeOptions);

  /** Runs `sql` with the append-only trigger disabled, as someone with table rights could. */
  const bypassingTrigger = (sql: string, values: unknown[]): Promise<void> =>
    inTransaction(tamperPool, async (client) => {
      await client.query('ALTER TABLE ledger_events DISABLE TRIGGER ledger_events_append_only');
      const result = await client.query(sql, values);
      if (result.rowCount !== 1) throw new Error(`tampering changed ${result.rowCount} rows`);
      await client.query('ALTER TABLE ledger_events ENABLE TRIGGER ledger_events_append_only');
    });

  return {
    store,
    pool,
    database,
    async cleanup() {
      cleaningUp = true;
      await store.close();
      await pool.end();
      if (tamperPool !== pool) await tamperPool.end();
      await database.drop();
    },
    tamper: {
      alterEventData: (streamId, revision, data) =>
        bypassingTrigger(
          'UPDATE ledger_events SET data = $3 WHERE stream_id = $1 AND stream_revision = $2',
          [streamId, revision, JSON.stringify(data)],
        ),
      removeEvent: (streamId, revision) =>
        bypassingTrigger(
          'DELETE FROM ledger_events WHERE stream_id = $1 AND stream_revision = $2',
          [streamId, revision],
        ),
    },
  };
}
