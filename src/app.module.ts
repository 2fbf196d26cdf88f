import { Module, type DynamicModule, type Provider } from '@nestjs/common';
import type { AppRuntime } from './composition/app-runtime.js';
import { DEMO_ACCOUNTS } from './application/auth/demo-accounts.js';
import { APP_GUARD } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import { TerminusModule } from '@nestjs/terminus';
import { LoginService } from './application/auth/login.service.js';
import { LoginThrottle } from './application/auth/login-throttle.js';
import { RATE_LIMITER } from './application/ports/rate-limiter.port.js';
import { RATE_LIMIT_SETTINGS } from './application/rate-limits/rate-limit-settings.js';
import { UserRateLimits } from './application/rate-limits/user-rate-limits.js';
import { SessionAudit } from './application/auth/session-audit.js';
import { SESSION_SETTINGS } from './application/auth/session-settings.js';
import { SessionService } from './application/auth/session.service.js';
import { UserDeactivation } from './application/auth/user-deactivation.service.js';
import { SESSION_STATUS } from './application/ports/session-status.port.js';
import { SESSION_STORE } from './application/ports/session-store.port.js';
import { AdminUsersController } from './interfaces/http/admin/admin-users.controller.js';
import { CALL_POLICY } from './application/call/call-policy.js';
import { CallCommands } from './application/call/call-commands.js';
import { InitiateCallHandler } from './application/call/commands/initiate-call/initiate-call.handler.js';
import { ReconnectCallHandler } from './application/call/commands/reconnect-call/reconnect-call.handler.js';
import { RecordConnectionQualityHandler } from './application/call/commands/record-connection-quality/record-connection-quality.handler.js';
import { StartRecordingHandler } from './application/call/commands/start-recording/start-recording.handler.js';
import { CommandRunner } from './application/command-runner.js';
import { GetIceServersHandler } from './application/signaling/get-ice-servers/get-ice-servers.handler.js';
import { AccessAudit } from './application/audit/access-audit.js';
import { AccessDenialAudit } from './application/audit/access-denial-audit.js';
import { AuditSearchAudit } from './application/audit/audit-search-audit.js';
import { CallVisibility } from './application/call/queries/call-visibility.js';
import { GetCallDetailsHandler } from './application/call/queries/get-call-details/get-call-details.handler.js';
import { GetCallHistoryHandler } from './application/call/queries/get-call-history/get-call-history.handler.js';
import { GetCallStateAtHandler } from './application/call/queries/get-call-state-at/get-call-state-at.handler.js';
import { GetCallStatisticsHandler } from './application/call/queries/get-call-statistics/get-call-statistics.handler.js';
import { GetCallTimelineHandler } from './application/call/queries/get-call-timeline/get-call-timeline.handler.js';
import { GetRecordingHandler } from './application/call/queries/get-recording/get-recording.handler.js';
import { ListRecordingsHandler } from './application/call/queries/list-recordings/list-recordings.handler.js';
import { GetCallEvidenceHandler } from './application/call/queries/get-call-evidence/get-call-evidence.handler.js';
import { LedgerAudit } from './application/ledger/ledger-audit.js';
import { StreamVerifier } from './application/ledger/stream-verification.js';
import { LedgerProofsController } from './interfaces/http/audit/ledger-proofs.controller.js';
import { SearchAuditLogHandler } from './application/call/queries/search-audit-log/search-audit-log.handler.js';
import { CALL_READ_MODEL } from './application/ports/call-read-model.port.js';
import { RECORDING_CRYPTO } from './application/ports/recording-crypto.port.js';
import { RECORDING_STORAGE } from './application/ports/recording-storage.port.js';
import { DownloadRecordingMediaHandler } from './application/recording/download-recording-media/download-recording-media.handler.js';
import { RECORDING_SETTINGS } from './application/recording/recording-settings.js';
import { RECORDING_UPLOAD_STORE } from './application/ports/recording-upload-store.port.js';
import { ResumableRecordingUploads } from './application/recording/resumable-upload/resumable-recording-uploads.js';
import { RecordingUploadsController } from './interfaces/http/recordings/recording-uploads.controller.js';
import { UploadRecordingMediaHandler } from './application/recording/upload-recording-media/upload-recording-media.handler.js';
import { RecordingMediaController } from './interfaces/http/recordings/recording-media.controller.js';
import { CLOCK } from './application/ports/clock.port.js';
import { READ_MODEL_PROGRESS } from './application/ports/read-model-progress.port.js';
import { COMMAND_METRICS } from './application/ports/command-metrics.port.js';
import { EVENT_STORE } from './application/ports/event-store.port.js';
import { ID_GENERATOR } from './application/ports/id-generator.port.js';
import { PASSWORD_HASHER } from './application/ports/password-hasher.port.js';
import { TOKEN_ISSUER } from './application/ports/token-issuer.port.js';
import { USER_DIRECTORY } from './application/ports/user-directory.port.js';
import { KNEX, PG_POOL } from './infrastructure/postgres/database.tokens.js';
import { ProjectionMonitor } from './projections/projection-monitor.js';
import { AuditController } from './interfaces/http/audit/audit.controller.js';
import { LedgerKeyController } from './interfaces/http/audit/ledger-key.controller.js';
import { LEDGER_PUBLIC_KEY } from './application/ledger/ledger-public-key.js';
import { CallQueriesController } from './interfaces/http/calls/call-queries.controller.js';
import { Freshness } from './interfaces/http/freshness.js';
import { StatsController } from './interfaces/http/stats/stats.controller.js';
import { AuthController } from './interfaces/http/auth/auth.controller.js';
import { AuthGuard } from './interfaces/http/auth/auth.guard.js';
import { ClientAddresses } from './interfaces/http/client-addresses.js';
import { CallsController } from './interfaces/http/calls/calls.controller.js';
import { DirectoryController } from './interfaces/http/directory/directory.controller.js';
import { HealthController } from './interfaces/http/operations/health.controller.js';
import { MetricsController } from './interfaces/http/operations/metrics.controller.js';
import { SIGNALING_CONTROLLERS, signalingProviders } from './interfaces/ws/signaling.providers.js';
import { OUTAGE_DETECTOR } from './application/ports/outage-detector.port.js';

/**
 * The use cases with logic of their own; every other call command goes straight from its
 * controller or socket handler to CallCommands.
 */
const CALL_COMMAND_HANDLERS = [
  InitiateCallHandler,
  StartRecordingHandler,
  ReconnectCallHandler,
  RecordConnectionQualityHandler,
  UploadRecordingMediaHandler,
];

const CALL_QUERY_HANDLERS = [
  GetCallHistoryHandler,
  GetCallDetailsHandler,
  ListRecordingsHandler,
  GetRecordingHandler,
  GetCallStatisticsHandler,
  GetCallTimelineHandler,
  GetCallEvidenceHandler,
  GetCallStateAtHandler,
  SearchAuditLogHandler,
  DownloadRecordingMediaHandler,
  GetIceServersHandler,
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
      { provide: CommandRunner, useValue: runtime.commandRunner },
      { provide: USER_DIRECTORY, useValue: runtime.users },
      { provide: PASSWORD_HASHER, useValue: runtime.passwords },
      { provide: TOKEN_ISSUER, useValue: runtime.tokens },
      { provide: DEMO_ACCOUNTS, useValue: runtime.demoAccounts },
      { provide: ClientAddresses, useValue: runtime.clientAddresses },
      { provide: OUTAGE_DETECTOR, useValue: runtime.outages },
      { provide: RATE_LIMITER, useValue: runtime.rateLimiter },
      { provide: RATE_LIMIT_SETTINGS, useValue: runtime.rateLimits },
      { provide: SESSION_STORE, useValue: runtime.sessions.store },
      { provide: SESSION_STATUS, useValue: runtime.sessions.store },
      { provide: SESSION_SETTINGS, useValue: runtime.sessions.settings },
      { provide: CALL_POLICY, useValue: runtime.callPolicy },
      { provide: READ_MODEL_PROGRESS, useValue: runtime.readModelProgress },
      { provide: ProjectionMonitor, useValue: runtime.projections },
      { provide: CALL_READ_MODEL, useValue: runtime.callReadModel },
      { provide: RECORDING_STORAGE, useValue: runtime.recordings.storage },
      { provide: RECORDING_CRYPTO, useValue: runtime.recordings.crypto },
      { provide: RECORDING_SETTINGS, useValue: runtime.recordings.settings },
      { provide: RECORDING_UPLOAD_STORE, useValue: runtime.recordings.uploads },
      { provide: LEDGER_PUBLIC_KEY, useValue: runtime.ledgerTree.publicKey },
      { provide: LedgerAudit, useValue: runtime.ledger.audit },
      { provide: StreamVerifier, useValue: runtime.ledger.streams },
    ];
    return {
      module: AppModule,
      imports: [CqrsModule.forRoot(), TerminusModule],
      controllers: [
        AuthController,
        AdminUsersController,
        DirectoryController,
        CallsController,
        CallQueriesController,
        RecordingMediaController,
        RecordingUploadsController,
        StatsController,
        AuditController,
        LedgerKeyController,
        LedgerProofsController,
        HealthController,
        MetricsController,
        ...SIGNALING_CONTROLLERS,
      ],
      providers: [
        ...values,
        { provide: APP_GUARD, useClass: AuthGuard },
        CallCommands,
        LoginService,
        LoginThrottle,
        UserRateLimits,
        SessionService,
        SessionAudit,
        UserDeactivation,
        AccessAudit,
        AccessDenialAudit,
        AuditSearchAudit,
        CallVisibility,
        ResumableRecordingUploads,
        Freshness,
        ...CALL_COMMAND_HANDLERS,
        ...CALL_QUERY_HANDLERS,
        ...signalingProviders(runtime.signaling),
      ],
    };
  }
}
