import { isIP } from 'node:net';
import path from 'node:path';
import type { PresenceSettings } from '../../application/presence/presence-settings.js';
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

export const IDENTITY_PROVIDER_ALGORITHMS = ['RS256', 'ES256', 'EdDSA'] as const;
export type IdentityProviderAlgorithm = (typeof IDENTITY_PROVIDER_ALGORITHMS)[number];

export interface IdentityProviderConfig {
  readonly jwksUrl: string;
  readonly issuer: string;
  readonly audience: string;
  /** A non-empty subset of IDENTITY_PROVIDER_ALGORITHMS; nothing else is ever accepted. */
  readonly algorithms: readonly IdentityProviderAlgorithm[];
  /** The claim holding the role, a dotted path into nested objects (`realm_access.role`). */
  readonly roleClaim: string;
}

/** `none`: the socket's peer is the client; a hop count; or the addresses and CIDRs trusted. */
export type TrustProxySetting =
  | { readonly kind: 'none' }
  | { readonly kind: 'hops'; readonly hops: number }
  | { readonly kind: 'networks'; readonly networks: readonly TrustedNetwork[] };

export interface TrustedNetwork {
  readonly address: string;
  readonly prefix: number;
  readonly family: 'ipv4' | 'ipv6';
}

/** A number of hits allowed in a fixed window, counted in PostgreSQL (or Redis with REDIS_URL). */
export interface RateLimit {
  readonly limit: number;
  readonly windowSeconds: number;
}

export interface LimitsConfig {
  readonly loginPerAddress: RateLimit;
  readonly loginPerAccount: RateLimit;
  /** Password hashes computed at once, and how many more may wait (briefly) for a turn. */
  readonly passwordHashConcurrency: number;
  readonly passwordHashQueue: number;
  readonly callsPerUser: RateLimit;
  readonly mediaDownloadsPerUser: RateLimit;
  readonly qualityReportsPerUser: RateLimit;
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
  /**
   * The current key-encryption key: RECORDING_KEK, or (outside production only) a key generated
   * once into a file under the data directory and reused on every start.
   */
  readonly kek:
    | { readonly kind: 'inline'; readonly key: Uint8Array }
    | { readonly kind: 'file'; readonly path: string };
  /** RECORDING_KEK_PREVIOUS: older KEKs, kept so recordings they wrapped stay readable. */
  readonly previousKeks: readonly Uint8Array[];
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
    readonly problem: string,
  ) {
    super(`Invalid configuration: ${variable} ${problem}`);
    this.name = 'ConfigError';
  }
}

/**
 * Every problem of a configuration at once, so an operator fixes them in one go rather than one
 * restart at a time.
 */
export class ConfigRefusals extends ConfigError {
  constructor(readonly problems: readonly ConfigError[]) {
    const first = problems[0];
    if (first === undefined) throw new Error('ConfigRefusals needs at least one problem');
    super(first.variable, first.problem);
    this.name = 'ConfigRefusals';
    this.message =
      problems.length === 1
        ? first.message
        : [
            `Invalid configuration (${problems.length} problems):`,
            ...problems.map((each) => `  - ${each.variable} ${each.problem}`),
          ].join('\n');
  }
}

/** The problems of a ConfigError: itself, or each of the refusals it gathers. */
export function configProblems(error: ConfigError): readonly ConfigError[] {
  return error instanceof ConfigRefusals ? error.problems : [error];
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

/** Outside production (or with JWKS_URL, where tokens come from the identity provider) a missing secret is generated. */
function jwtSecret(
  env: Env,
  production: boolean,
  jwksMode: boolean,
): { secret: Uint8Array; generated: boolean } {
  const raw = text(env, 'JWT_SECRET');
  if (raw === undefined) {
    if (production && !jwksMode) {
      throw new ConfigError('JWT_SECRET', 'is required when NODE_ENV=production (unless JWKS_URL)');
    }
    return { secret: crypto.getRandomValues(new Uint8Array(32)), generated: true };
  }
  if (raw.length < 32) throw new ConfigError('JWT_SECRET', 'must be at least 32 characters');
  return { secret: new TextEncoder().encode(raw), generated: false };
}

/** The development key's file when no RECORDING_KEK is set: beside the embedded database. */
export const DEFAULT_RECORDING_KEK_FILE = '.data/recording-kek.local';

function recordingKek(env: Env, production: boolean): RecordingsConfig['kek'] {
  const raw = text(env, 'RECORDING_KEK');
  if (raw === undefined) {
    if (production) throw new ConfigError('RECORDING_KEK', 'is required when NODE_ENV=production');
    const embeddedDir = text(env, 'EMBEDDED_PG_DIR');
    return {
      kind: 'file',
      path:
        text(env, 'RECORDING_KEK_FILE') ??
        (embeddedDir === undefined
          ? DEFAULT_RECORDING_KEK_FILE
          : path.join(path.dirname(embeddedDir), 'recording-kek.local')),
    };
  }
  return { kind: 'inline', key: parseKek(raw, 'RECORDING_KEK') };
}

/** One key or a comma-separated list, each as RECORDING_KEK. */
function previousRecordingKeks(env: Env): Uint8Array[] {
  const raw = text(env, 'RECORDING_KEK_PREVIOUS');
  if (raw === undefined) return [];
  return raw
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '')
    .map((part) => parseKek(part, 'RECORDING_KEK_PREVIOUS'));
}

/** 32 bytes, as 64 hex digits or base64. */
function parseKek(raw: string, name: string): Uint8Array {
  const bytes = /^[0-9a-fA-F]{64}$/.test(raw)
    ? Buffer.from(raw, 'hex')
    : /^[A-Za-z0-9+/_-]{43}=?$/.test(raw)
      ? Buffer.from(raw, 'base64')
      : null;
  if (bytes === null || bytes.length !== 32) {
    throw new ConfigError(name, 'must be 32 bytes as 64 hex digits or base64');
  }
  return new Uint8Array(bytes);
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

type Attempt = <T>(read: () => T, fallback: T) => T;

function ledger(env: Env, production: boolean, attempt: Attempt): LedgerConfig {
  const origin = attempt(() => ledgerOrigin(env), FALLBACK_LEDGER.origin);
  return {
    origin,
    signingKey: attempt(
      () => ledgerSigningKey(env, production, origin),
      FALLBACK_LEDGER.signingKey,
    ),
    checkpointIntervalMs: attempt(
      () => integer(env, 'LEDGER_CHECKPOINT_INTERVAL_MS', 5000, 10, 3_600_000),
      FALLBACK_LEDGER.checkpointIntervalMs,
    ),
    archive: attempt(() => checkpointArchive(env), FALLBACK_LEDGER.archive),
  };
}

function identityProvider(env: Env): IdentityProviderConfig | null {
  const jwksUrl = url(env, 'JWKS_URL', ['https:', 'http:']);
  if (jwksUrl === undefined) return null;
  const parsed = new URL(jwksUrl);
  if (parsed.protocol === 'http:' && !isLoopbackHost(parsed.hostname)) {
    throw new ConfigError('JWKS_URL', 'must use https: (http: only on a loopback address)');
  }
  const issuer = text(env, 'JWT_ISSUER');
  const audience = text(env, 'JWT_AUDIENCE');
  if (issuer === undefined || audience === undefined) {
    const missing = [
      issuer === undefined ? 'JWT_ISSUER' : null,
      audience === undefined ? 'JWT_AUDIENCE' : null,
    ]
      .filter((name) => name !== null)
      .join(' and ');
    throw new ConfigError(
      missing,
      `${missing.includes(' and ') ? 'are' : 'is'} required with JWKS_URL`,
    );
  }
  const algorithms = (text(env, 'JWT_ALGORITHMS') ?? IDENTITY_PROVIDER_ALGORITHMS.join(','))
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  for (const algorithm of algorithms) {
    if (!(IDENTITY_PROVIDER_ALGORITHMS as readonly string[]).includes(algorithm)) {
      throw new ConfigError(
        'JWT_ALGORITHMS',
        `may list only ${IDENTITY_PROVIDER_ALGORITHMS.join(', ')}, got "${algorithm}"`,
      );
    }
  }
  if (algorithms.length === 0) {
    throw new ConfigError('JWT_ALGORITHMS', 'must name at least one algorithm');
  }
  const roleClaim = text(env, 'JWT_ROLE_CLAIM') ?? 'role';
  if (!/^[A-Za-z0-9_:/-]+(\.[A-Za-z0-9_:/-]+)*$/.test(roleClaim) || roleClaim.length > 200) {
    throw new ConfigError('JWT_ROLE_CLAIM', 'must be a claim name or a dotted path of claim names');
  }
  return {
    jwksUrl,
    issuer,
    audience,
    algorithms: [...new Set(algorithms)] as IdentityProviderAlgorithm[],
    roleClaim,
  };
}

const TRUST_PROXY_KEYWORDS: Readonly<Record<string, readonly string[]>> = {
  loopback: ['127.0.0.1/8', '::1/128'],
  linklocal: ['169.254.0.0/16', 'fe80::/10'],
  uniquelocal: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7'],
};

function trustedNetwork(entry: string): TrustedNetwork {
  const [address = '', prefixText, ...rest] = entry.split('/');
  const version = isIP(address);
  const family = version === 4 ? 'ipv4' : 'ipv6';
  const maxPrefix = version === 4 ? 32 : 128;
  const prefix = prefixText === undefined ? maxPrefix : Number(prefixText);
  if (
    version === 0 ||
    rest.length > 0 ||
    (prefixText !== undefined && !/^\d{1,3}$/.test(prefixText)) ||
    prefix > maxPrefix
  ) {
    throw new ConfigError(
      'TRUST_PROXY',
      `must be a hop count or comma-separated addresses/CIDRs (or loopback, linklocal, uniquelocal), got "${entry}"`,
    );
  }
  return { address, prefix, family };
}

function trustProxy(env: Env): TrustProxySetting {
  const raw = text(env, 'TRUST_PROXY');
  if (raw === undefined || raw.toLowerCase() === 'false') return { kind: 'none' };
  if (/^\d+$/.test(raw)) {
    const hops = integer(env, 'TRUST_PROXY', 0, 0, 100);
    return hops === 0 ? { kind: 'none' } : { kind: 'hops', hops };
  }
  const networks = raw
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '')
    .flatMap((entry) => TRUST_PROXY_KEYWORDS[entry.toLowerCase()] ?? [entry])
    .map(trustedNetwork);
  return { kind: 'networks', networks };
}

function rateLimit(env: Env, name: string, fallback: number, windowSeconds: number): RateLimit {
  return { limit: integer(env, name, fallback, 1, 1_000_000), windowSeconds };
}

function limits(env: Env): LimitsConfig {
  return {
    loginPerAddress: rateLimit(env, 'LOGIN_ATTEMPTS_PER_MINUTE', 10, 60),
    loginPerAccount: {
      limit: integer(env, 'LOGIN_ATTEMPTS_PER_ACCOUNT', 5, 1, 1_000_000),
      windowSeconds: integer(env, 'LOGIN_ACCOUNT_LOCKOUT_SECONDS', 900, 1, 86_400),
    },
    passwordHashConcurrency: integer(env, 'PASSWORD_HASH_CONCURRENCY', 4, 1, 256),
    passwordHashQueue: integer(env, 'PASSWORD_HASH_QUEUE', 32, 0, 100_000),
    callsPerUser: rateLimit(env, 'CALLS_PER_USER_PER_MINUTE', 30, 60),
    mediaDownloadsPerUser: rateLimit(env, 'MEDIA_DOWNLOADS_PER_USER_PER_MINUTE', 120, 60),
    qualityReportsPerUser: rateLimit(env, 'QUALITY_REPORTS_PER_USER_PER_MINUTE', 60, 60),
  };
}

/** The addresses only this machine reaches: where demo accounts may be on by default. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.toLowerCase().replace(/^\[(.*)\]$/, '$1');
  return (
    bare === 'localhost' ||
    bare === '::1' ||
    /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(bare) ||
    /^::ffff:127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(bare)
  );
}

/**
 * Demo accounts (an admin among them, with a published password) only where nobody else can reach
 * them: never in production, and elsewhere on a loopback address unless DEMO_USERS=true says so.
 */
function demoUsers(env: Env, production: boolean, host: string): boolean {
  const explicit = text(env, 'DEMO_USERS');
  if (explicit === undefined) return !production && isLoopbackHost(host);
  const on = flag(env, 'DEMO_USERS', false);
  if (on && production) {
    throw new ConfigError(
      'DEMO_USERS',
      'must not be true when NODE_ENV=production (demo accounts have a published password)',
    );
  }
  return on;
}

const FALLBACK_LEDGER: LedgerConfig = {
  origin: 'vytalwatch-call-ledger',
  signingKey: { kind: 'file', path: '.data/ledger-signing.key', generateIfMissing: false },
  checkpointIntervalMs: 5000,
  archive: { kind: 'directory', dir: '.data/checkpoints' },
};

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
  const generatedSecret = (): { secret: Uint8Array; generated: boolean } => ({
    secret: crypto.getRandomValues(new Uint8Array(32)),
    generated: true,
  });
  const secret = attempt(
    () => jwtSecret(env, production, text(env, 'JWKS_URL') !== undefined),
    generatedSecret(),
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
