import { SYSTEM_ACTOR } from '../../../domain/shared/actor.js';
import type { CallCommands } from '../../call/call-commands.js';
import type { CommandRunner } from '../../command-runner.js';
import type { Clock } from '../../ports/clock.port.js';
import type { IdGenerator } from '../../ports/id-generator.port.js';
import type {
  RecordingStorage,
  StoredObject,
  UnfinishedWrite,
} from '../../ports/recording-storage.port.js';
import type { RecordingUploadStore } from '../../ports/recording-upload-store.port.js';
import { uploadIdOfPartKey } from '../resumable-upload/resumable-recording-uploads.js';

export const STORAGE_SWEEP_STREAM_PREFIX = 'storage-sweep-';
export const RECORDING_STORAGE_SWEPT_EVENT = 'RecordingStorageSwept';

const RECORDING_OBJECT = /^calls\/([0-9a-f-]{36})\/recordings\/([0-9a-f-]{36})\/[^/]+\.vwrc$/;

export interface SweepLogger {
  warn(message: string, fields?: Record<string, unknown>): void;
}

export interface RecordingStorageSweeperOptions {
  readonly storage: RecordingStorage;
  readonly uploads: RecordingUploadStore;
  readonly calls: CallCommands;
  readonly runner: CommandRunner;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly logger: SweepLogger;
  /** Only what is older than this is touched: a write in flight is never mistaken for litter. */
  readonly delaySeconds: number;
  /** 0: no background sweeps (tests call `sweep()`). */
  readonly intervalSeconds: number;
  /** Runs a pass unless another instance is running one (then null): one sweeper at a time. */
  readonly runAlone: <T>(work: () => Promise<T>) => Promise<T | null>;
}

export interface SweepReport {
  readonly removedObjects: readonly StoredObject[];
  readonly abortedWrites: readonly UnfinishedWrite[];
  readonly abandonedUploads: readonly string[];
}

/**
 * Reconciles recording storage with the ledger (docs/architecture.md, "Recording uploads"). Older
 * than the delay, it removes:
 * - a recording object (`calls/<call>/recordings/<recording>/...`) that no recording of that
 *   call's ledger names as its media (a crash between storing and appending RecordingUploaded,
 *   a refused racing upload);
 * - an upload that showed no sign of life, with its parts, and parts whose upload is gone;
 * - an unfinished write (a temporary file, an incomplete S3 multipart upload).
 * Keys of any other shape are left alone. What it removed is appended as one
 * RecordingStorageSwept event in a stream of its own, `storage-sweep-<id>`.
 */
export class RecordingStorageSweeper {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;

  constructor(private readonly options: RecordingStorageSweeperOptions) {}

  start(): void {
    if (this.options.intervalSeconds <= 0) return;
    this.timer = setInterval(() => {
      if (this.running) return;
      this.running = this.sweep()
        .catch((error: unknown) =>
          this.options.logger.warn('recording storage sweep failed', {
            error: (error as Error).message,
          }),
        )
        .finally(() => (this.running = null));
    }, this.options.intervalSeconds * 1000);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  /** One pass; null when another instance is sweeping at this moment. */
  sweep(): Promise<SweepReport | null> {
    return this.options.runAlone(() => this.sweepAlone());
  }

  private async sweepAlone(): Promise<SweepReport> {
    const { storage, uploads, clock, delaySeconds } = this.options;
    const now = clock.now();
    const cutoff = new Date(now.getTime() - delaySeconds * 1000);

    const abandonedUploads: string[] = [];
    const liveUploads = new Set<string>();
    for (const upload of await uploads.all()) {
      if (upload.renewedAt < cutoff) {
        await uploads.release(upload.uploadId);
        abandonedUploads.push(upload.uploadId);
      } else {
        liveUploads.add(upload.uploadId);
      }
    }

    const removedObjects: StoredObject[] = [];
    const namedByCall = new Map<string, ReadonlySet<string>>();
    for await (const object of storage.list('')) {
      if (object.modifiedAt >= cutoff) continue;
      if (!(await this.isLitter(object.key, liveUploads, namedByCall))) continue;
      await storage.delete(object.key);
      removedObjects.push(object);
    }

    const abortedWrites: UnfinishedWrite[] = [];
    for await (const write of storage.unfinishedWrites()) {
      if (write.startedAt >= cutoff) continue;
      await storage.abortUnfinishedWrite(write);
      abortedWrites.push(write);
    }

    const report = { removedObjects, abortedWrites, abandonedUploads };
    if (removedObjects.length + abortedWrites.length + abandonedUploads.length > 0) {
      await this.record(report, now, cutoff);
    }
    return report;
  }

  private async isLitter(
    key: string,
    liveUploads: ReadonlySet<string>,
    namedByCall: Map<string, ReadonlySet<string>>,
  ): Promise<boolean> {
    const uploadId = uploadIdOfPartKey(key);
    if (uploadId !== null) return !liveUploads.has(uploadId);
    const match = RECORDING_OBJECT.exec(key);
    if (!match) return false;
    const callId = match[1] ?? '';
    let named = namedByCall.get(callId);
    if (named === undefined) {
      named = await this.keysNamedByCall(callId);
      namedByCall.set(callId, named);
    }
    return !named.has(key);
  }

  /** The storage keys the call's ledger names as a recording's media, now. */
  private async keysNamedByCall(callId: string): Promise<ReadonlySet<string>> {
    const { state } = await this.options.calls.load(callId);
    if (state.status === 'NONE') return new Set();
    return new Set(
      Object.values(state.recordings).flatMap((recording) =>
        recording.media ? [recording.media.storageKey] : [],
      ),
    );
  }

  private async record(report: SweepReport, now: Date, cutoff: Date): Promise<void> {
    const sweepId = this.options.ids.newId();
    await this.options.runner.record(
      `${STORAGE_SWEEP_STREAM_PREFIX}${sweepId}`,
      {
        type: RECORDING_STORAGE_SWEPT_EVENT,
        data: {
          at: now.toISOString(),
          olderThan: cutoff.toISOString(),
          removedObjects: report.removedObjects.map((object) => ({
            key: object.key,
            sizeBytes: object.sizeBytes,
            modifiedAt: object.modifiedAt.toISOString(),
          })),
          abortedWrites: report.abortedWrites.map((write) => ({
            key: write.key,
            writeId: write.writeId,
            startedAt: write.startedAt.toISOString(),
          })),
          abandonedUploads: [...report.abandonedUploads],
        },
      },
      SYSTEM_ACTOR,
      { correlationId: sweepId, causationId: null },
    );
  }
}
