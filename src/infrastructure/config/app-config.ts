import type { PresenceSettings } from '../../application/presence/presence-settings.js';
import { ConfigError, ConfigRefusals } from './config-error.js';
import { demoUsers } from './demo-users-config.js';
import { flag, integer, oneOf, redisKey, text, url, urlList, type Env } from './env-values.js';
import { identityProvider, type IdentityProviderConfig } from './identity-provider-config.js';
import { generatedJwtSecret, jwtSecret } from './jwt-secret-config.js';
import { ledger, type LedgerConfig } from './ledger-config.js';
import { limits, type LimitsConfig } from './rate-limits-config.js';
import {
  DEFAULT_RECORDING_KEK_FILE,
  previousRecordingKeks,
  recordingKek,
  recordingStorage,
  type RecordingsConfig,
} from './recordings-config.js';
import { trustProxy, type TrustProxySetting } from './trust-proxy-config.js';

/**
 * The whole configuration, validated once at start-up. Nothing else reads `process.env`.
 * A bad or missing value stops start-up with a message naming the variable.
 */
export interface AppConfig {
  readonly nodeEnv: 'development' | 'production' | 'test';
  readonly host: string;
  readonly port: number;
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** `pretty` (readable lines) in development, `json` (one object a line) elsewhere. */
  readonly logFormat: 'pretty' | 'json';
  readonly database:
    | {
        readonly kind: 'external';
        /** The service's connection: its role only reads the ledger and appends through ledger_append. */
        readonly url: string;
        /** The owner's connection, for migrations; null when the service's role migrates itself. */
        readonly ownerUrl: string | null;
      }
    | { readonly kind: 'embedded'; readonly dataDir: string; readonly port: number };
  readonly eventStoreConnectionString: string | null;
  readonly redisUrl: string | null;
  readonly auth: {
    /** HS256 secret; generated per process when absent outside production. */
    readonly jwtSecret: Uint8Array;
    readonly jwtSecretGenerated: boolean;
    readonly jwksUrl: string | null;
    /** With JWKS_URL: how tokens of the identity provider are checked; null without it. */
    readonly identityProvider: IdentityProviderConfig | null;
    readonly tokenTtlSeconds: number;
    /** How long a login session lasts: its refresh tokens stop working after this. */
    readonly refreshTokenTtlSeconds: number;
    readonly loginAttemptsPerMinute: number;
  };
  /** Which peers may tell the client's address (X-Forwarded-For); none by default. */
  readonly trustProxy: TrustProxySetting;
  readonly limits: LimitsConfig;
  readonly demoUsers: boolean;
  readonly calls: {
    readonly ringTimeoutSeconds: number;
    readonly reconnectGraceSeconds: number;
    readonly patientsMayInitiate: boolean;
  };
  readonly ice: {
    readonly stunUrls: readonly string[];
    readonly turnUrls: readonly string[];
    readonly turnSecret: string | null;
    readonly turnTtlSeconds: number;
    /** `relay` makes browsers use TURN only (hides their addresses from each other). */
    readonly transportPolicy: 'all' | 'relay';
  };
  readonly signaling: {
    /** Per socket: sustained messages per second, and the burst allowed on top. */
    readonly rateLimitPerSecond: number;
    readonly rateLimitBurst: number;
    /** Clients report quality this often; silent for 3 intervals, they are asked. */
    readonly qualityReportIntervalSeconds: number;
    /** The Redis stream (and key prefix) of the socket.io scale-out, with REDIS_URL. */
    readonly redisStreamName: string;
  };
  /** Presence leases: how long one lasts, and how often instances renew and sweep them. */
  readonly presence: PresenceSettings;
  readonly recordings: RecordingsConfig;
  readonly ledger: LedgerConfig;
  /** The built web client (web/dist), served at /; absent, the API runs alone. */
  readonly webClientDir: string;
}

/**
 * Reads every setting, gathering every problem rather than stopping at the first; a setting with a
 * problem takes its default so the rest can still be checked. `problems` empty means `config` is
 * the one to run with.
 */
export function readConfig(env: Env): { config: AppConfig; problems: ConfigError[] } {
  const problems: ConfigError[] = [];
  const attempt = <T>(read: () => T, fallback: T): T => {
    try {
      return read();
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      problems.push(error);
      return fallback;
    }
  };
  const nodeEnv = attempt<AppConfig['nodeEnv']>(
    () => oneOf(env, 'NODE_ENV', ['development', 'production', 'test'], 'development'),
    // Start-up stops anyway; production's refusals would only confuse the report.
    'development',
  );
  const production = nodeEnv === 'production';
  const databaseUrl = attempt(() => url(env, 'DATABASE_URL', ['postgres:', 'postgresql:']), null);
  const databaseOwnerUrl = attempt(
    () => url(env, 'DATABASE_OWNER_URL', ['postgres:', 'postgresql:']) ?? null,
    null,
  );
  if (databaseOwnerUrl !== null && text(env, 'DATABASE_URL') === undefined) {
    problems.push(
      new ConfigError(
        'DATABASE_OWNER_URL',
        'needs DATABASE_URL (the embedded server sets up its own roles)',
      ),
    );
  }
  if (production && text(env, 'DATABASE_URL') === undefined) {
    problems.push(
      new ConfigError(
        'DATABASE_URL',
        'is required when NODE_ENV=production (the embedded PostgreSQL is for development only)',
      ),
    );
  }
  const idp = attempt(() => identityProvider(env), null);
  const limitsConfig = attempt(() => limits(env), limits({}));
  const secret = attempt(
    () => jwtSecret(env, production, text(env, 'JWKS_URL') !== undefined),
    generatedJwtSecret(),
  );
  const kek = attempt<RecordingsConfig['kek']>(() => recordingKek(env, production), {
    kind: 'file',
    path: DEFAULT_RECORDING_KEK_FILE,
  });
  const previousKeks = attempt(() => previousRecordingKeks(env), []);
  const ledgerConfig = ledger(env, production, attempt);
  const turnUrls = attempt(() => urlList(env, 'TURN_URLS', ['turn', 'turns']), []);
  const turnSecret = text(env, 'TURN_SECRET') ?? null;
  if (turnUrls.length > 0 && turnSecret === null) {
    problems.push(new ConfigError('TURN_SECRET', 'is required when TURN_URLS is set'));
  }
  const host = text(env, 'HOST') ?? (production ? '0.0.0.0' : '127.0.0.1');
  const int = (name: string, fallback: number, min: number, max: number): number =>
    attempt(() => integer(env, name, fallback, min, max), fallback);
  const presence: PresenceSettings = {
    leaseSeconds: int('PRESENCE_LEASE_SECONDS', 30, 2, 3600),
    renewSeconds: int('PRESENCE_LEASE_RENEW_SECONDS', 10, 1, 3600),
  };
  if (presence.renewSeconds >= presence.leaseSeconds) {
    problems.push(
      new ConfigError(
        'PRESENCE_LEASE_RENEW_SECONDS',
        'must be less than PRESENCE_LEASE_SECONDS, or live leases would expire between renewals',
      ),
    );
  }
  const config: AppConfig = {
    nodeEnv,
    host,
    port: int('PORT', 3000, 0, 65535),
    logLevel: attempt<AppConfig['logLevel']>(
      () =>
        oneOf(
          env,
          'LOG_LEVEL',
          ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'],
          nodeEnv === 'test' ? 'silent' : 'info',
        ),
      'info',
    ),
    logFormat: attempt<AppConfig['logFormat']>(
      () =>
        oneOf(env, 'LOG_FORMAT', ['pretty', 'json'], nodeEnv === 'development' ? 'pretty' : 'json'),
      'json',
    ),
    database: databaseUrl
      ? { kind: 'external', url: databaseUrl, ownerUrl: databaseOwnerUrl }
      : {
          kind: 'embedded',
          dataDir: text(env, 'EMBEDDED_PG_DIR') ?? '.data/postgres',
          port: int('EMBEDDED_PG_PORT', 54329, 1, 65535),
        },
    eventStoreConnectionString: attempt(
      () =>
        url(env, 'EVENTSTORE_CONNECTION_STRING', ['esdb:', 'esdb+discover:', 'kurrentdb:']) ?? null,
      null,
    ),
    redisUrl: attempt(() => url(env, 'REDIS_URL', ['redis:', 'rediss:']) ?? null, null),
    auth: {
      jwtSecret: secret.secret,
      jwtSecretGenerated: secret.generated,
      jwksUrl: idp?.jwksUrl ?? null,
      identityProvider: idp,
      tokenTtlSeconds: int('JWT_TTL_SECONDS', 900, 1, 86400),
      refreshTokenTtlSeconds: int('REFRESH_TOKEN_TTL_SECONDS', 12 * 3600, 60, 30 * 86400),
      loginAttemptsPerMinute: limitsConfig.loginPerAddress.limit,
    },
    trustProxy: attempt<TrustProxySetting>(() => trustProxy(env), { kind: 'none' }),
    limits: limitsConfig,
    demoUsers: attempt(() => demoUsers(env, production, host), false),
    calls: {
      ringTimeoutSeconds: int('RING_TIMEOUT_SECONDS', 60, 1, 3600),
      reconnectGraceSeconds: int('RECONNECT_GRACE_SECONDS', 30, 1, 3600),
      patientsMayInitiate: attempt(() => flag(env, 'PATIENTS_MAY_INITIATE', false), false),
    },
    ice: {
      stunUrls: attempt(() => urlList(env, 'STUN_URLS', ['stun', 'stuns']), []),
      turnUrls,
      turnSecret,
      turnTtlSeconds: int('TURN_TTL_SECONDS', 600, 60, 86400),
      transportPolicy: attempt<AppConfig['ice']['transportPolicy']>(
        () => oneOf(env, 'ICE_TRANSPORT_POLICY', ['all', 'relay'], 'all'),
        'all',
      ),
    },
    signaling: {
      rateLimitPerSecond: int('SIGNALING_RATE_LIMIT_PER_SECOND', 50, 1, 1_000_000),
      rateLimitBurst: int('SIGNALING_RATE_LIMIT_BURST', 100, 1, 1_000_000),
      qualityReportIntervalSeconds: int('QUALITY_REPORT_INTERVAL_SECONDS', 10, 1, 3600),
      redisStreamName: attempt(
        () => redisKey(env, 'SIGNALING_REDIS_STREAM', 'vytalwatch:signaling'),
        'vytalwatch:signaling',
      ),
    },
    presence,
    recordings: {
      storage: attempt<RecordingsConfig['storage']>(() => recordingStorage(env), {
        kind: 'local',
        dir: '.data/recordings',
      }),
      kek,
      previousKeks,
      retentionDays: int('RECORDING_RETENTION_DAYS', 2555, 1, 36500),
      maxBytes: int('RECORDING_MAX_BYTES', 2 * 1024 ** 3, 1, 1024 ** 4),
      uploadTimeoutSeconds: int('RECORDING_UPLOAD_TIMEOUT_SECONDS', 3600, 1, 7 * 86400),
      uploadPartBytes: int('RECORDING_UPLOAD_PART_BYTES', 8 * 1024 ** 2, 1024, 256 * 1024 ** 2),
      uploadLeaseSeconds: int('RECORDING_UPLOAD_LEASE_SECONDS', 600, 5, 86400),
      sweep: {
        intervalSeconds: int('RECORDING_SWEEP_INTERVAL_SECONDS', 3600, 0, 7 * 86400),
        delaySeconds: int('RECORDING_SWEEP_DELAY_SECONDS', 86400, 60, 30 * 86400),
      },
    },
    ledger: ledgerConfig,
    webClientDir: text(env, 'WEB_CLIENT_DIR') ?? 'web/dist',
  };
  return { config, problems };
}

/** The configuration, or a ConfigError naming every variable with a problem. */
export function loadConfig(env: Env): AppConfig {
  const { config, problems } = readConfig(env);
  if (problems.length > 0) throw new ConfigRefusals(problems);
  return config;
}
