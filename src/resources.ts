import knexFactory, { type Knex } from 'knex';
import pg from 'pg';
import type { Logger } from 'pino';
import type { EventStore } from './application/ports/event-store.port.js';
import type { LedgerLookup } from './application/ports/ledger-lookup.port.js';
import { CleanupStack } from './infrastructure/system/cleanup-stack.js';
import type { AppConfig } from './infrastructure/config/app-config.js';
import { createEventStore } from './infrastructure/event-store/create-event-store.js';
import { instrumentEventStore } from './infrastructure/observability/instrumented-event-store.adapter.js';
import { PrometheusMetrics } from './infrastructure/observability/prometheus-metrics.adapter.js';
import { migrateToLatest } from './infrastructure/postgres/migrations/migration-source.js';
import { openDatabase } from './infrastructure/postgres/open-database.js';

/** The connections every process of ours needs (server and CLI alike), opened in order. */
export interface Resources {
  readonly pool: pg.Pool;
  readonly knex: Knex;
  readonly eventStore: EventStore;
  /** What verifiers read from the event store beyond its port (events by position, stream heads). */
  readonly ledgerLookup: LedgerLookup;
  readonly metrics: PrometheusMetrics;
  close(): Promise<void>;
}

export async function openResources(config: AppConfig, logger: Logger): Promise<Resources> {
  const cleanup = new CleanupStack((error) =>
    logger.warn({ err: { message: (error as Error).message } }, 'shutdown step failed'),
  );
  const close = (): Promise<void> => cleanup.run();
  try {
    const database = await openDatabase(config, (port) =>
      logger.info({ port }, 'embedded PostgreSQL started'),
    );
    cleanup.push(() => database.release());
    const pool = new pg.Pool({ connectionString: database.connectionString, max: 10 });
    // An idle connection dropped by the server (restart, failover) must not crash the process:
    // the pool replaces it on next use.
    pool.on('error', (error) =>
      logger.warn({ err: { message: error.message } }, 'idle database connection lost'),
    );
    cleanup.push(() => pool.end());
    const knex = knexFactory({
      client: 'pg',
      connection: database.connectionString,
      pool: { min: 0, max: 10 },
    });
    cleanup.push(() => knex.destroy());
    await migrateToLatest(knex);
    const metrics = new PrometheusMetrics();
    const configured = createEventStore(config, pool, logger);
    const eventStore = instrumentEventStore(configured.store, metrics);
    cleanup.push(() => eventStore.close());
    return { pool, knex, eventStore, ledgerLookup: configured.lookup, metrics, close };
  } catch (error) {
    await close();
    throw error;
  }
}
