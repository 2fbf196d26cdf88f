import 'reflect-metadata';
import type { INestApplicationContext } from '@nestjs/common';
import type { Logger } from 'pino';
import type { Clock } from './application/ports/clock.port.js';
import type { RecordingStorageSweeper } from './application/recording/storage-sweep/recording-storage-sweeper.js';
import type { PresenceSweeper } from './application/presence/presence-sweeper.js';
import type { TimerWorker } from './application/timers/timer-worker.js';
import { buildAppRuntime, type AppRuntime } from './composition/app-runtime.js';
import { createHttpApp } from './composition/http-app.js';
import { startLedgerFollowers } from './composition/ledger-followers.js';
import type { AppConfig } from './infrastructure/config/app-config.js';
import {
  DatabaseRoleError,
  productionOwnerUrlRefusal,
} from './infrastructure/postgres/database-role.js';
import { createLogger, messageLogger } from './infrastructure/observability/logger.js';
import {
  closeSignalingRedis,
  connectSignalingRedis,
} from './infrastructure/signaling/signaling-redis.js';
import { CleanupStack } from './infrastructure/system/cleanup-stack.js';
import type { ProjectionMonitor } from './projections/projection-monitor.js';
import { openResources } from './resources.js';

export interface ServerOptions {
  /** Tests pass a controllable clock; production uses the system clock. */
  readonly clock?: Clock;
  /** Tests that drive timers by hand turn the background worker off. */
  readonly runTimers?: boolean;
}

export interface RunningServer {
  readonly url: string;
  readonly port: number;
  readonly logger: Logger;
  readonly runtime: AppRuntime;
  /** The Nest application, for its providers (LIVE_CONNECTIONS, say). */
  readonly app: INestApplicationContext;
  readonly timers: TimerWorker;
  /** Reconciles recording storage with the ledger; `sweep()` runs one pass. */
  readonly sweeper: RecordingStorageSweeper;
  /** The sweep of expired presence leases. */
  readonly presence: PresenceSweeper;
  /** The read-model runners: `lag()` for /health and /metrics, `waitFor()` for read-your-writes. */
  readonly projections: ProjectionMonitor;
  close(): Promise<void>;
}

/**
 * Starts one instance. Every step pushes what undoes it, so `close()` (or a failed start) takes
 * it all down in reverse order.
 */
export async function startServer(
  config: AppConfig,
  options: ServerOptions = {},
): Promise<RunningServer> {
  const ownerUrlRefusal = productionOwnerUrlRefusal(
    config.nodeEnv === 'production',
    config.database.kind === 'external' && config.database.ownerUrl !== null,
  );
  if (ownerUrlRefusal !== null) throw new DatabaseRoleError(ownerUrlRefusal);
  const logger = createLogger(config.logLevel, config.logFormat);
  const cleanup = new CleanupStack((error) =>
    logger.warn({ err: { message: (error as Error).message } }, 'shutdown step failed'),
  );
  const close = (): Promise<void> => cleanup.run();
  try {
    // 1. Database (embedded when no DATABASE_URL), migrations, the event store, metrics.
    const resources = await openResources(config, logger);
    cleanup.push(() => resources.close());
    // 2. Every adapter, demo users, and the read-model runners.
    const runtime = await buildAppRuntime(config, resources, cleanup, logger, options.clock);
    // 3. socket.io scale-out: the Redis Streams adapter with REDIS_URL, else in memory.
    const signalingRedis = config.redisUrl
      ? await connectSignalingRedis(config.redisUrl, messageLogger(logger))
      : null;
    if (signalingRedis) cleanup.push(() => closeSignalingRedis(signalingRedis));
    // 4. The HTTP API and the signaling gateway.
    const app = await createHttpApp(runtime, config, logger, signalingRedis);
    cleanup.push(() => app.close());
    await app.init();
    // 5. Socket notifications and durable timers, driven from the ledger.
    const { timers, sweeper, presence } = await startLedgerFollowers(
      runtime,
      app,
      config,
      cleanup,
      logger,
      options.runTimers ?? true,
    );
    // 6. Open for requests.
    await app.listen(config.port, config.host);
    const address = app.getHttpServer().address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    logger.info({ port }, 'call ledger listening');
    return {
      url: `http://127.0.0.1:${port}`,
      port,
      logger,
      runtime,
      app,
      timers,
      sweeper,
      presence,
      projections: runtime.projections,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
