import { Module, type DynamicModule, type Provider } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import { TerminusModule } from '@nestjs/terminus';
import { ThrottlerModule } from '@nestjs/throttler';
import type { Knex } from 'knex';
import type pg from 'pg';
import { LoginService } from './application/auth/login.service.js';
import { CALL_POLICY, type CallPolicy } from './application/call/call-policy.js';
import { CallLedger } from './application/call/call-ledger.js';
import { AnswerCallHandler } from './application/call/commands/answer-call/answer-call.handler.js';
import { CancelCallHandler } from './application/call/commands/cancel-call/cancel-call.handler.js';
import { DeclineCallHandler } from './application/call/commands/decline-call/decline-call.handler.js';
import { EndCallHandler } from './application/call/commands/end-call/end-call.handler.js';
import { ExpireDisconnectedParticipantHandler } from './application/call/commands/expire-disconnected-participant/expire-disconnected-participant.handler.js';
import { InitiateCallHandler } from './application/call/commands/initiate-call/initiate-call.handler.js';
import { MarkCallMissedHandler } from './application/call/commands/mark-call-missed/mark-call-missed.handler.js';
import { RecordConsentHandler } from './application/call/commands/record-consent/record-consent.handler.js';
import { StartRecordingHandler } from './application/call/commands/start-recording/start-recording.handler.js';
import { StopRecordingHandler } from './application/call/commands/stop-recording/stop-recording.handler.js';
import { CLOCK, type Clock } from './application/ports/clock.port.js';
import { COMMAND_METRICS } from './application/ports/command-metrics.port.js';
import { EVENT_STORE, type EventStore } from './application/ports/event-store.port.js';
import { ID_GENERATOR, type IdGenerator } from './application/ports/id-generator.port.js';
import { PASSWORD_HASHER, type PasswordHasher } from './application/ports/password-hasher.port.js';
import { TOKEN_ISSUER, type TokenIssuer } from './application/ports/token-issuer.port.js';
import { USER_DIRECTORY, type UserDirectory } from './application/ports/user-directory.port.js';
import type { PrometheusMetrics } from './infrastructure/observability/prometheus-metrics.js';
import { KNEX, PG_POOL } from './infrastructure/postgres/database.tokens.js';
import { AuthController } from './interfaces/http/auth/auth.controller.js';
import { AuthGuard } from './interfaces/http/auth/auth.guard.js';
import { CallsController } from './interfaces/http/calls/calls.controller.js';
import { DirectoryController } from './interfaces/http/directory/directory.controller.js';
import { HealthController } from './interfaces/http/operations/health.controller.js';
import { MetricsController } from './interfaces/http/operations/metrics.controller.js';

/** Everything created before Nest starts (connections, adapters), handed in as values. */
export interface AppRuntime {
  readonly knex: Knex;
  readonly pool: pg.Pool;
  readonly eventStore: EventStore;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly metrics: PrometheusMetrics;
  readonly users: UserDirectory;
  readonly passwords: PasswordHasher;
  readonly tokens: TokenIssuer;
  readonly callPolicy: CallPolicy;
  readonly loginAttemptsPerMinute: number;
}

const CALL_COMMAND_HANDLERS = [
  InitiateCallHandler,
  AnswerCallHandler,
  DeclineCallHandler,
  CancelCallHandler,
  EndCallHandler,
  RecordConsentHandler,
  StartRecordingHandler,
  StopRecordingHandler,
  MarkCallMissedHandler,
  ExpireDisconnectedParticipantHandler,
];

@Module({})
export class AppModule {
  static register(runtime: AppRuntime): DynamicModule {
    const values: Provider[] = [
      { provide: KNEX, useValue: runtime.knex },
      { provide: PG_POOL, useValue: runtime.pool },
      { provide: EVENT_STORE, useValue: runtime.eventStore },
      { provide: CLOCK, useValue: runtime.clock },
      { provide: ID_GENERATOR, useValue: runtime.ids },
      { provide: COMMAND_METRICS, useValue: runtime.metrics },
      { provide: USER_DIRECTORY, useValue: runtime.users },
      { provide: PASSWORD_HASHER, useValue: runtime.passwords },
      { provide: TOKEN_ISSUER, useValue: runtime.tokens },
      { provide: CALL_POLICY, useValue: runtime.callPolicy },
    ];
    return {
      module: AppModule,
      imports: [
        CqrsModule.forRoot(),
        TerminusModule,
        ThrottlerModule.forRoot([{ ttl: 60_000, limit: runtime.loginAttemptsPerMinute }]),
      ],
      controllers: [
        AuthController,
        DirectoryController,
        CallsController,
        HealthController,
        MetricsController,
      ],
      providers: [
        ...values,
        { provide: APP_GUARD, useClass: AuthGuard },
        CallLedger,
        LoginService,
        ...CALL_COMMAND_HANDLERS,
      ],
    };
  }
}
