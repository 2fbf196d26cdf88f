import type pg from 'pg';
import type { Logger } from 'pino';
import type { EventStore } from '../../application/ports/event-store.port.js';
import type { AppConfig } from '../config/app-config.js';
import { EventStoreDbEventStore } from './eventstoredb/eventstoredb-event-store.adapter.js';
import { PostgresEventStore } from './postgres/postgres-event-store.adapter.js';

/**
 * PostgreSQL by default; EventStoreDB / KurrentDB when EVENTSTORE_CONNECTION_STRING is set. The
 * PostgreSQL store borrows `pool` (its owner ends it); the EventStoreDB store owns its client.
 */
export function createEventStore(config: AppConfig, pool: pg.Pool, logger: Logger): EventStore {
  const onError = (error: unknown, context?: string): void =>
    logger.warn(
      { err: { message: (error as Error).message }, context },
      'event store background error',
    );
  if (config.eventStoreConnectionString) {
    // This client version only knows the esdb schemes; KurrentDB's name is an alias of them.
    const connectionString = config.eventStoreConnectionString.replace(/^kurrentdb/, 'esdb');
    return EventStoreDbEventStore.connect(connectionString, { onError });
  }
  return new PostgresEventStore(pool, { onError });
}
