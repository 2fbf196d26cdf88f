import {
  isValidKeyName,
  parseSigningKey,
  type NoteSigningKey,
} from '../../application/ledger/signed-note.js';

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
    readonly tokenTtlSeconds: number;
    /** How long a login session lasts: its refresh tokens stop working after this. */
    readonly refreshTokenTtlSeconds: number;
    readonly loginAttemptsPerMinute: number;
  };
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
  readonly recordings: RecordingsConfig;
  readonly ledger: LedgerConfig;
  /** The built web client (web/dist), served at /; absent, the API runs alone. */
  readonly webClientDir: string;
}

/** How to reach S3 (S3_REGION, S3_ENDPOINT, ...), shared by recordings and checkpoints. */
export interface S3ClientSettings {
  readonly region: string;
  readonly endpoint: string | null;
  readonly forcePathStyle: boolean;
  readonly credentials: {
    readonly accessKeyId: string;
    readonly secretAccessKey: string;
  } | null;
}

export interface RecordingsConfig {
  /** RECORDINGS_DIR by default; S3 when S3_BUCKET is set. */
  readonly storage:
    | { readonly kind: 'local'; readonly dir: string }
    | ({ readonly kind: 's3'; readonly bucket: string } & S3ClientSettings);
  /** The key-encryption key (32 bytes); generated per process when absent outside production. */
  readonly kek: Uint8Array;
  readonly kekGenerated: boolean;
  readonly retentionDays: number;
  readonly maxBytes: number;
  /** A stopped recording with no upload after this long fails (`upload_timeout`). */
  readonly uploadTimeoutSeconds: number;
}

/** The Merkle tree's signed checkpoints (docs/architecture.md, "Ledger integrity"). */
export interface LedgerConfig {
  /** The checkpoints' origin line, and the signing key's name. */
  readonly origin: string;
  /**
   * LEDGER_SIGNING_KEY itself, or a 0600 file holding it: LEDGER_SIGNING_KEY_FILE, else (outside
   * production only) `.data/ledger-signing.key`, generated when missing.
   */
  readonly signingKey:
    | { readonly kind: 'inline'; readonly text: string }
    | { readonly kind: 'file'; readonly path: string; readonly generateIfMissing: boolean };
  /** A checkpoint is signed this long after the first event it commits (or after 1000 events). */
  readonly checkpointIntervalMs: number;
  /** The second place checkpoints go: CHECKPOINT_DIR, or S3 with CHECKPOINT_S3_BUCKET. */
  readonly archive:
    | { readonly kind: 'directory'; readonly dir: string }
    | {
        readonly kind: 's3';
        readonly bucket: string;
        /** Empty, or ending in `/`. */
        readonly prefix: string;
        /** Object Lock retention, applied when the bucket has Object Lock enabled. */
        readonly retentionDays: number;
        readonly client: S3ClientSettings;
      };
}

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    problem: string,
  ) {
    super(`Invalid configuration: ${variable} ${problem}`);
    this.name = 'ConfigError';
  }
}

type Env = Readonly<Record<string, string | undefined>>;

function text(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === '' ? undefined : value;
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = text(env, name);
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw)) throw new ConfigError(name, `must be a whole number, got "${raw}"`);
  const value = Number(raw);
  if (value < min || value > max) {
    throw new ConfigError(name, `must be between ${min} and ${max}, got ${value}`);
  }
  return value;
}

function flag(env: Env, name: string, fallback: boolean): boolean {
  const raw = text(env, name)?.toLowerCase();
  if (raw === undefined) return fallback;
  if (['true', '1', 'yes'].includes(raw)) return true;
  if (['false', '0', 'no'].includes(raw)) return false;
  throw new ConfigError(name, `must be true or false, got "${raw}"`);
}

function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const raw = text(env, name);
  if (raw === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(raw)) {
    throw new ConfigError(name, `must be one of ${allowed.join(', ')}, got "${raw}"`);
  }
  return raw as T;
}

function url(env: Env, name: string, protocols: readonly string[]): string | undefined {
  const raw = text(env, name);
  if (raw === undefined) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError(name, 'must be a URL');
  }
  if (!protocols.includes(parsed.protocol)) {
    throw new ConfigError(name, `must use ${protocols.join(' or ')}`);
  }
  return raw;
}

function urlList(env: Env, name: string, protocols: readonly string[]): string[] {
  const raw = text(env, name);
  if (raw === undefined) return [];
  return raw
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '')
    .map((entry) => {
      const scheme = entry.split(':')[0] ?? '';
      if (!protocols.includes(scheme)) {
        throw new ConfigError(name, `entries must start with ${protocols.join(' or ')}:`);
      }
      return entry;
    });
}

function redisKey(env: Env, name: string, fallback: string): string {
  const raw = text(env, name);
  if (raw === undefined) return fallback;
  if (!/^[A-Za-z0-9:._-]{1,100}$/.test(raw)) {
    throw new ConfigError(name, 'must be 1 to 100 letters, digits or : . _ -');
  }
  return raw;
}

function jwtSecret(env: Env, production: boolean): { secret: Uint8Array; generated: boolean } {
  const raw = text(env, 'JWT_SECRET');
  if (raw === undefined) {
    if (production) throw new ConfigError('JWT_SECRET', 'is required when NODE_ENV=production');
    return { secret: crypto.getRandomValues(new Uint8Array(32)), generated: true };
  }
  if (raw.length < 32) throw new ConfigError('JWT_SECRET', 'must be at least 32 characters');
  return { secret: new TextEncoder().encode(raw), generated: false };
}

/** 32 bytes, as 64 hex digits or base64. */
function recordingKek(env: Env, production: boolean): { kek: Uint8Array; generated: boolean } {
  const raw = text(env, 'RECORDING_KEK');
  if (raw === undefined) {
    if (production) throw new ConfigError('RECORDING_KEK', 'is required when NODE_ENV=production');
    return { kek: crypto.getRandomValues(new Uint8Array(32)), generated: true };
  }
  const bytes = /^[0-9a-fA-F]{64}$/.test(raw)
    ? Buffer.from(raw, 'hex')
    : /^[A-Za-z0-9+/_-]{43}=?$/.test(raw)
      ? Buffer.from(raw, 'base64')
      : null;
  if (bytes === null || bytes.length !== 32) {
    throw new ConfigError('RECORDING_KEK', 'must be 32 bytes as 64 hex digits or base64');
  }
  return { kek: new Uint8Array(bytes), generated: false };
}

function bucketName(env: Env, name: string): string | undefined {
  const bucket = text(env, name);
  if (bucket !== undefined && !/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) {
    throw new ConfigError(name, 'must be a valid bucket name');
  }
  return bucket;
}

function recordingStorage(env: Env): RecordingsConfig['storage'] {
  const bucket = bucketName(env, 'S3_BUCKET');
  if (bucket === undefined) {
    return { kind: 'local', dir: text(env, 'RECORDINGS_DIR') ?? '.data/recordings' };
  }
  return { kind: 's3', bucket, ...s3Client(env) };
}

function s3Client(env: Env): S3ClientSettings {
  const accessKeyId = text(env, 'S3_ACCESS_KEY_ID');
  const secretAccessKey = text(env, 'S3_SECRET_ACCESS_KEY');
  if ((accessKeyId === undefined) !== (secretAccessKey === undefined)) {
    throw new ConfigError('S3_SECRET_ACCESS_KEY', 'and S3_ACCESS_KEY_ID must be set together');
  }
  return {
    region: text(env, 'S3_REGION') ?? 'us-east-1',
    endpoint: url(env, 'S3_ENDPOINT', ['http:', 'https:']) ?? null,
    forcePathStyle: flag(env, 'S3_FORCE_PATH_STYLE', false),
    credentials:
      accessKeyId !== undefined && secretAccessKey !== undefined
        ? { accessKeyId, secretAccessKey }
        : null,
  };
}

function ledgerSigningKey(
  env: Env,
  production: boolean,
  origin: string,
): LedgerConfig['signingKey'] {
  const inline = text(env, 'LEDGER_SIGNING_KEY');
  const file = text(env, 'LEDGER_SIGNING_KEY_FILE');
  if (inline !== undefined && file !== undefined) {
    throw new ConfigError('LEDGER_SIGNING_KEY_FILE', 'and LEDGER_SIGNING_KEY are exclusive');
  }
  if (inline !== undefined) {
    let key: NoteSigningKey;
    try {
      key = parseSigningKey(inline);
    } catch {
      throw new ConfigError('LEDGER_SIGNING_KEY', 'must be an Ed25519 note key (PRIVATE+KEY+...)');
    }
    if (key.name !== origin) {
      throw new ConfigError('LEDGER_SIGNING_KEY', `must be named after LEDGER_ORIGIN (${origin})`);
    }
    return { kind: 'inline', text: inline };
  }
  if (file !== undefined) return { kind: 'file', path: file, generateIfMissing: !production };
  if (production) {
    throw new ConfigError(
      'LEDGER_SIGNING_KEY',
      '(or LEDGER_SIGNING_KEY_FILE) is required when NODE_ENV=production',
    );
  }
  return { kind: 'file', path: '.data/ledger-signing.key', generateIfMissing: true };
}

function ledgerOrigin(env: Env): string {
  const origin = text(env, 'LEDGER_ORIGIN') ?? 'vytalwatch-call-ledger';
  if (origin.length > 100 || !isValidKeyName(origin)) {
    throw new ConfigError('LEDGER_ORIGIN', 'must be up to 100 characters without spaces or +');
  }
  return origin;
}

function checkpointArchive(env: Env): LedgerConfig['archive'] {
  const bucket = bucketName(env, 'CHECKPOINT_S3_BUCKET');
  if (bucket === undefined) {
    return { kind: 'directory', dir: text(env, 'CHECKPOINT_DIR') ?? '.data/checkpoints' };
  }
  const prefix = text(env, 'CHECKPOINT_S3_PREFIX') ?? '';
  if (prefix.startsWith('/') || prefix.length > 500) {
    throw new ConfigError('CHECKPOINT_S3_PREFIX', 'must not start with / (at most 500 characters)');
  }
  return {
    kind: 's3',
    bucket,
    prefix: prefix === '' || prefix.endsWith('/') ? prefix : `${prefix}/`,
    retentionDays: integer(env, 'CHECKPOINT_RETENTION_DAYS', 2555, 1, 36500),
    client: s3Client(env),
  };
}

function ledger(env: Env, production: boolean): LedgerConfig {
  const origin = ledgerOrigin(env);
  return {
    origin,
    signingKey: ledgerSigningKey(env, production, origin),
    checkpointIntervalMs: integer(env, 'LEDGER_CHECKPOINT_INTERVAL_MS', 5000, 10, 3_600_000),
    archive: checkpointArchive(env),
  };
}

export function loadConfig(env: Env): AppConfig {
  const nodeEnv = oneOf(env, 'NODE_ENV', ['development', 'production', 'test'], 'development');
  const production = nodeEnv === 'production';
  const databaseUrl = url(env, 'DATABASE_URL', ['postgres:', 'postgresql:']);
  const databaseOwnerUrl = url(env, 'DATABASE_OWNER_URL', ['postgres:', 'postgresql:']) ?? null;
  if (databaseOwnerUrl !== null && databaseUrl === undefined) {
    throw new ConfigError(
      'DATABASE_OWNER_URL',
      'needs DATABASE_URL (the embedded server sets up its own roles)',
    );
  }
  const secret = jwtSecret(env, production);
  const kek = recordingKek(env, production);
  const ledgerConfig = ledger(env, production);
  const turnUrls = urlList(env, 'TURN_URLS', ['turn', 'turns']);
  const turnSecret = text(env, 'TURN_SECRET') ?? null;
  if (turnUrls.length > 0 && turnSecret === null) {
    throw new ConfigError('TURN_SECRET', 'is required when TURN_URLS is set');
  }
  return {
    nodeEnv,
    host: text(env, 'HOST') ?? (production ? '0.0.0.0' : '127.0.0.1'),
    port: integer(env, 'PORT', 3000, 0, 65535),
    logLevel: oneOf(
      env,
      'LOG_LEVEL',
      ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'],
      nodeEnv === 'test' ? 'silent' : 'info',
    ),
    logFormat: oneOf(
      env,
      'LOG_FORMAT',
      ['pretty', 'json'],
      nodeEnv === 'development' ? 'pretty' : 'json',
    ),
    database: databaseUrl
      ? { kind: 'external', url: databaseUrl, ownerUrl: databaseOwnerUrl }
      : {
          kind: 'embedded',
          dataDir: text(env, 'EMBEDDED_PG_DIR') ?? '.data/postgres',
          port: integer(env, 'EMBEDDED_PG_PORT', 54329, 1, 65535),
        },
    eventStoreConnectionString:
      url(env, 'EVENTSTORE_CONNECTION_STRING', ['esdb:', 'esdb+discover:', 'kurrentdb:']) ?? null,
    redisUrl: url(env, 'REDIS_URL', ['redis:', 'rediss:']) ?? null,
    auth: {
      jwtSecret: secret.secret,
      jwtSecretGenerated: secret.generated,
      jwksUrl: url(env, 'JWKS_URL', ['https:', 'http:']) ?? null,
      tokenTtlSeconds: integer(env, 'JWT_TTL_SECONDS', 900, 60, 86400),
      refreshTokenTtlSeconds: integer(env, 'REFRESH_TOKEN_TTL_SECONDS', 12 * 3600, 60, 30 * 86400),
      loginAttemptsPerMinute: integer(env, 'LOGIN_ATTEMPTS_PER_MINUTE', 10, 1, 10000),
    },
    demoUsers: flag(env, 'DEMO_USERS', !production),
    calls: {
      ringTimeoutSeconds: integer(env, 'RING_TIMEOUT_SECONDS', 60, 1, 3600),
      reconnectGraceSeconds: integer(env, 'RECONNECT_GRACE_SECONDS', 30, 1, 3600),
      patientsMayInitiate: flag(env, 'PATIENTS_MAY_INITIATE', false),
    },
    ice: {
      stunUrls: urlList(env, 'STUN_URLS', ['stun', 'stuns']),
      turnUrls,
      turnSecret,
      turnTtlSeconds: integer(env, 'TURN_TTL_SECONDS', 600, 60, 86400),
      transportPolicy: oneOf(env, 'ICE_TRANSPORT_POLICY', ['all', 'relay'], 'all'),
    },
    signaling: {
      rateLimitPerSecond: integer(env, 'SIGNALING_RATE_LIMIT_PER_SECOND', 50, 1, 1_000_000),
      rateLimitBurst: integer(env, 'SIGNALING_RATE_LIMIT_BURST', 100, 1, 1_000_000),
      qualityReportIntervalSeconds: integer(env, 'QUALITY_REPORT_INTERVAL_SECONDS', 10, 1, 3600),
      redisStreamName: redisKey(env, 'SIGNALING_REDIS_STREAM', 'vytalwatch:signaling'),
    },
    recordings: {
      storage: recordingStorage(env),
      kek: kek.kek,
      kekGenerated: kek.generated,
      retentionDays: integer(env, 'RECORDING_RETENTION_DAYS', 2555, 1, 36500),
      maxBytes: integer(env, 'RECORDING_MAX_BYTES', 2 * 1024 ** 3, 1, 1024 ** 4),
      uploadTimeoutSeconds: integer(env, 'RECORDING_UPLOAD_TIMEOUT_SECONDS', 3600, 1, 7 * 86400),
    },
    ledger: ledgerConfig,
    webClientDir: text(env, 'WEB_CLIENT_DIR') ?? 'web/dist',
  };
}
