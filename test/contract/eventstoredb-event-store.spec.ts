import { EventStoreDbEventStore } from '../../src/infrastructure/event-store/eventstoredb/eventstoredb-event-store.adapter.js';
import { eventStoreContract } from './event-store.contract.js';

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
});
