import type { Knex } from 'knex';
import type pg from 'pg';
import type {
  EventStore,
  EventSubscription,
  LedgerPosition,
  RecordedEvent,
} from '../application/ports/event-store.port.js';
import type { Projection } from './projection.js';
import {
  advanceProjectionCheckpoint,
  CheckpointMovedError,
  readProjectionCheckpoint,
} from './projection-checkpoint.js';
import { projectionLockWanted, tryLockProjection, unlockProjection } from './projection-lock.js';
import { waitUntilReached } from './wait-until-reached.js';

export interface ProjectionRunnerLogger {
  info(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/** Optional instrumentation; PrometheusMetrics implements it. */
export interface ProjectionRunnerMetrics {
  observeProjectionBatch(projection: string, events: number, seconds: number): void;
}

export interface ProjectionRunnerOptions {
  readonly store: EventStore;
  readonly knex: Knex;
  /** A connection from this pool holds the advisory lock for as long as the runner is active. */
  readonly lockPool: pg.Pool;
  readonly logger: ProjectionRunnerLogger;
  readonly batchSize?: number;
  /**
   * After each batch, wait this long before taking the next (default 0): a follower that need not
   * keep up to the millisecond then writes fewer, larger batches while the ledger is busy.
   */
  readonly batchPauseMs?: number;
  readonly retryDelayMs?: number;
  /** How often the active runner looks for someone waiting for its lock (a rebuild). Default 1 s. */
  readonly handoverCheckMs?: number;
  readonly metrics?: ProjectionRunnerMetrics;
}

export interface ProjectionStatus {
  readonly name: string;
  readonly active: boolean;
  readonly position: LedgerPosition | null;
  readonly lastAppliedAt: Date | null;
  /** When the last applied event occurred (its metadata's `occurredAt`). */
  readonly lastEventOccurredAt: string | null;
  /** Events this runner applied since it started. */
  readonly eventsApplied: number;
}

interface HeldLock {
  readonly client: pg.PoolClient;
  /** Its connection failed: it must be destroyed, not returned to the pool. */
  broken: boolean;
  onError: () => void;
  /** Set once its release has begun; every later release of it waits for that one. */
  releasing?: Promise<void>;
}

/** After a handover or a moved checkpoint, look for the lock this often for a while. */
const QUICK_RETRY_MS = 200;
const QUICK_RETRY_WINDOW_MS = 30_000;

/**
 * Follows the ledger from the projection's checkpoint. Exactly one runner per projection is
 * active across all instances (a session advisory lock); the others wait as standbys. The active
 * runner hands the lock over to anyone who *waits* for it (see projection-lock.ts), which is how a
 * rebuild swaps its tables in while no batch is being written.
 */
export class ProjectionRunner {
  private stopped = false;
  private lockClient: pg.PoolClient | null = null;
  private held: HeldLock | null = null;
  private subscription: EventSubscription | null = null;
  private position: LedgerPosition | null = null;
  private lastAppliedAt: Date | null = null;
  private lastEventOccurredAt: string | null = null;
  private eventsApplied = 0;
  private retryTimer: NodeJS.Timeout | null = null;
  private handoverTimer: NodeJS.Timeout | null = null;
  private idleTimer: NodeJS.Timeout | null = null;
  /** Batches and idle work run one after another, never side by side. */
  private exclusive: Promise<void> = Promise.resolve();
  private quickRetryUntil = 0;
  private running: Promise<void> | null = null;
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

  /** The streams the projection follows; undefined for all of them. */
  get streamPrefixes(): readonly string[] | undefined {
    return this.projection.streamPrefixes;
  }

  start(): void {
    this.stopped = false;
    this.running ??= this.run().finally(() => {
      this.running = null;
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.generation++;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    await this.running;
    await this.release();
  }

  status(): ProjectionStatus {
    return {
      name: this.projection.name,
      active: this.subscription !== null,
      position: this.position,
      lastAppliedAt: this.lastAppliedAt,
      lastEventOccurredAt: this.lastEventOccurredAt,
      eventsApplied: this.eventsApplied,
    };
  }

  private async run(): Promise<void> {
    try {
      if (!(await this.acquireLock())) return this.retryLater();
      if (this.stopped) return await this.release();
      this.projection.reset?.();
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
        (events) => this.serialized(() => this.applyBatch(events, generation)),
      );
      this.watchForHandover();
      this.scheduleIdle(generation);
      for (const wake of this.positionWaiters) wake();
    } catch (error) {
      this.options.logger.error('projection runner failed to start', {
        projection: this.projection.name,
        error: (error as Error).message,
      });
      await this.release(true);
      this.retryLater();
    }
  }

  private async applyBatch(events: readonly RecordedEvent[], generation: number): Promise<void> {
    if (this.stopped || generation !== this.generation || events.length === 0) return;
    const last = events.at(-1);
    if (!last) return;
    const started = performance.now();
    try {
      await this.options.knex.transaction(async (trx) => {
        await this.projection.apply(trx, events);
        await this.advanceCheckpoint(trx, this.position, last.position, events.length);
      });
      this.position = last.position;
      this.lastAppliedAt = new Date();
      this.lastEventOccurredAt = last.metadata.occurredAt;
      this.eventsApplied += events.length;
      this.options.metrics?.observeProjectionBatch(
        this.projection.name,
        events.length,
        (performance.now() - started) / 1000,
      );
      for (const wake of this.positionWaiters) wake();
    } catch (error) {
      this.abandon(error);
      return;
    }
    this.notifyCommitted();
    this.scheduleIdle(generation);
    const pause = this.options.batchPauseMs ?? 0;
    // The subscription waits for this handler, so the events meanwhile make one next batch.
    if (pause > 0 && !this.stopped) await new Promise((resolve) => setTimeout(resolve, pause));
  }

  /** The projection's idle work, in a transaction fenced on the checkpoint like a batch's. */
  private async runIdle(generation: number): Promise<void> {
    const idle = this.projection.idle;
    if (!idle || this.stopped || generation !== this.generation) return;
    try {
      await this.options.knex.transaction(async (trx) => {
        // First, so the row lock also orders this work after any other runner's batch.
        await this.advanceCheckpoint(trx, this.position, this.position, 0);
        await idle.run(trx);
      });
    } catch (error) {
      this.abandon(error);
      return;
    }
    this.notifyCommitted();
    this.scheduleIdle(generation);
  }

  private scheduleIdle(generation: number): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    const idle = this.projection.idle;
    if (!idle || this.stopped || generation !== this.generation) return;
    const dueInMs = idle.dueInMs();
    if (dueInMs === null) return;
    this.idleTimer = setTimeout(
      () => {
        this.idleTimer = null;
        void this.serialized(() => this.runIdle(generation));
      },
      Math.max(0, dueInMs),
    );
  }

  private serialized(work: () => Promise<void>): Promise<void> {
    const next = this.exclusive.then(work);
    this.exclusive = next.catch(() => undefined);
    return next;
  }

  private notifyCommitted(): void {
    try {
      this.projection.committed?.();
    } catch (error) {
      this.options.logger.error('projection failed after its commit', {
        projection: this.projection.name,
        error: (error as Error).message,
      });
    }
  }

  /** After a failed transaction: forget, give up this subscription, resume from the checkpoint. */
  private abandon(error: unknown): void {
    const moved = error instanceof CheckpointMovedError;
    this.options.logger[moved ? 'info' : 'error'](
      moved
        ? 'projection checkpoint moved (rebuilt or taken over); restarting from it'
        : 'projection batch failed; restarting from the checkpoint',
      { projection: this.projection.name, error: (error as Error).message },
    );
    if (moved) this.quickRetryUntil = Date.now() + QUICK_RETRY_WINDOW_MS;
    this.projection.reset?.();
    // Give up this subscription; the next run resumes from the committed checkpoint.
    this.generation++;
    void this.release().then(() => this.retryLater());
  }

  /**
   * Resolves true when the projection has applied `position` (or later), false after `timeoutMs`.
   * A projection of some streams only has "applied" a position of another stream once every event
   * of its own streams up to that position is applied.
   */
  waitFor(position: LedgerPosition, timeoutMs: number): Promise<boolean> {
    return waitUntilReached(() => this.reached(position), this.positionWaiters, timeoutMs);
  }

  private async reached(position: LedgerPosition): Promise<boolean> {
    const { store } = this.options;
    // A standby (or stopped) runner's own position is stale: the active one may be elsewhere.
    const current = this.subscription !== null ? this.position : await this.readCheckpoint();
    if (current !== null && store.comparePositions(current, position) >= 0) return true;
    const prefixes = this.projection.streamPrefixes;
    if (!prefixes || prefixes.length === 0) return false;
    // Every event up to `position` is readable once the head has passed it; then the projection
    // is there if its next event comes after `position`.
    const head = await store.headPosition();
    if (head === null || store.comparePositions(head, position) < 0) return false;
    const [next] = await store.readAll({ after: current, limit: 1, streamPrefixes: prefixes });
    return next === undefined || store.comparePositions(next.position, position) > 0;
  }

  private readCheckpoint(): Promise<LedgerPosition | null> {
    return readProjectionCheckpoint(this.options.knex, this.projection.name);
  }

  private advanceCheckpoint(
    trx: Knex.Transaction,
    from: LedgerPosition | null,
    to: LedgerPosition | null,
    applied: number,
  ): Promise<void> {
    return advanceProjectionCheckpoint(trx, this.projection.name, from, to, applied);
  }

  private async acquireLock(): Promise<boolean> {
    const client = await this.options.lockPool.connect();
    const held: HeldLock = { client, broken: false, onError: () => undefined };
    held.onError = (): void => {
      held.broken = true;
      // The lock died with its connection: stop and compete for it again.
      if (this.lockClient === client) void this.release(true).then(() => this.retryLater());
    };
    // Listen before the first query: a termination can arrive right behind a query's answer.
    client.on('error', held.onError);
    let locked: boolean;
    try {
      locked = await tryLockProjection(client, this.projection.name);
    } catch (error) {
      client.release(true);
      throw error;
    }
    if (!locked || held.broken) {
      if (!held.broken) client.off('error', held.onError);
      client.release(held.broken ? true : undefined);
      return false;
    }
    this.lockClient = client;
    this.held = held;
    return true;
  }

  /** While active: if someone waits for the lock, finish the batch in hand and let them have it. */
  private watchForHandover(): void {
    const client = this.lockClient;
    if (!client) return;
    const check = async (): Promise<void> => {
      this.handoverTimer = null;
      if (this.stopped || this.lockClient !== client) return;
      let wanted: boolean;
      try {
        wanted = await projectionLockWanted(client, this.projection.name);
      } catch {
        // The lock connection failed: whatever its 'error' event did not handle, handle here.
        if (this.lockClient === client) {
          this.generation++;
          await this.release(true);
          this.retryLater();
        }
        return;
      }
      if (this.lockClient !== client) return;
      if (!wanted) {
        this.handoverTimer = setTimeout(() => void check(), this.options.handoverCheckMs ?? 1000);
        return;
      }
      this.options.logger.info('projection lock wanted elsewhere (rebuild); handing over', {
        projection: this.projection.name,
      });
      this.generation++;
      this.quickRetryUntil = Date.now() + QUICK_RETRY_WINDOW_MS;
      await this.release();
      this.retryLater();
    };
    this.handoverTimer = setTimeout(() => void check(), this.options.handoverCheckMs ?? 1000);
  }

  /**
   * Ends the subscription (awaiting the batch in flight), then gives the lock back. Whoever asks
   * again while that lock is being released (the lock connection failing, its handover check
   * failing, the batch failing) waits for the same release: the lock must not come free, and a new
   * run start a batch, before the batch in flight has ended, or two batches of the projection
   * would share what it remembers between batches.
   */
  private release(connectionBroken = false): Promise<void> {
    const held = this.held;
    if (!held) return this.endSubscription();
    if (connectionBroken) held.broken = true;
    held.releasing ??= this.releaseLock(held);
    return held.releasing;
  }

  private async endSubscription(): Promise<void> {
    if (this.handoverTimer) clearTimeout(this.handoverTimer);
    this.handoverTimer = null;
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    const subscription = this.subscription;
    this.subscription = null;
    await subscription?.close();
    // Idle work in flight ends before the lock may come free, as a batch in flight does.
    await this.exclusive;
  }

  private async releaseLock(held: HeldLock): Promise<void> {
    await this.endSubscription();
    const { client } = held;
    this.lockClient = null;
    this.held = null;
    if (held.broken) {
      // Keep the listener: a broken client may still emit errors until it is destroyed.
      client.release(true);
      return;
    }
    try {
      await unlockProjection(client, this.projection.name);
    } catch {
      client.release(true);
      return;
    }
    if (held.broken) {
      client.release(true);
      return;
    }
    client.off('error', held.onError);
    client.release();
  }

  private retryLater(): void {
    if (this.stopped || this.retryTimer) return;
    const delay =
      Date.now() < this.quickRetryUntil
        ? Math.min(QUICK_RETRY_MS, this.options.retryDelayMs ?? 2000)
        : (this.options.retryDelayMs ?? 2000);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (!this.stopped && !this.subscription && !this.lockClient) this.start();
    }, delay);
  }
}
