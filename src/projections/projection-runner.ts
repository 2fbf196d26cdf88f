import type { Knex } from 'knex';
import type pg from 'pg';
import type {
  EventStore,
  EventSubscription,
  LedgerPosition,
  RecordedEvent,
} from '../application/ports/event-store.port.js';
import type { Projection } from './projection.js';

export interface ProjectionRunnerLogger {
  info(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export interface ProjectionRunnerOptions {
  readonly store: EventStore;
  readonly knex: Knex;
  /** A connection from this pool holds the advisory lock for as long as the runner is active. */
  readonly lockPool: pg.Pool;
  readonly logger: ProjectionRunnerLogger;
  readonly batchSize?: number;
  readonly retryDelayMs?: number;
}

export interface ProjectionStatus {
  readonly name: string;
  readonly active: boolean;
  readonly position: LedgerPosition | null;
  readonly lastAppliedAt: Date | null;
}

class CheckpointMovedError extends Error {}

/**
 * Follows the ledger from the projection's checkpoint. Exactly one runner per projection is
 * active across all instances (a session advisory lock); the others wait as standbys.
 */
export class ProjectionRunner {
  private stopped = false;
  private lockClient: pg.PoolClient | null = null;
  private subscription: EventSubscription | null = null;
  private position: LedgerPosition | null = null;
  private lastAppliedAt: Date | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  /** Bumped whenever a subscription is abandoned, so its late batches are ignored. */
  private generation = 0;
  private readonly positionWaiters = new Set<() => void>();

  constructor(
    private readonly projection: Projection,
    private readonly options: ProjectionRunnerOptions,
  ) {}

  get name(): string {
    return this.projection.name;
  }

  start(): void {
    this.stopped = false;
    void this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.generation++;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    await this.release();
  }

  status(): ProjectionStatus {
    return {
      name: this.projection.name,
      active: this.subscription !== null,
      position: this.position,
      lastAppliedAt: this.lastAppliedAt,
    };
  }

  private async run(): Promise<void> {
    try {
      if (!(await this.acquireLock())) return this.retryLater();
      this.position = await this.readCheckpoint();
      const generation = ++this.generation;
      this.subscription = this.options.store.subscribe(
        {
          after: this.position,
          batchSize: this.options.batchSize ?? 500,
          ...(this.projection.streamPrefixes
            ? { streamPrefixes: this.projection.streamPrefixes }
            : {}),
        },
        (events) => this.applyBatch(events, generation),
      );
    } catch (error) {
      this.options.logger.error('projection runner failed to start', {
        projection: this.projection.name,
        error: (error as Error).message,
      });
      await this.release();
      this.retryLater();
    }
  }

  private async applyBatch(events: readonly RecordedEvent[], generation: number): Promise<void> {
    if (this.stopped || generation !== this.generation || events.length === 0) return;
    const last = events.at(-1);
    if (!last) return;
    try {
      await this.options.knex.transaction(async (trx) => {
        await this.projection.apply(trx, events);
        await this.advanceCheckpoint(trx, this.position, last.position, events.length);
      });
      this.position = last.position;
      this.lastAppliedAt = new Date();
      for (const wake of this.positionWaiters) wake();
    } catch (error) {
      this.options.logger.error('projection batch failed; restarting from the checkpoint', {
        projection: this.projection.name,
        error: (error as Error).message,
      });
      // Give up this subscription; the next run resumes from the committed checkpoint.
      this.generation++;
      void this.release().then(() => this.retryLater());
    }
  }

  /** Resolves when the projection has applied `position` (or later), or after `timeoutMs`. */
  async waitFor(position: LedgerPosition, timeoutMs: number): Promise<boolean> {
    const passed = async (): Promise<boolean> => {
      const current = this.position ?? (await this.readCheckpoint());
      return current !== null && this.options.store.comparePositions(current, position) >= 0;
    };
    if (await passed()) return true;
    return new Promise((resolve) => {
      const onProgress = (): void => {
        void passed().then((done) => {
          if (!done) return;
          finish(true);
        });
      };
      const timer = setTimeout(() => finish(false), timeoutMs);
      const poll = setInterval(onProgress, 100);
      const finish = (result: boolean): void => {
        clearTimeout(timer);
        clearInterval(poll);
        this.positionWaiters.delete(onProgress);
        resolve(result);
      };
      this.positionWaiters.add(onProgress);
    });
  }

  private async readCheckpoint(): Promise<LedgerPosition | null> {
    const row = await this.options
      .knex('projection_checkpoints')
      .where({ name: this.projection.name })
      .first<{ position: string | null } | undefined>('position');
    return row?.position ?? null;
  }

  private async advanceCheckpoint(
    trx: Knex.Transaction,
    from: LedgerPosition | null,
    to: LedgerPosition,
    applied: number,
  ): Promise<void> {
    // Fenced on the previous value: if another runner moved it, this batch must not commit.
    const { rowCount } = await trx.raw<{ rowCount: number }>(
      `INSERT INTO projection_checkpoints (name, position, events_applied, updated_at)
       VALUES (?, ?, ?, now())
       ON CONFLICT (name) DO UPDATE
          SET position = excluded.position,
              events_applied = projection_checkpoints.events_applied + excluded.events_applied,
              updated_at = now()
        WHERE projection_checkpoints.position IS NOT DISTINCT FROM ?`,
      [this.projection.name, to, applied, from],
    );
    if (rowCount !== 1) throw new CheckpointMovedError('checkpoint moved under this runner');
  }

  private async acquireLock(): Promise<boolean> {
    const client = await this.options.lockPool.connect();
    const { rows } = await client.query<{ locked: boolean }>(
      'SELECT pg_try_advisory_lock(hashtext($1)) AS locked',
      [`projection:${this.projection.name}`],
    );
    if (!rows[0]?.locked) {
      client.release();
      return false;
    }
    client.on('error', () => {
      // The lock died with its connection: stop and compete for it again.
      void this.release(true).then(() => this.retryLater());
    });
    this.lockClient = client;
    return true;
  }

  private async release(connectionBroken = false): Promise<void> {
    const subscription = this.subscription;
    this.subscription = null;
    await subscription?.close();
    const client = this.lockClient;
    this.lockClient = null;
    if (!client) return;
    if (connectionBroken) {
      client.release(true);
      return;
    }
    try {
      await client.query('SELECT pg_advisory_unlock(hashtext($1))', [
        `projection:${this.projection.name}`,
      ]);
      client.release();
    } catch {
      client.release(true);
    }
  }

  private retryLater(): void {
    if (this.stopped || this.retryTimer) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (!this.stopped && !this.subscription) void this.run();
    }, this.options.retryDelayMs ?? 2000);
  }
}
