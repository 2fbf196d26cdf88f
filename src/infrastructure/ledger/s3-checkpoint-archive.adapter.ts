import {
  GetObjectCommand,
  GetObjectLockConfigurationCommand,
  ListObjectsV2Command,
  NoSuchKey,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import type { CheckpointArchive } from '../../application/ports/ledger-tree.port.js';
import type { S3ClientSettings } from '../config/s3-client-config.js';
import {
  checkpointFileName,
  ConflictingCheckpointError,
  treeSizeOfFileName,
} from './checkpoint-file-name.js';

export interface S3CheckpointArchiveOptions {
  readonly bucket: string;
  /** Empty, or ending in `/`. */
  readonly prefix: string;
  readonly retentionDays: number;
  readonly client: S3ClientSettings;
}

const DAY_MS = 86_400_000;
/** Tree sizes are below 2^53: a search for the newest halves this range at most 53 times. */
const LARGEST_SIZE = Number.MAX_SAFE_INTEGER;

/**
 * Checkpoints as objects `<prefix><zero-padded size>.checkpoint` in an S3 bucket. When the bucket
 * has Object Lock enabled, each object is written in COMPLIANCE mode, retained for
 * CHECKPOINT_RETENTION_DAYS: nobody, not even the account's root, can delete or overwrite it
 * before then. A stored checkpoint is never replaced by a different note.
 */
export class S3CheckpointArchive implements CheckpointArchive {
  private readonly client: S3Client;
  private objectLock: Promise<boolean> | null = null;

  constructor(private readonly options: S3CheckpointArchiveOptions) {
    const { client } = options;
    this.client = new S3Client({
      region: client.region,
      forcePathStyle: client.forcePathStyle,
      ...(client.endpoint ? { endpoint: client.endpoint } : {}),
      ...(client.credentials ? { credentials: client.credentials } : {}),
    });
  }

  get location(): string {
    return `s3://${this.options.bucket}/${this.options.prefix}`;
  }

  async publish(treeSize: number, note: string): Promise<void> {
    const existing = await this.at(treeSize);
    if (existing !== null) {
      if (existing === note) return;
      throw new ConflictingCheckpointError(treeSize, this.location);
    }
    const locked = await this.objectLockEnabled();
    await this.client.send(
      new PutObjectCommand({
        Bucket: this.options.bucket,
        Key: this.key(treeSize),
        Body: note,
        ContentType: 'text/plain; charset=utf-8',
        ...(locked
          ? {
              ObjectLockMode: 'COMPLIANCE' as const,
              ObjectLockRetainUntilDate: new Date(Date.now() + this.options.retentionDays * DAY_MS),
            }
          : {}),
      }),
    );
  }

  async at(treeSize: number): Promise<string | null> {
    try {
      const response = await this.client.send(
        new GetObjectCommand({ Bucket: this.options.bucket, Key: this.key(treeSize) }),
      );
      return (await response.Body?.transformToString('utf8')) ?? null;
    } catch (error) {
      if (error instanceof NoSuchKey || httpStatus(error) === 404) return null;
      throw error;
    }
  }

  /**
   * S3 lists keys in ascending order only, so the newest is found by bisecting on sizes: "is
   * there a checkpoint after size n" is one request for at most one key.
   */
  async latest(): Promise<{ treeSize: number; note: string } | null> {
    let newest = await this.firstAfter(null);
    if (newest === null) return null;
    let high = LARGEST_SIZE;
    while (newest < high) {
      const middle = newest + Math.ceil((high - newest) / 2);
      const found = await this.firstAfter(middle - 1);
      if (found === null) high = middle - 1;
      else newest = found;
    }
    const note = await this.at(newest);
    return note === null ? null : { treeSize: newest, note };
  }

  /**
   * Pages go on from the last key seen (StartAfter), not from a continuation token, and ask for
   * whole pages: the keys after a size the ledger already has are few, so asking costs nothing.
   */
  async sizes(after: number | null, limit: number): Promise<readonly number[]> {
    const found: number[] = [];
    let startAfter = after === null ? undefined : this.key(after);
    for (;;) {
      const response = await this.client.send(
        new ListObjectsV2Command({
          Bucket: this.options.bucket,
          Prefix: this.options.prefix,
          MaxKeys: 1000,
          ...(startAfter !== undefined ? { StartAfter: startAfter } : {}),
        }),
      );
      const keys = (response.Contents ?? []).map((object) => object.Key ?? '');
      for (const key of keys) {
        const size = treeSizeOfFileName(key.slice(this.options.prefix.length));
        if (size !== null && (after === null || size > after)) found.push(size);
      }
      if (!response.IsTruncated || keys.length === 0 || found.length >= limit) break;
      startAfter = keys.at(-1);
    }
    return found.slice(0, limit);
  }

  close(): void {
    this.client.destroy();
  }

  /** The smallest archived size above `after` (any, when null), or null. */
  private async firstAfter(after: number | null): Promise<number | null> {
    const response = await this.client.send(
      new ListObjectsV2Command({
        Bucket: this.options.bucket,
        Prefix: this.options.prefix,
        MaxKeys: 10,
        ...(after !== null ? { StartAfter: this.key(after) } : {}),
      }),
    );
    for (const object of response.Contents ?? []) {
      const size = treeSizeOfFileName((object.Key ?? '').slice(this.options.prefix.length));
      if (size !== null && (after === null || size > after)) return size;
    }
    return null;
  }

  private objectLockEnabled(): Promise<boolean> {
    this.objectLock ??= this.client
      .send(new GetObjectLockConfigurationCommand({ Bucket: this.options.bucket }))
      .then((response) => response.ObjectLockConfiguration?.ObjectLockEnabled === 'Enabled')
      .catch((error: unknown) => {
        // A bucket without Object Lock answers with an error (404, or 501 where unsupported).
        if (
          [404, 501].includes(httpStatus(error) ?? 0) ||
          (error as Error).name === 'ObjectLockConfigurationNotFoundError'
        ) {
          return false;
        }
        // Asked again on the next publish: a passing failure must not turn retention off for good.
        this.objectLock = null;
        throw error;
      });
    return this.objectLock;
  }

  private key(treeSize: number): string {
    return `${this.options.prefix}${checkpointFileName(treeSize)}`;
  }
}

function httpStatus(error: unknown): number | undefined {
  return (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
}
