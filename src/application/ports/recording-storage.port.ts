import type { Readable } from 'node:stream';

export const RECORDING_STORAGE = Symbol('RECORDING_STORAGE');

/**
 * Where sealed (already encrypted) recordings live. Keys are relative paths of lowercase letters,
 * digits and `/ _ . -`. Adapters: a local directory and S3; one contract suite covers both.
 */
export interface RecordingStorage {
  /**
   * Streams `body` into a new object at `key` without holding it whole in memory. Resolves once
   * the object is stored; if the body or the write fails, nothing is left at `key`.
   */
  put(key: string, body: Readable): Promise<{ readonly sizeBytes: number }>;
  /**
   * The stored bytes as a stream, from byte `start` (default 0) to the end;
   * RecordingObjectNotFoundError if there is no such object.
   */
  get(key: string, options?: { readonly start?: number }): Promise<Readable>;
  /** Idempotent: deleting a missing object is fine. */
  delete(key: string): Promise<void>;
  exists(key: string): Promise<boolean>;
  /** Every stored object whose key starts with `prefix` (`''` for all), page by page. */
  list(prefix: string): AsyncIterable<StoredObject>;
  /**
   * Writes that began and never finished, e.g. a `put` cut by a crash: the local adapter's
   * temporary files, S3's incomplete multipart uploads. They are not objects: `list` skips them.
   */
  unfinishedWrites(): AsyncIterable<UnfinishedWrite>;
  /** Discards an unfinished write and what it stored so far. Idempotent. */
  abortUnfinishedWrite(write: UnfinishedWrite): Promise<void>;
}

export interface StoredObject {
  readonly key: string;
  readonly sizeBytes: number;
  readonly modifiedAt: Date;
}

export interface UnfinishedWrite {
  /** The key the write was going to create. */
  readonly key: string;
  /** The adapter's own name for the write (a temporary file, a multipart upload id). */
  readonly writeId: string;
  readonly startedAt: Date;
}

export class RecordingObjectNotFoundError extends Error {
  constructor(key: string) {
    super(`No stored recording at ${key}`);
    this.name = 'RecordingObjectNotFoundError';
  }
}

const STORAGE_KEY = /^[a-z0-9][a-z0-9_.-]*(\/[a-z0-9][a-z0-9_.-]*)*$/;

/** Refuses keys that could leave the storage root (`..`, absolute paths, odd characters). */
export function assertStorageKey(key: string): void {
  if (!STORAGE_KEY.test(key) || key.split('/').some((part) => part === '..' || part === '.')) {
    throw new Error(`Invalid storage key: ${JSON.stringify(key)}`);
  }
}
