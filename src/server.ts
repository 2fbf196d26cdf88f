import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { CommandBus } from '@nestjs/cqrs';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import knexFactory, { type Knex } from 'knex';
import pg from 'pg';
import type { Logger } from 'pino';
import { AppModule, type AppRuntime } from './app.module.js';
import { ExpireDisconnectedParticipantCommand } from './application/call/commands/expire-disconnected-participant/expire-disconnected-participant.command.js';
import { MarkCallMissedCommand } from './application/call/commands/mark-call-missed/mark-call-missed.command.js';
import type { Clock } from './application/ports/clock.port.js';
import type { EventStore } from './application/ports/event-store.port.js';
import { TimerWorker } from './application/timers/timer-worker.js';
import { SYSTEM_ACTOR } from './domain/shared/actor.js';
import { Argon2PasswordHasher } from './infrastructure/auth/argon2-password-hasher.adapter.js';
import { JoseTokenIssuer } from './infrastructure/auth/jose-token-issuer.adapter.js';
import type { AppConfig } from './infrastructure/config/app-config.js';
import { createEventStore } from './infrastructure/event-store/create-event-store.js';
import { PinoNestLogger, createLogger } from './infrastructure/observability/logger.js';
import { PrometheusMetrics } from './infrastructure/observability/prometheus-metrics.js';
import { startEmbeddedPostgres, type EmbeddedPostgresHandle } from './infrastructure/postgres/embedded-postgres.js';
import { migrateToLatest } from './infrastructure/postgres/migrations/migration-source.js';
import { RandomIdGenerator } from './infrastructure/system/random-id-generator.adapter.js';
import { SystemClock } from './infrastructure/system/system-clock.adapter.js';
import { PostgresTimerStore } from './infrastructure/timers/postgres-timer-store.adapter.js';
import { KnexUserDirectory } from './infrastructure/users/knex-user-directory.adapter.js';
import { seedDemoUsers } from './infrastructure/users/demo-users.js';
import { jsonBodyParsing } from './interfaces/http/body-parsing.js';
import { ErrorFilter } from './interfaces/http/error.filter.js';
import { requestLogging } from './interfaces/http/request-logging.js';
import { validationPipe } from './interfaces/http/validation.js';
import { callTimersProjection } from './projections/call-timers.projection.js';
import { ProjectionRunner } from './projections/projection-runner.js';

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
  close(): Promise<void>;
}

/**
 * Starts one instance: database (embedded when no DATABASE_URL), migrations, demo users, the HTTP
 * API, the projection runners and the timer worker. `close()` undoes it all in reverse order.
 */
export async function startServer(config: AppConfig, options: ServerOptions = {}): Promise<RunningServer> {
  const logger = createLogger(config.logLevel);
  const cleanup: Array<() => Promise<unknown>> = [];
  const close = async (): Promise<void> => {
    for (const step of cleanup.reverse()) {
      await step().catch((error: unknown) =>
        logger.warn({ err: { message: (error as Error).message } }, 'shutdown step failed'),
      );
    }
    cleanup.length = 0;
  };
  try {
    let databaseUrl: string;
    if (config.database.kind === 'embedded') {
      const embedded: EmbeddedPostgresHandle = await startEmbeddedPostgres({
        dataDir: config.database.dataDir,
        port: config.database.port,
      });
      cleanup.push(() => embedded.stop());
      databaseUrl = embedded.connectionString;
      logger.info({ port: config.database.port }, 'embedded PostgreSQL started');
    } else {
      databaseUrl = config.database.url;
    }
    const pool = new pg.Pool({ connectionString: databaseUrl, max: 10 });
    cleanup.push(() => pool.end());
    const knex: Knex = knexFactory({ client: 'pg', connection: databaseUrl, pool: { min: 0, max: 10 } });
    cleanup.push(() => knex.destroy());
    await migrateToLatest(knex);

    const eventStore: EventStore = createEventStore(config, pool, logger);
    cleanup.push(() => eventStore.close());
    const users = new KnexUserDirectory(knex);
    const passwords = new Argon2PasswordHasher();
    if (config.demoUsers) await seedDemoUsers(users, passwords);
    if (config.auth.jwtSecretGenerated) {
      logger.warn('JWT_SECRET is not set: tokens are signed with a per-process key and die with it');
    }
    const clock = options.clock ?? new SystemClock();
    const runtime: AppRuntime = {
      knex,
      pool,
      eventStore,
      clock,
      ids: new RandomIdGenerator(),
      metrics: new PrometheusMetrics(),
      users,
      passwords,
      tokens: new JoseTokenIssuer({
        secret: config.auth.jwtSecret,
        ttlSeconds: config.auth.tokenTtlSeconds,
        jwksUrl: config.auth.jwksUrl,
      }),
      callPolicy: config.calls,
      loginAttemptsPerMinute: config.auth.loginAttemptsPerMinute,
    };

    const app = await NestFactory.create<NestExpressApplication>(AppModule.register(runtime), {
      bodyParser: false,
      logger: new PinoNestLogger(logger),
    });
    cleanup.push(() => app.close());
    app.disable('x-powered-by');
    app.use(requestLogging(logger));
    for (const middleware of jsonBodyParsing()) app.use(middleware);
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

    const commands = app.get(CommandBus);
    const timerRunner = new ProjectionRunner(callTimersProjection(config.calls), {
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
      handlers: {
        'ring-timeout': async (timer) => {
          await commands.execute(
            new MarkCallMissedCommand(
              String(timer.payload['callId']),
              SYSTEM_ACTOR,
              { correlationId: timer.id, causationId: null },
              Number(timer.payload['ringTimeoutSeconds']),
            ),
          );
          return 'missed';
        },
        'reconnect-grace': async (timer) => {
          await commands.execute(
            new ExpireDisconnectedParticipantCommand(
              String(timer.payload['callId']),
              SYSTEM_ACTOR,
              { correlationId: timer.id, causationId: null },
              String(timer.payload['userId']),
              Number(timer.payload['reconnectGraceSeconds']),
            ),
          );
          return 'expired';
        },
      },
    });
    if (options.runTimers ?? true) {
      timers.start();
      cleanup.push(() => timers.stop());
    }

    await app.listen(config.port, config.host);
    const address = app.getHttpServer().address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    logger.info({ port }, 'call ledger listening');
    return { url: `http://127.0.0.1:${port}`, port, logger, runtime, timers, close };
  } catch (error) {
    await close();
    throw error;
  }
}

function pinoAdapter(logger: Logger) {
  return {
    info: (message: string, fields?: Record<string, unknown>) => logger.info(fields ?? {}, message),
    warn: (message: string, fields?: Record<string, unknown>) => logger.warn(fields ?? {}, message),
    error: (message: string, fields?: Record<string, unknown>) => logger.error(fields ?? {}, message),
  };
}
