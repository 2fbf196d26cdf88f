import type { CheckpointArchive } from '../ports/ledger-tree.port.js';

export interface CheckpointPublisherLogger {
  info(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export interface PublishedCheckpoint {
  readonly treeSize: number;
  readonly note: string;
}

/** Checkpoints not yet archived wait at most this many; the oldest give way first. */
const MAX_WAITING = 1000;
const RETRY_DELAY_MS = 5000;

/**
 * Copies committed checkpoints to the archive outside the database, one at a time and in size
 * order. A failure (the archive unreachable) is logged and retried later; the database keeps
 * every checkpoint meanwhile, and the newest one is offered again whenever the tree resumes.
 */
export class CheckpointPublisher {
  private readonly waiting = new Map<number, string>();
  /** The newest size to check in the archive before it is copied. */
  private readonly onlyIfMissing = new Set<number>();
  private draining: Promise<void> | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(
    private readonly archive: CheckpointArchive,
    private readonly logger: CheckpointPublisherLogger,
  ) {}

  /** Queues a checkpoint that has just committed. */
  publish(checkpoint: PublishedCheckpoint): void {
    this.enqueue(checkpoint);
  }

  /** Queues a checkpoint already stored earlier: it is copied only if the archive lacks it. */
  publishIfMissing(checkpoint: PublishedCheckpoint): void {
    if (!this.waiting.has(checkpoint.treeSize)) this.onlyIfMissing.add(checkpoint.treeSize);
    this.enqueue(checkpoint);
  }

  /** Resolves once every queued checkpoint was copied or failed. */
  async idle(): Promise<void> {
    while (this.draining) await this.draining;
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    await this.idle();
  }

  private enqueue(checkpoint: PublishedCheckpoint): void {
    if (this.closed) return;
    this.waiting.set(checkpoint.treeSize, checkpoint.note);
    while (this.waiting.size > MAX_WAITING) {
      const oldest = Math.min(...this.waiting.keys());
      this.waiting.delete(oldest);
      this.onlyIfMissing.delete(oldest);
      this.logger.error('checkpoint not archived: too many waiting', { treeSize: oldest });
    }
    this.drain();
  }

  private drain(): void {
    this.draining ??= this.copyAll().finally(() => {
      this.draining = null;
    });
  }

  private async copyAll(): Promise<void> {
    while (this.waiting.size > 0 && !this.closed) {
      const treeSize = Math.min(...this.waiting.keys());
      const note = this.waiting.get(treeSize) as string;
      try {
        const check = this.onlyIfMissing.has(treeSize);
        if (!check || (await this.archive.at(treeSize)) === null) {
          await this.archive.publish(treeSize, note);
        }
      } catch (error) {
        this.logger.error('checkpoint not archived yet; retrying', {
          treeSize,
          archive: this.archive.location,
          error: (error as Error).message,
        });
        this.retryTimer ??= setTimeout(() => {
          this.retryTimer = null;
          this.drain();
        }, RETRY_DELAY_MS);
        return;
      }
      // A newer note for the same size cannot exist: a size is checkpointed once.
      this.waiting.delete(treeSize);
      this.onlyIfMissing.delete(treeSize);
    }
  }
}
