import { eventStoreContract } from '../../contract/event-store.contract.js';
import { InMemoryEventStore } from '../../support/in-memory-event-store.js';

describe('InMemoryEventStore', () => {
  describe('contract', () => {
    eventStoreContract(async () => {
      const store = new InMemoryEventStore();
      return { store, cleanup: () => store.close(), tamper: store.tamper };
    });
  });
});
