import type pg from 'pg';
import type { Logger } from 'pino';
import type { EventStore } from '../../application/ports/event-store.port.js';
import type { AppConfig } from '../config/app-config.js';
import { PostgresEventStore } from './postgres/postgres-event-store.adapter.js';

/** PostgreSQL by default; EventStoreDB / KurrentDB when EVENTSTORE_CONNECTION_STRING is set. */
export function createEventStore(config: AppConfig, pool: pg.Pool, logger: Logger): EventStore {
  const onError = (error: unknown): void =>
    logger.warn({ err: { message: (error as Error).message } }, 'event store background error');
  return new PostgresEventStore(pool, { onError });
}
