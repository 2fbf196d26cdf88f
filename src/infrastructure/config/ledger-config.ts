import {
  isValidKeyName,
  parseSigningKey,
  type NoteSigningKey,
} from '../../application/ledger/signed-note.js';
import { ConfigError, type Attempt } from './config-error.js';
import { bucketName, integer, text, type Env } from './env-values.js';
import { s3Client, type S3ClientSettings } from './s3-client-config.js';

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

const FALLBACK_LEDGER: LedgerConfig = {
  origin: 'vytalwatch-call-ledger',
  signingKey: { kind: 'file', path: '.data/ledger-signing.key', generateIfMissing: false },
  checkpointIntervalMs: 5000,
  archive: { kind: 'directory', dir: '.data/checkpoints' },
};

/** Each ledger setting through `attempt`, so every one of their problems is reported. */
export function ledger(env: Env, production: boolean, attempt: Attempt): LedgerConfig {
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
