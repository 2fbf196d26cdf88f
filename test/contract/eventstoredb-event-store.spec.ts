import { EventStoreDBClient } from '@eventstore/db-client';
import knexFactory from 'knex';
import { EventStoreDbEventStore } from '../../src/infrastructure/event-store/eventstoredb/eventstoredb-event-store.adapter.js';
import { EventStoreDbLedgerLookup } from '../../src/infrastructure/event-store/eventstoredb/eventstoredb-ledger-lookup.adapter.js';
import { migrateToLatest } from '../../src/infrastructure/postgres/migrations/migration-source.js';
import { createTestDatabase } from '../support/test-database.js';
import { eventStoreContract } from './event-store.contract.js';
import { ledgerIntegrityContract } from './ledger-integrity.contract.js';

// Runs against a real EventStoreDB / KurrentDB whenever one is configured, e.g.
// EVENTSTORE_CONNECTION_STRING='esdb://localhost:2113?tls=false'; reported as skipped otherwise.
const connectionString = process.env.EVENTSTORE_CONNECTION_STRING;
const describeWithServer = connectionString ? describe : describe.skip;

describeWithServer('EventStoreDbEventStore', () => {
  describe('contract', () => {
    eventStoreContract(async () => {
      const store = EventStoreDbEventStore.connect(connectionString as string, {
        onError: () => undefined,
      });
      // Streams live on a shared server: every test writes under a prefix of its own, and
      // EventStoreDB's log cannot be altered, so there is nothing to clean up or tamper with.
      return { store, cleanup: () => store.close() };
    });
  });

  describe('ledger integrity contract', () => {
    // The tree follows the whole of `$all`, the shared server's other streams included; its
    // tables and the tree runner's position live in a PostgreSQL database of the test's own.
    ledgerIntegrityContract(
      async () => {
        const database = await createTestDatabase();
        const knex = knexFactory({ client: 'pg', connection: database.connectionString });
        try {
          await migrateToLatest(knex);
        } finally {
          await knex.destroy();
        }
        const client = EventStoreDBClient.connectionString(connectionString as string);
        const store = new EventStoreDbEventStore(client, { onError: () => undefined }, true);
        return {
          store,
          lookup: new EventStoreDbLedgerLookup(client),
          treeDatabaseUrl: database.connectionString,
          async cleanup() {
            await store.close();
            await database.drop();
          },
        };
      },
      { tamperable: false },
    );
  });
});
