import path from 'node:path';
import { ConfigError } from './config-error.js';
import { bucketName, listEntries, text, type Env } from './env-values.js';
import { s3Client, type S3ClientSettings } from './s3-client-config.js';

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
  /** RECORDING_UPLOAD_PART_BYTES: the plaintext size of a resumable upload's parts. */
  readonly uploadPartBytes: number;
  /** RECORDING_UPLOAD_LEASE_SECONDS: how long a silent upload still blocks a second one. */
  readonly uploadLeaseSeconds: number;
  /**
   * The storage sweeper: every RECORDING_SWEEP_INTERVAL_SECONDS (0: never), objects and
   * unfinished writes older than RECORDING_SWEEP_DELAY_SECONDS that the ledger does not name
   * are removed, and the removal recorded.
   */
  readonly sweep: { readonly intervalSeconds: number; readonly delaySeconds: number };
}

/** The development key's file when no RECORDING_KEK is set: beside the embedded database. */
export const DEFAULT_RECORDING_KEK_FILE = '.data/recording-kek.local';

export function recordingKek(env: Env, production: boolean): RecordingsConfig['kek'] {
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
export function previousRecordingKeks(env: Env): Uint8Array[] {
  const raw = text(env, 'RECORDING_KEK_PREVIOUS');
  if (raw === undefined) return [];
  return listEntries(raw).map((part) => parseKek(part, 'RECORDING_KEK_PREVIOUS'));
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

export function recordingStorage(env: Env): RecordingsConfig['storage'] {
  const bucket = bucketName(env, 'S3_BUCKET');
  if (bucket === undefined) {
    return { kind: 'local', dir: text(env, 'RECORDINGS_DIR') ?? '.data/recordings' };
  }
  return { kind: 's3', bucket, ...s3Client(env) };
}
