import { ConfigError } from './config-error.js';
import { flag, text, url, type Env } from './env-values.js';

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

export function s3Client(env: Env): S3ClientSettings {
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
