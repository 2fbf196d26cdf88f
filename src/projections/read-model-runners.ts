import type { Knex } from 'knex';
import type pg from 'pg';
import type { EventStore } from '../application/ports/event-store.port.js';
import type { FeedStatistics } from '../application/ports/feed-statistics.port.js';
import { ProjectionMonitor, type ProjectionLag } from './projection-monitor.js';
import {
  ProjectionRunner,
  type ProjectionRunnerLogger,
  type ProjectionRunnerMetrics,
} from './projection-runner.js';
import { READ_MODEL_PROJECTIONS } from './read-model-projections.js';

export interface ReadModelRunnersOptions {
  readonly store: EventStore;
  readonly knex: Knex;
  readonly pool: pg.Pool;
  readonly logger: ProjectionRunnerLogger;
  /** Receives batch timings and is told where projection lag comes from. */
  readonly metrics?: ProjectionRunnerMetrics & {
    observeProjectionLag(source: () => Promise<readonly ProjectionLag[]>): void;
  };
  /** Counts the events a projection is behind, where the ledger can count; none by default. */
  readonly feed?: FeedStatistics | null;
  readonly batchSize?: number;
  readonly retryDelayMs?: number;
}

export interface ReadModelRunners {
  readonly runners: readonly ProjectionRunner[];
  readonly monitor: ProjectionMonitor;
  /** The runner of one projection (`read-models`, `audit-log`). */
  runner(name: string): ProjectionRunner;
  stop(): Promise<void>;
}

/** Starts one runner per read-model projection, and the monitor that reports their lag. */
export function startReadModelRunners(options: ReadModelRunnersOptions): ReadModelRunners {
  const runners = READ_MODEL_PROJECTIONS.map(
    (definition) =>
      new ProjectionRunner(
        definition.create((table) => table, { rebuild: false }),
        {
          store: options.store,
          knex: options.knex,
          lockPool: options.pool,
          logger: options.logger,
          ...(options.metrics ? { metrics: options.metrics } : {}),
          ...(options.batchSize ? { batchSize: options.batchSize } : {}),
          ...(options.retryDelayMs ? { retryDelayMs: options.retryDelayMs } : {}),
        },
      ),
  );
  const monitor = new ProjectionMonitor({
    runners,
    store: options.store,
    knex: options.knex,
    pool: options.pool,
    feed: options.feed ?? null,
  });
  options.metrics?.observeProjectionLag(() => monitor.lag());
  for (const runner of runners) runner.start();
  return {
    runners,
    monitor,
    runner(name) {
      const found = runners.find((runner) => runner.name === name);
      if (!found) throw new Error(`No read-model projection named ${name}`);
      return found;
    },
    async stop() {
      await Promise.all(runners.map((runner) => runner.stop()));
    },
  };
}
