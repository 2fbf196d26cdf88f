import pg from 'pg';
import type {
  EventSubscriber,
  EventSubscription,
  LedgerPosition,
  ReadAllOptions,
  RecordedEvent,
  SubscribeOptions,
} from '../../../application/ports/event-store.port.js';
import { decodePositionPair } from '../pair-position.js';
import { matchesStreamPrefixes } from '../stream-prefix.js';
import {
  OpenSubscriptions,
  Waker,
  failureBackoffMs,
  type BatchHandler,
  type SubscriptionOptions,
  type SubscriptionSettings,
} from '../subscription-support.js';
import { LEDGER_CHANNEL, parseNotice } from './postgres-commit-notifier.js';

export interface PostgresEventSubscriberSettings extends Required<SubscriptionOptions> {
  /** Opens the LISTEN connection: a client of its own, outside any pool. */
  readonly openListener: () => pg.Client;
  /** One page of the gap-safe feed. */
  readonly readAll: (options: ReadAllOptions) => Promise<RecordedEvent[]>;
  readonly idleReadMs: number;
  readonly listenRetryMs: number;
}

/**
 * The subscriptions of one PostgreSQL event store. One LISTEN connection wakes them all on news of
 * a commit from any process; it is opened with the first subscription and reopened when it fails.
 * The store's own appends wake them through `wake` without a round trip.
 */
export class PostgresEventSubscriber implements EventSubscriber {
  private readonly subscriptions: OpenSubscriptions<PostgresSubscription>;
  private listener: pg.Client | null = null;
  private listenerRetry: NodeJS.Timeout | null = null;

  constructor(private readonly settings: PostgresEventSubscriberSettings) {
    const { readAll, idleReadMs } = settings;
    this.subscriptions = new OpenSubscriptions(settings, (subscription, handler) => {
      const { streamPrefixes } = subscription;
      const read = (after: LedgerPosition | null, limit: number): Promise<RecordedEvent[]> =>
        readAll({ after, limit, streamPrefixes });
      return new PostgresSubscription(read, handler, { ...subscription, idleReadMs });
    });
  }

  subscribe(options: SubscribeOptions, handler: BatchHandler): EventSubscription {
    const subscription = this.subscriptions.subscribe(options, handler);
    void this.ensureListener();
    return subscription;
  }

  /** News of a commit; without a transaction id, of possibly missed commits. */
  wake(transactionId: bigint | null = null, streamIds: readonly string[] | null = null): void {
    for (const subscription of this.subscriptions) subscription.wake(transactionId, streamIds);
  }

  async close(): Promise<void> {
    if (this.subscriptions.isClosed) return;
    if (this.listenerRetry) clearTimeout(this.listenerRetry);
    this.listenerRetry = null;
    await this.subscriptions.close();
    const listener = this.listener;
    this.listener = null;
    if (listener) await listener.end().catch(() => undefined);
  }

  private onNotification(payload: string | undefined): void {
    const notice = parseNotice(payload);
    this.wake(notice.transactionId, notice.streamIds);
  }

  private async ensureListener(): Promise<void> {
    if (this.subscriptions.isClosed || this.listener || this.listenerRetry) return;
    const client = this.settings.openListener();
    this.listener = client;
    client.on('notification', (message) => this.onNotification(message.payload));
    client.on('error', (error) => this.listenerFailed(client, error));
    client.on('end', () => this.listenerFailed(client, new Error('LISTEN connection closed')));
    try {
      await client.connect();
      await client.query(`LISTEN ${LEDGER_CHANNEL}`);
      if (this.listener !== client) {
        await client.end().catch(() => undefined);
        return;
      }
      // Anything committed while we were not listening is found by this wake-up.
      this.wake();
    } catch (error) {
      this.listenerFailed(client, error);
    }
  }

  private listenerFailed(client: pg.Client, error: unknown): void {
    if (this.listener !== client) return;
    this.listener = null;
    client.end().catch(() => undefined);
    if (this.subscriptions.isClosed) return;
    this.settings.onError(
      error,
      'LISTEN connection failed; subscriptions read on their timer until it is back',
    );
    this.listenerRetry = setTimeout(() => {
      this.listenerRetry = null;
      if (this.subscriptions.size > 0) void this.ensureListener();
    }, this.settings.listenRetryMs);
  }
}

interface PostgresSubscriptionSettings extends SubscriptionSettings<PostgresSubscription> {
  readonly idleReadMs: number;
}

/** After news finds nothing readable yet, look again soon, then less and less often. */
const HELD_BACK_FIRST_RETRY_MS = 10;

/**
 * Reads the feed page by page and awaits the handler for each page. Caught up, it sleeps until news
 * of a commit (NOTIFY, or an append through this store) or the idle timer. News of a commit that is
 * not readable yet (an older transaction is still open) is followed by quick re-reads with backoff.
 * A failed read or handler is retried from the same checkpoint after a backoff: nothing is skipped.
 */
class PostgresSubscription implements EventSubscription {
  private readonly waker = new Waker();
  private readonly done: Promise<void>;
  /** The transaction of the last delivered event: news of it or of older ones is not news. */
  private deliveredTransaction: bigint;
  /** The newest transaction we heard of that has events for this subscription. */
  private newestHeard = 0n;

  constructor(
    private readonly read: (
      after: LedgerPosition | null,
      limit: number,
    ) => Promise<RecordedEvent[]>,
    private readonly handler: BatchHandler,
    private readonly settings: PostgresSubscriptionSettings,
  ) {
    this.deliveredTransaction =
      settings.after === null ? 0n : decodePositionPair(settings.after).high;
    this.done = this.run();
  }

  /** `streamIds` null: possibly any stream. `transactionId` null: unknown, read anyway. */
  wake(transactionId: bigint | null, streamIds: readonly string[] | null): void {
    if (transactionId !== null) {
      const prefixes = this.settings.streamPrefixes;
      if (
        streamIds !== null &&
        prefixes.length > 0 &&
        !streamIds.some((id) => matchesStreamPrefixes(id, prefixes))
      ) {
        return;
      }
      // The feed only passes a transaction once every older one has ended, so news of the
      // transaction last delivered, or of an older one, cannot hold anything undelivered.
      if (transactionId <= this.deliveredTransaction) return;
      if (transactionId > this.newestHeard) this.newestHeard = transactionId;
    }
    this.waker.wake();
  }

  async close(): Promise<void> {
    this.waker.stop();
    await this.done;
  }
  private async run(): Promise<void> {
    const { batchSize, idleReadMs, onError } = this.settings;
    let after = this.settings.after;
    let failures = 0;
    let heldBackRetryMs = HELD_BACK_FIRST_RETRY_MS;
    try {
      while (!this.waker.isStopped) {
        this.waker.consume();
        let batch: RecordedEvent[];
        try {
          batch = await this.read(after, batchSize);
        } catch (error) {
          if (this.waker.isStopped) break;
          onError(error, 'subscription read failed; retrying');
          await this.waker.sleep(failureBackoffMs(failures++));
          continue;
        }
        if (this.waker.isStopped) break;
        if (batch.length > 0) {
          try {
            await this.handler(batch);
          } catch (error) {
            onError(error, 'subscription handler failed; the same events will be delivered again');
            await this.waker.sleep(failureBackoffMs(failures++));
            continue;
          }
          failures = 0;
          heldBackRetryMs = HELD_BACK_FIRST_RETRY_MS;
          after = (batch[batch.length - 1] as RecordedEvent).position;
          this.deliveredTransaction = decodePositionPair(after).high;
          continue;
        }
        failures = 0;
        if (this.newestHeard > this.deliveredTransaction) {
          // Committed, but behind the horizon of an older open transaction: look again soon.
          await this.waker.sleep(Math.min(heldBackRetryMs, idleReadMs));
          heldBackRetryMs *= 2;
        } else {
          heldBackRetryMs = HELD_BACK_FIRST_RETRY_MS;
          await this.waker.sleep(idleReadMs);
        }
      }
    } finally {
      this.settings.onClosed(this);
    }
  }
}
