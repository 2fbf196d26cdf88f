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
import { openDatabase } from './infrastructure/postgres/open-database.js';
import { prepareSchema } from './infrastructure/postgres/prepare-schema.js';

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

export interface ResourceOptions {
  /**
   * `owner` connects as the ledger's owner (DATABASE_OWNER_URL, or the embedded owner role) for
   * the commands that change the schema (a rebuild swaps tables); `service` by default.
   */
  readonly role?: 'service' | 'owner';
}

export async function openResources(
  config: AppConfig,
  logger: Logger,
  options: ResourceOptions = {},
): Promise<Resources> {
  const cleanup = new CleanupStack((error) =>
    logger.warn({ err: { message: (error as Error).message } }, 'shutdown step failed'),
  );
  const close = (): Promise<void> => cleanup.run();
  try {
    const database = await openDatabase(config, (port) =>
      logger.info({ port }, 'embedded PostgreSQL started'),
    );
    cleanup.push(() => database.release());
    await prepareSchema({
      serviceUrl: database.connectionString,
      ownerUrl: database.ownerConnectionString,
      production: config.nodeEnv === 'production',
    });
    const connectionString =
      options.role === 'owner'
        ? (database.ownerConnectionString ?? database.connectionString)
        : database.connectionString;
    const pool = new pg.Pool({ connectionString, max: 10 });
    // An idle connection dropped by the server (restart, failover) must not crash the process:
    // the pool replaces it on next use.
    pool.on('error', (error) =>
      logger.warn({ err: { message: error.message } }, 'idle database connection lost'),
    );
    cleanup.push(() => pool.end());
    const knex = knexFactory({
      client: 'pg',
      connection: connectionString,
      pool: { min: 0, max: 10 },
    });
    cleanup.push(() => knex.destroy());
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
