import 'reflect-metadata';
import path from 'node:path';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { Logger } from 'pino';
import { AppModule, type AppRuntime } from './app.module.js';
import { openResources } from './resources.js';
import { CallCommands } from './application/call/call-commands.js';
import { callTimerHandlers } from './application/timers/call-timer-handlers.js';
import { openRecordingStorage } from './infrastructure/storage/open-recording-storage.js';
import {
  AesGcmRecordingCrypto,
  kekFingerprint,
} from './infrastructure/crypto/aes-gcm-recording-crypto.adapter.js';
import { RECORDING_MEDIA_ROUTE } from './interfaces/http/recordings/recording-media.controller.js';
import type { Clock } from './application/ports/clock.port.js';
import { TimerWorker } from './application/timers/timer-worker.js';
import { Argon2PasswordHasher } from './infrastructure/auth/argon2-password-hasher.adapter.js';
import { JoseTokenIssuer } from './infrastructure/auth/jose-token-issuer.adapter.js';
import { CleanupStack } from './infrastructure/system/cleanup-stack.js';
import { loadOrCreateLocalKey } from './infrastructure/crypto/local-development-key.js';
import type { AppConfig } from './infrastructure/config/app-config.js';
import { PostgresFeedStatistics } from './infrastructure/event-store/postgres/postgres-feed-statistics.js';
import { PinoNestLogger, createLogger } from './infrastructure/observability/logger.js';
import { RandomIdGenerator } from './infrastructure/system/random-id-generator.adapter.js';
import { SystemClock } from './infrastructure/system/system-clock.adapter.js';
import {
  PostgresTimerStore,
  scheduleTimer,
} from './infrastructure/timers/postgres-timer-store.adapter.js';
import { SignalingIoAdapter } from './infrastructure/signaling/signaling-io.adapter.js';
import {
  closeSignalingRedis,
  connectSignalingRedis,
} from './infrastructure/signaling/signaling-redis.js';
import { KnexUserDirectory } from './infrastructure/users/knex-user-directory.adapter.js';
import { DEMO_PASSWORD, DEMO_USERS, seedDemoUsers } from './infrastructure/users/demo-users.js';
import { jsonBodyParsing } from './interfaces/http/body-parsing.js';
import { ErrorFilter } from './interfaces/http/error.filter.js';
import { requestLogging } from './interfaces/http/request-logging.js';
import { validationPipe } from './interfaces/http/validation.js';
import { serveWebClient } from './interfaces/http/web-client.js';
import { callTimersProjection } from './projections/call-timers.projection.js';
import { ProjectionRunner } from './projections/projection-runner.js';
import { RunnerReadModelProgress } from './projections/read-model-progress.js';
import { AUDIT_LOG_PROJECTION } from './projections/audit-log.projection.js';
import { CALL_READ_MODELS_PROJECTION } from './projections/call-read-models.projection.js';
import type { ProjectionMonitor } from './projections/projection-monitor.js';
import { startReadModelRunners } from './projections/read-model-runners.js';
import type { ReadModelName } from './application/ports/read-model-progress.port.js';

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
  readonly timers: TimerWorker;
  /** The read-model runners: `lag()` for /health and /metrics, `waitFor()` for read-your-writes. */
  readonly projections: ProjectionMonitor;
  close(): Promise<void>;
}

/**
 * Starts one instance: database (embedded when no DATABASE_URL), migrations, demo users, the HTTP
 * API, the projection runners and the timer worker. `close()` undoes it all in reverse order.
 */
export async function startServer(
  config: AppConfig,
  options: ServerOptions = {},
): Promise<RunningServer> {
  const logger = createLogger(config.logLevel, config.logFormat);
  const cleanup = new CleanupStack((error) =>
    logger.warn({ err: { message: (error as Error).message } }, 'shutdown step failed'),
  );
  const close = (): Promise<void> => cleanup.run();
  try {
    const resources = await openResources(config, logger);
    cleanup.push(() => resources.close());
    const { pool, knex, eventStore, metrics } = resources;
    const users = new KnexUserDirectory(knex);
    const passwords = new Argon2PasswordHasher();
    if (config.demoUsers) await seedDemoUsers(users, passwords);
    if (config.auth.jwtSecretGenerated) {
      logger.warn(
        'JWT_SECRET is not set: tokens are signed with a per-process key and die with it',
      );
    }
    const clock = options.clock ?? new SystemClock();
    let kek: Buffer = Buffer.from(config.recordings.kek);
    if (config.recordings.kekGenerated && config.database.kind === 'embedded') {
      const keyFile = path.join(path.dirname(config.database.dataDir), 'recording-kek.local');
      kek = loadOrCreateLocalKey(keyFile);
      logger.warn(
        'RECORDING_KEK is not set: using the local development key beside the embedded database',
      );
    } else if (config.recordings.kekGenerated) {
      logger.warn(
        'RECORDING_KEK is not set: recordings are sealed with a per-process key and unreadable after a restart',
      );
    }
    const recordingStorage = await openRecordingStorage(config.recordings.storage);
    cleanup.push(() => recordingStorage.close());
    // The runners that feed each read model; queries wait on them for read-your-writes.
    const readModelRunners: Record<ReadModelName, ProjectionRunner[]> = { calls: [], audit: [] };
    // The read models (calls & co., the audit log): a runner each, and their lag for /metrics.
    const readModels = startReadModelRunners({
      store: eventStore,
      knex,
      pool,
      logger: pinoAdapter(logger),
      metrics,
      feed: config.eventStoreConnectionString === null ? new PostgresFeedStatistics(knex) : null,
    });
    cleanup.push(() => readModels.stop());
    readModelRunners.calls.push(readModels.runner(CALL_READ_MODELS_PROJECTION));
    readModelRunners.audit.push(readModels.runner(AUDIT_LOG_PROJECTION));
    const runtime: AppRuntime = {
      knex,
      pool,
      eventStore,
      projections: readModels.monitor,
      clock,
      ids: new RandomIdGenerator(),
      metrics,
      users,
      passwords,
      tokens: new JoseTokenIssuer({
        secret: config.auth.jwtSecret,
        ttlSeconds: config.auth.tokenTtlSeconds,
        jwksUrl: config.auth.jwksUrl,
      }),
      callPolicy: config.calls,
      readModelProgress: new RunnerReadModelProgress(readModelRunners),
      loginAttemptsPerMinute: config.auth.loginAttemptsPerMinute,
      demoAccounts: config.demoUsers
        ? {
            password: DEMO_PASSWORD,
            users: DEMO_USERS.map(({ email, role, displayName }) => ({ email, role, displayName })),
          }
        : { password: null, users: [] },
      signaling: { settings: config.signaling, ice: config.ice },
      recordings: {
        storage: recordingStorage.storage,
        crypto: new AesGcmRecordingCrypto({ id: kekFingerprint(kek), key: kek }),
        settings: {
          maxBytes: config.recordings.maxBytes,
          retentionDays: config.recordings.retentionDays,
        },
      },
    };
    // socket.io scale-out: the Redis Streams adapter with REDIS_URL, else in memory.
    const signalingRedis = config.redisUrl
      ? await connectSignalingRedis(config.redisUrl, pinoAdapter(logger))
      : null;
    if (signalingRedis) cleanup.push(() => closeSignalingRedis(signalingRedis));

    const app = await NestFactory.create<NestExpressApplication>(AppModule.register(runtime), {
      bodyParser: false,
      logger: new PinoNestLogger(logger),
    });
    cleanup.push(() => app.close());
    app.useWebSocketAdapter(
      new SignalingIoAdapter(app, {
        redis: signalingRedis,
        streamName: config.signaling.redisStreamName,
      }),
    );
    app.disable('x-powered-by');
    if (!serveWebClient(app, config.webClientDir)) {
      logger.warn('the web client is not built (npm run build:web): serving the API only');
    }
    app.use(requestLogging(logger));
    for (const middleware of jsonBodyParsing([RECORDING_MEDIA_ROUTE])) app.use(middleware);
    app.useGlobalPipes(validationPipe);
    app.useGlobalFilters(new ErrorFilter(logger));
    const document = SwaggerModule.createDocument(
      app,
      new DocumentBuilder()
        .setTitle('VytalWatch Call Ledger')
        .setDescription('Telehealth calls as an event-sourced ledger')
        .addBearerAuth()
        .build(),
    );
    SwaggerModule.setup('docs', app, document);

    const timerSettings = {
      ...config.calls,
      recordingUploadTimeoutSeconds: config.recordings.uploadTimeoutSeconds,
    };
    const timerRunner = new ProjectionRunner(callTimersProjection(timerSettings, scheduleTimer), {
      store: eventStore,
      knex,
      lockPool: pool,
      logger: pinoAdapter(logger),
    });
    timerRunner.start();
    cleanup.push(() => timerRunner.stop());
    const timers = new TimerWorker({
      store: new PostgresTimerStore(knex),
      clock,
      logger: pinoAdapter(logger),
      handlers: callTimerHandlers({
        calls: app.get(CallCommands),
        storage: runtime.recordings.storage,
      }),
    });
    if (options.runTimers ?? true) {
      timers.start();
      cleanup.push(() => timers.stop());
    }

    await app.listen(config.port, config.host);
    const address = app.getHttpServer().address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    logger.info({ port }, 'call ledger listening');
    return {
      url: `http://127.0.0.1:${port}`,
      port,
      logger,
      runtime,
      timers,
      projections: readModels.monitor,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

function pinoAdapter(logger: Logger) {
  return {
    info: (message: string, fields?: Record<string, unknown>) => logger.info(fields ?? {}, message),
    warn: (message: string, fields?: Record<string, unknown>) => logger.warn(fields ?? {}, message),
    error: (message: string, fields?: Record<string, unknown>) =>
      logger.error(fields ?? {}, message),
  };
}
