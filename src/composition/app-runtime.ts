import { CommandRunner } from '../application/command-runner.js';
import type { Knex } from 'knex';
import type { RecordingUploadStore } from '../application/ports/recording-upload-store.port.js';
import type { Logger } from 'pino';
import type pg from 'pg';
import type { DemoAccounts } from '../application/auth/demo-accounts.js';
import type { SessionSettings } from '../application/auth/session-settings.js';
import { CheckpointPublisher } from '../application/ledger/checkpoint-publisher.js';
import { ledgerPublicKey, type LedgerPublicKey } from '../application/ledger/ledger-public-key.js';
import type { NoteSigningKey } from '../application/ledger/signed-note.js';
import type { CallPolicy } from '../application/call/call-policy.js';
import type { CallReadModel } from '../application/ports/call-read-model.port.js';
import type { Clock } from '../application/ports/clock.port.js';
import type { EventStore } from '../application/ports/event-store.port.js';
import type { CheckpointArchive } from '../application/ports/ledger-tree.port.js';
import type { IdGenerator } from '../application/ports/id-generator.port.js';
import type { PasswordHasher } from '../application/ports/password-hasher.port.js';
import type { ReadModelProgress } from '../application/ports/read-model-progress.port.js';
import type { RecordingCrypto } from '../application/ports/recording-crypto.port.js';
import type { RecordingStorage } from '../application/ports/recording-storage.port.js';
import type { TimerStore } from '../application/ports/timer-store.port.js';
import type { TokenIssuer } from '../application/ports/token-issuer.port.js';
import type { UserDirectory } from '../application/ports/user-directory.port.js';
import type { RecordingSettings } from '../application/recording/recording-settings.js';
import { Argon2PasswordHasher } from '../infrastructure/auth/argon2-password-hasher.adapter.js';
import { BoundedPasswordHasher } from '../infrastructure/auth/bounded-password-hasher.js';
import { openRateLimiter } from '../infrastructure/rate-limits/open-rate-limiter.js';
import type { RateLimiter } from '../application/ports/rate-limiter.port.js';
import type { RateLimitSettings } from '../application/rate-limits/rate-limit-settings.js';
import { JoseTokenIssuer } from '../infrastructure/auth/jose-token-issuer.adapter.js';
import { PostgresSessionStore } from '../infrastructure/auth/postgres-session-store.adapter.js';
import type { SessionStore } from '../application/ports/session-store.port.js';
import type { AppConfig } from '../infrastructure/config/app-config.js';
import { isLoopbackHost } from '../infrastructure/config/env-values.js';
import { openRecordingCrypto } from '../infrastructure/crypto/open-recording-crypto.js';
import { PostgresFeedStatistics } from '../infrastructure/event-store/postgres/postgres-feed-statistics.js';
import { HmacTurnCredentials } from '../infrastructure/ice/hmac-turn-credentials.adapter.js';
import { KnexLiveCallFinder } from '../infrastructure/ice/knex-live-call-finder.adapter.js';
import { loadLedgerSigningKey } from '../infrastructure/ledger/ledger-signing-key.js';
import { openCheckpointArchive } from '../infrastructure/ledger/open-checkpoint-archive.js';
import { messageLogger } from '../infrastructure/observability/logger.js';
import type { PrometheusMetrics } from '../infrastructure/observability/prometheus-metrics.adapter.js';
import { KnexCallReadModel } from '../infrastructure/read-models/knex-call-read-model.adapter.js';
import { openRecordingStorage } from '../infrastructure/storage/open-recording-storage.js';
import type { CleanupStack } from '../infrastructure/system/cleanup-stack.js';
import { RandomIdGenerator } from '../infrastructure/system/random-id-generator.adapter.js';
import { SystemClock } from '../infrastructure/system/system-clock.adapter.js';
import { PostgresTimerStore } from '../infrastructure/timers/postgres-timer-store.adapter.js';
import { PostgresRecordingUploadStore } from '../infrastructure/uploads/postgres-recording-upload-store.adapter.js';
import { PostgresPresenceLeases } from '../infrastructure/presence/postgres-presence-leases.adapter.js';
import { KnexUserDirectory } from '../infrastructure/users/knex-user-directory.adapter.js';
import {
  DEMO_PASSWORD,
  DEMO_USERS,
  disableDemoUsers,
  seedDemoUsers,
} from '../infrastructure/users/demo-users.js';
import { ClientAddresses } from '../interfaces/http/client-addresses.js';
import type { SignalingRuntime } from '../interfaces/ws/signaling.providers.js';
import { AUDIT_LOG_PROJECTION } from '../projections/audit-log.projection.js';
import { CALL_READ_MODELS_PROJECTION } from '../projections/call-read-models.projection.js';
import type { ProjectionMonitor } from '../projections/projection-monitor.js';
import { RunnerReadModelProgress } from '../projections/read-model-progress.js';
import { startReadModelRunners } from '../projections/read-model-runners.js';
import type { Resources } from '../resources.js';
import { buildLedgerIntegrity, type LedgerIntegrity } from './ledger-integrity.js';
import type { OutageDetector } from '../application/ports/outage-detector.port.js';
import { PostgresOutageDetector } from '../infrastructure/postgres/postgres-outage-detector.adapter.js';
import { SocketNotifications } from './socket-notifications.js';

/** Every adapter of one instance, built here and nowhere else, then handed to Nest as values. */
export interface AppRuntime {
  readonly knex: Knex;
  readonly pool: pg.Pool;
  readonly eventStore: EventStore;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly metrics: PrometheusMetrics;
  /** The one path that runs commands and appends to the ledger. */
  readonly commandRunner: CommandRunner;
  readonly users: UserDirectory;
  readonly passwords: PasswordHasher;
  readonly tokens: TokenIssuer;
  /** Login sessions: the store behind login, refresh and logout, and every token's status. */
  readonly sessions: {
    readonly store: PostgresSessionStore;
    readonly settings: SessionSettings;
  };
  readonly callPolicy: CallPolicy;
  readonly callReadModel: CallReadModel;
  readonly readModelProgress: ReadModelProgress;
  /** The read-model runners: `lag()` for /health and /metrics, `waitFor()` for read-your-writes. */
  readonly projections: ProjectionMonitor;
  readonly timerStore: TimerStore;
  /** Drives socket notifications from the ledger once the gateway exists to emit them. */
  readonly notifier: SocketNotifications;
  /** Who the client is behind the trusted proxies: rate limits and the ledger's origin. */
  readonly clientAddresses: ClientAddresses;
  /** Which failures mean "try again shortly" (the database restarting) to the API's callers. */
  readonly outages: OutageDetector;
  /** Login and per-user limits, shared by every instance (PostgreSQL, or Redis when set). */
  readonly rateLimiter: RateLimiter;
  readonly rateLimits: RateLimitSettings;
  readonly demoAccounts: DemoAccounts;
  /** The socket.io gateway's settings and what GET /webrtc/ice-servers answers with. */
  readonly signaling: SignalingRuntime;
  /** Where sealed recordings live, how they are sealed, and the limits from configuration. */
  /** The ledger's tree read, proven and verified (proofs, timelines' integrity, evidence). */
  readonly ledger: LedgerIntegrity;
  readonly recordings: {
    readonly storage: RecordingStorage;
    readonly crypto: RecordingCrypto;
    readonly settings: RecordingSettings;
    /** Uploads in progress: the one-per-recording lock and the parts received. */
    readonly uploads: RecordingUploadStore;
    /** How often the storage sweeper runs, and how old an unreferenced object must be. */
    readonly sweep: { readonly intervalSeconds: number; readonly delaySeconds: number };
  };
  /** What the ledger-tree projection signs with and publishes to. */
  readonly ledgerTree: {
    readonly origin: string;
    readonly signingKey: NoteSigningKey;
    readonly publicKey: LedgerPublicKey;
    readonly checkpointIntervalMs: number;
    readonly archive: CheckpointArchive;
    readonly publisher: CheckpointPublisher;
  };
}

/** A login waits at most this long for a turn at the password hasher before 503 AUTH.BUSY. */
const PASSWORD_HASH_MAX_WAIT_MS = 2_000;

/**
 * Builds the adapters on top of the open connections and starts the read-model runners. What
 * needs closing is pushed on `cleanup`.
 */
export async function buildAppRuntime(
  config: AppConfig,
  resources: Resources,
  cleanup: CleanupStack,
  logger: Logger,
  clock: Clock = new SystemClock(),
): Promise<AppRuntime> {
  const { pool, knex, eventStore, metrics } = resources;
  const users = new KnexUserDirectory(knex);
  const passwords = new BoundedPasswordHasher(new Argon2PasswordHasher(), {
    concurrency: config.limits.passwordHashConcurrency,
    queue: config.limits.passwordHashQueue,
    maxWaitMs: PASSWORD_HASH_MAX_WAIT_MS,
  });
  const rateLimiter = await openRateLimiter(
    knex,
    config.redisUrl === null
      ? null
      : { url: config.redisUrl, keyPrefix: `${config.signaling.redisStreamName}:rate-limit:` },
  );
  cleanup.push(() => rateLimiter.close());
  // Wall-clock time, as for the access tokens' expiry: a test's hand-moved clock must not end (or
  // prolong) sessions.
  const sessionStore = new PostgresSessionStore(knex, new SystemClock());
  await applyDemoMode(config, knex, passwords, sessionStore, logger);
  if (config.auth.jwtSecretGenerated) {
    logger.warn('JWT_SECRET is not set: tokens are signed with a per-process key and die with it');
  }
  const recordingCrypto = openRecordingCrypto(config.recordings);
  if (recordingCrypto.localKey?.generated === true) {
    logger.warn('RECORDING_KEK is not set: generated a local recording key beside the data');
  } else if (recordingCrypto.localKey !== null) {
    logger.warn('RECORDING_KEK is not set: using the local recording key beside the data');
  }
  const recordingStorage = await openRecordingStorage(config.recordings.storage);
  cleanup.push(() => recordingStorage.close());
  const signing = loadLedgerSigningKey(config.ledger);
  const publicKey = ledgerPublicKey(signing.key, config.ledger.origin);
  if (signing.generated) {
    logger.warn('LEDGER_SIGNING_KEY is not set: checkpoints are signed with a generated local key');
  }
  const checkpointArchive = openCheckpointArchive(config.ledger.archive);
  cleanup.push(() => checkpointArchive.close());
  const publisher = new CheckpointPublisher(checkpointArchive.archive, messageLogger(logger));
  cleanup.push(() => publisher.close());
  // The read models (calls & co., the audit log): a runner each, and their lag for /metrics.
  const readModels = startReadModelRunners({
    store: eventStore,
    knex,
    pool,
    logger: messageLogger(logger),
    metrics,
    feed: config.eventStoreConnectionString === null ? new PostgresFeedStatistics(knex) : null,
  });
  cleanup.push(() => readModels.stop());
  const { ice } = config;
  const ids = new RandomIdGenerator();
  return {
    knex,
    pool,
    eventStore,
    clock,
    ids,
    metrics,
    commandRunner: new CommandRunner(eventStore, clock, ids, metrics),
    users,
    passwords,
    tokens: new JoseTokenIssuer({
      secret: config.auth.jwtSecret,
      ttlSeconds: config.auth.tokenTtlSeconds,
      identityProvider: config.auth.identityProvider,
    }),
    sessions: {
      store: sessionStore,
      settings: { refreshTokenTtlSeconds: config.auth.refreshTokenTtlSeconds },
    },
    callPolicy: config.calls,
    callReadModel: new KnexCallReadModel(knex),
    // Queries wait on the runner of the read model they read, for read-your-writes.
    readModelProgress: new RunnerReadModelProgress({
      calls: [readModels.runner(CALL_READ_MODELS_PROJECTION)],
      audit: [readModels.runner(AUDIT_LOG_PROJECTION)],
    }),
    projections: readModels.monitor,
    timerStore: new PostgresTimerStore(knex),
    ledger: buildLedgerIntegrity(
      pool,
      eventStore,
      resources.ledgerLookup,
      publicKey,
      checkpointArchive.archive,
    ),
    notifier: new SocketNotifications({
      store: eventStore,
      knex,
      lockPool: pool,
      logger: messageLogger(logger),
    }),
    clientAddresses: new ClientAddresses(config.trustProxy),
    outages: new PostgresOutageDetector(),
    rateLimiter: rateLimiter.limiter,
    rateLimits: config.limits,
    demoAccounts: config.demoUsers
      ? {
          password: DEMO_PASSWORD,
          users: DEMO_USERS.map(({ email, role, displayName }) => ({ email, role, displayName })),
        }
      : { password: null, users: [] },
    signaling: {
      settings: { ...config.signaling, clustered: config.redisUrl !== null },
      iceServers: {
        settings: ice,
        turnCredentials: new HmacTurnCredentials(ice.turnSecret, ice.turnTtlSeconds, clock),
        liveCalls: new KnexLiveCallFinder(knex),
      },
      presence: {
        leases: new PostgresPresenceLeases(knex),
        settings: config.presence,
        instanceId: ids.newId(),
        logger: messageLogger(logger),
      },
    },
    recordings: {
      storage: recordingStorage.storage,
      crypto: recordingCrypto.crypto,
      settings: {
        maxBytes: config.recordings.maxBytes,
        retentionDays: config.recordings.retentionDays,
        partBytes: config.recordings.uploadPartBytes,
        uploadLeaseSeconds: config.recordings.uploadLeaseSeconds,
      },
      uploads: new PostgresRecordingUploadStore(knex),
      sweep: config.recordings.sweep,
    },
    ledgerTree: {
      origin: config.ledger.origin,
      signingKey: signing.key,
      publicKey,
      checkpointIntervalMs: config.ledger.checkpointIntervalMs,
      archive: checkpointArchive.archive,
      publisher,
    },
  };
}

/** Demo accounts exist, with their published password, only while demo mode is on. */
async function applyDemoMode(
  config: AppConfig,
  knex: Knex,
  passwords: PasswordHasher,
  sessions: SessionStore,
  logger: Logger,
): Promise<void> {
  if (!config.demoUsers) {
    const disabled = await disableDemoUsers(knex);
    // A session opened while demo mode was on must not outlive it.
    let sessionsEnded = 0;
    for (const user of DEMO_USERS) {
      sessionsEnded += (await sessions.endAllOfUser(user.id, 'deactivated')).length;
    }
    if (disabled > 0 || sessionsEnded > 0) {
      logger.warn({ disabled, sessionsEnded }, 'demo mode is off: demo accounts disabled');
    }
    return;
  }
  await seedDemoUsers(knex, passwords);
  if (!isLoopbackHost(config.host)) {
    logger.warn(
      'DEMO_USERS=true on a non-loopback address: anyone reaching it can log in as admin',
    );
  }
}
