import type {
  EventSubscriber,
  EventSubscription,
  LedgerPosition,
  RecordedEvent,
  SubscribeOptions,
} from '../../application/ports/event-store.port.js';

/**
 * What the event-store adapters' subscriptions share: their options and defaults, error reporting,
 * the backoff after failures, a sleep that news cuts short, and the set of open subscriptions.
 */

export type ErrorReporter = (error: unknown, context: string) => void;

/** By default failures are written to stderr; callers pass their logger instead. */
export const reportToStderr: ErrorReporter = (error, context) => {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`[event-store] ${context}: ${message}\n`);
};

/** What every adapter's options say about its subscriptions. */
export interface SubscriptionOptions {
  /** Default page size of subscriptions. Default 500. */
  readonly batchSize?: number;
  /** Receives background failures: subscriptions' and the adapter's own (retried, never thrown). */
  readonly onError?: ErrorReporter;
}

export function subscriptionDefaults(options: SubscriptionOptions): Required<SubscriptionOptions> {
  return { batchSize: options.batchSize ?? 500, onError: options.onError ?? reportToStderr };
}

/** Backoff after the n-th consecutive failure (0-based): 100 ms doubling, at most 5 s. */
export function failureBackoffMs(failures: number): number {
  return Math.min(100 * 2 ** Math.min(failures, 6), 5000);
}

/**
 * A sleep that a `wake()` or `stop()` cuts short, so a loop can wait for "news or timeout"
 * without polling. `wake()` before `sleep()` is remembered: the next sleep returns at once.
 */
export class Waker {
  private pending = false;
  private stopped = false;
  private release: (() => void) | null = null;

  get isStopped(): boolean {
    return this.stopped;
  }

  /** Clears a remembered wake; call it right before looking for news. */
  consume(): boolean {
    const was = this.pending;
    this.pending = false;
    return was;
  }

  wake(): void {
    this.pending = true;
    this.release?.();
  }

  stop(): void {
    this.stopped = true;
    this.release?.();
  }

  sleep(ms: number): Promise<void> {
    if (this.stopped || this.pending) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.release = null;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.release = done;
    });
  }
}

/** What one subscription loop runs with: the caller's options, the adapter's defaults filled in. */
export interface SubscriptionSettings<S extends EventSubscription> {
  readonly after: LedgerPosition | null;
  readonly streamPrefixes: readonly string[];
  readonly batchSize: number;
  readonly onError: ErrorReporter;
  /** Called once the loop has ended, so the adapter forgets it. */
  readonly onClosed: (subscription: S) => void;
}

export type BatchHandler = (events: readonly RecordedEvent[]) => Promise<void>;

/**
 * The subscriptions of one adapter. Each is built by the adapter's `build` from the caller's
 * options with the adapter's defaults filled in; closing stops them all, and once closed no new
 * one starts.
 */
export class OpenSubscriptions<S extends EventSubscription> implements EventSubscriber {
  private readonly open = new Set<S>();
  private closed = false;

  constructor(
    private readonly defaults: Required<SubscriptionOptions>,
    private readonly build: (settings: SubscriptionSettings<S>, handler: BatchHandler) => S,
  ) {}

  get isClosed(): boolean {
    return this.closed;
  }

  get size(): number {
    return this.open.size;
  }

  subscribe(options: SubscribeOptions, handler: BatchHandler): S {
    if (this.closed) throw new Error('The event store is closed');
    const settings: SubscriptionSettings<S> = {
      after: options.after,
      streamPrefixes: options.streamPrefixes ?? [],
      batchSize: options.batchSize ?? this.defaults.batchSize,
      onError: this.defaults.onError,
      onClosed: (ended) => this.open.delete(ended),
    };
    const subscription = this.build(settings, handler);
    this.open.add(subscription);
    return subscription;
  }

  [Symbol.iterator](): IterableIterator<S> {
    return this.open.values();
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.open].map((subscription) => subscription.close()));
  }
}
