import {
  AbortMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  NoSuchKey,
  NotFound,
  S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { Readable } from 'node:stream';
import {
  RecordingObjectNotFoundError,
  assertStorageKey,
  type RecordingStorage,
  type StoredObject,
  type UnfinishedWrite,
} from '../../application/ports/recording-storage.port.js';
import { allPages } from './all-pages.js';
import { byteCounter } from './byte-counter.js';

export interface S3RecordingStorageOptions {
  readonly bucket: string;
  readonly region: string;
  readonly endpoint: string | null;
  readonly forcePathStyle: boolean;
  /** Without them the SDK's default chain applies (environment, instance role, ...). */
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string } | null;
  /** Multipart part size; at most `partSize x queueSize` bytes are buffered at once. */
  readonly partSize?: number;
  readonly queueSize?: number;
}

const MIN_PART_SIZE = 5 * 1024 * 1024;

/**
 * Sealed recordings in an S3 bucket, streamed with multipart uploads (@aws-sdk/lib-storage).
 * A failed upload is aborted, so its parts never become an object.
 */
export class S3RecordingStorage implements RecordingStorage {
  private readonly client: S3Client;

  constructor(private readonly options: S3RecordingStorageOptions) {
    this.client = new S3Client({
      region: options.region,
      forcePathStyle: options.forcePathStyle,
      ...(options.endpoint ? { endpoint: options.endpoint } : {}),
      ...(options.credentials ? { credentials: options.credentials } : {}),
    });
  }

  async put(key: string, body: Readable): Promise<{ sizeBytes: number }> {
    assertStorageKey(key);
    const counter = byteCounter();
    body.on('error', (error) => counter.destroy(error));
    const upload = new Upload({
      client: this.client,
      params: {
        Bucket: this.options.bucket,
        Key: key,
        Body: body.pipe(counter),
        ContentType: 'application/octet-stream',
      },
      partSize: Math.max(this.options.partSize ?? 8 * 1024 * 1024, MIN_PART_SIZE),
      queueSize: this.options.queueSize ?? 2,
      leavePartsOnError: false,
    });
    await upload.done();
    return { sizeBytes: counter.bytes };
  }

  async get(key: string, options: { start?: number } = {}): Promise<Readable> {
    assertStorageKey(key);
    const start = options.start ?? 0;
    try {
      const response = await this.client.send(
        new GetObjectCommand({
          Bucket: this.options.bucket,
          Key: key,
          ...(start > 0 ? { Range: `bytes=${start}-` } : {}),
        }),
      );
      if (!(response.Body instanceof Readable)) throw new Error('S3 returned no readable body');
      return response.Body;
    } catch (error) {
      if (error instanceof NoSuchKey || isNotFound(error)) {
        throw new RecordingObjectNotFoundError(key);
      }
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    assertStorageKey(key);
    await this.client.send(new DeleteObjectCommand({ Bucket: this.options.bucket, Key: key }));
  }

  async exists(key: string): Promise<boolean> {
    assertStorageKey(key);
    try {
      await this.client.send(new HeadObjectCommand({ Bucket: this.options.bucket, Key: key }));
      return true;
    } catch (error) {
      if (error instanceof NotFound || isNotFound(error)) return false;
      throw error;
    }
  }

  async *list(prefix: string): AsyncIterable<StoredObject> {
    const pages = allPages(
      (token: string | undefined) =>
        this.client.send(
          new ListObjectsV2Command({
            Bucket: this.options.bucket,
            ...(prefix ? { Prefix: prefix } : {}),
            ...(token ? { ContinuationToken: token } : {}),
          }),
        ),
      (page) => (page.IsTruncated ? page.NextContinuationToken : undefined),
    );
    for await (const page of pages) {
      for (const object of page.Contents ?? []) {
        if (object.Key === undefined) continue;
        yield {
          key: object.Key,
          sizeBytes: object.Size ?? 0,
          modifiedAt: object.LastModified ?? new Date(0),
        };
      }
    }
  }

  async *unfinishedWrites(): AsyncIterable<UnfinishedWrite> {
    const pages = allPages(
      (markers: { keyMarker?: string; uploadIdMarker?: string } | undefined) =>
        this.client.send(
          new ListMultipartUploadsCommand({
            Bucket: this.options.bucket,
            ...(markers?.keyMarker ? { KeyMarker: markers.keyMarker } : {}),
            ...(markers?.uploadIdMarker ? { UploadIdMarker: markers.uploadIdMarker } : {}),
          }),
        ),
      (page) =>
        page.IsTruncated
          ? { keyMarker: page.NextKeyMarker, uploadIdMarker: page.NextUploadIdMarker }
          : undefined,
    );
    for await (const page of pages) {
      for (const upload of page.Uploads ?? []) {
        if (upload.Key === undefined || upload.UploadId === undefined) continue;
        yield {
          key: upload.Key,
          writeId: upload.UploadId,
          startedAt: upload.Initiated ?? new Date(0),
        };
      }
    }
  }

  async abortUnfinishedWrite(write: UnfinishedWrite): Promise<void> {
    try {
      await this.client.send(
        new AbortMultipartUploadCommand({
          Bucket: this.options.bucket,
          Key: write.key,
          UploadId: write.writeId,
        }),
      );
    } catch (error) {
      // Already aborted or completed: nothing is left to discard.
      if (!isNotFound(error)) throw error;
    }
  }

  close(): void {
    this.client.destroy();
  }
}

function isNotFound(error: unknown): boolean {
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  return status === 404;
}
