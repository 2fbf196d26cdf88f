import { EventStoreDBClient } from '@eventstore/db-client';
import type pg from 'pg';
import type { Logger } from 'pino';
import type { EventStore } from '../../application/ports/event-store.port.js';
import type { LedgerLookup } from '../../application/ports/ledger-lookup.port.js';
import type { AppConfig } from '../config/app-config.js';
import { EventStoreDbEventStore } from './eventstoredb/eventstoredb-event-store.adapter.js';
import { EventStoreDbLedgerLookup } from './eventstoredb/eventstoredb-ledger-lookup.adapter.js';
import { PostgresEventStore } from './postgres/postgres-event-store.adapter.js';
import { PostgresLedgerLookup } from './postgres/postgres-ledger-lookup.adapter.js';

/** The configured event store and the lookup verifiers read from the same store. */
export interface ConfiguredEventStore {
  readonly store: EventStore;
  readonly lookup: LedgerLookup;
}

/**
 * PostgreSQL by default; EventStoreDB / KurrentDB when EVENTSTORE_CONNECTION_STRING is set. The
 * PostgreSQL store and lookup borrow `pool` (its owner ends it); the EventStoreDB store owns its
 * client, which its lookup borrows, so closing the store ends both.
 */
export function createEventStore(
  config: AppConfig,
  pool: pg.Pool,
  logger: Logger,
): ConfiguredEventStore {
  const onError = (error: unknown, context?: string): void =>
    logger.warn(
      { err: { message: (error as Error).message }, context },
      'event store background error',
    );
  if (config.eventStoreConnectionString) {
    // This client version only knows the esdb schemes; KurrentDB's name is an alias of them.
    const connectionString = config.eventStoreConnectionString.replace(/^kurrentdb/, 'esdb');
    const client = EventStoreDBClient.connectionString(connectionString);
    return {
      store: new EventStoreDbEventStore(client, { onError }, true),
      lookup: new EventStoreDbLedgerLookup(client),
    };
  }
  return {
    store: new PostgresEventStore(pool, { onError }),
    lookup: new PostgresLedgerLookup(pool),
  };
}
