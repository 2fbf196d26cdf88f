import {
  START,
  excludeSystemEvents,
  streamNameFilter,
  type AllStreamResolvedEvent,
  type AllStreamSubscription,
  type EventStoreDBClient,
} from '@eventstore/db-client';
import type {
  EventSubscription,
  RecordedEvent,
} from '../../../application/ports/event-store.port.js';
import { comparePositionPairs } from '../pair-position.js';
import { matchesStreamPrefixes } from '../stream-prefix.js';
import {
  Waker,
  failureBackoffMs,
  type BatchHandler,
  type SubscriptionSettings,
} from '../subscription-support.js';
import { toPosition, toRecordedEvent } from './eventstoredb-recorded-event.js';

/**
 * A catch-up subscription to `$all`, filtered by stream prefix on the server, read in batches with
 * backpressure: the next batch is only pulled once the handler's promise resolved. A failed
 * handler gets the same batch again after a backoff; a dropped subscription is resumed from the
 * last delivered position.
 */
export class EventStoreDbSubscription implements EventSubscription {
  private readonly waker = new Waker();
  private readonly done: Promise<void>;
  private stream: AllStreamSubscription | null = null;
  private puller: BatchPuller | null = null;

  constructor(
    private readonly client: EventStoreDBClient,
    private readonly handler: BatchHandler,
    private readonly settings: SubscriptionSettings<EventStoreDbSubscription>,
  ) {
    this.done = this.run();
  }

  async close(): Promise<void> {
    this.waker.stop();
    this.puller?.cancel();
    await this.stream?.unsubscribe().catch(() => undefined);
    await this.done;
  }

  private async run(): Promise<void> {
    const { streamPrefixes, batchSize, onError } = this.settings;
    let after = this.settings.after;
    let failures = 0;
    try {
      while (!this.waker.isStopped) {
        const stream = this.client.subscribeToAll({
          fromPosition: after === null ? START : toPosition(after),
          filter:
            streamPrefixes.length > 0
              ? streamNameFilter({ prefixes: [...streamPrefixes] })
              : excludeSystemEvents(),
        });
        this.stream = stream;
        const pull = new BatchPuller(stream);
        this.puller = pull;
        try {
          for (;;) {
            const raw = await pull.next(batchSize);
            if (raw === null) break;
            const events: RecordedEvent[] = [];
            for (const resolved of raw) {
              const event = toRecordedEvent(resolved);
              if (!event || !matchesStreamPrefixes(event.streamId, streamPrefixes)) continue;
              if (after !== null && comparePositionPairs(event.position, after) <= 0) continue;
              events.push(event);
            }
            if (events.length === 0) continue;
            if (!(await this.deliver(events))) break;
            after = (events[events.length - 1] as RecordedEvent).position;
            failures = 0;
          }
        } catch (error) {
          if (this.waker.isStopped) break;
          onError(error, 'EventStoreDB subscription dropped; resubscribing');
          await this.waker.sleep(failureBackoffMs(failures++));
        } finally {
          pull.dispose();
          this.puller = null;
          this.stream = null;
          await stream.unsubscribe().catch(() => undefined);
        }
      }
    } finally {
      this.settings.onClosed(this);
    }
  }

  /** Hands the batch over until the handler takes it; false when closed first. */
  private async deliver(events: readonly RecordedEvent[]): Promise<boolean> {
    let failures = 0;
    while (!this.waker.isStopped) {
      try {
        await this.handler(events);
        return true;
      } catch (error) {
        this.settings.onError(
          error,
          'subscription handler failed; the same events will be delivered again',
        );
        await this.waker.sleep(failureBackoffMs(failures++));
      }
    }
    return false;
  }
}

/**
 * Pulls what a subscription stream has buffered, up to a batch, waiting (without polling) when it
 * has nothing. The stream's error and end are remembered, so none goes unhandled between pulls.
 */
class BatchPuller {
  private failure: unknown = null;
  private ended = false;
  private cancelled = false;
  private signal: (() => void) | null = null;
  private readonly onReadable = (): void => this.notify();
  private readonly onError = (error: unknown): void => {
    this.failure ??= error;
    this.notify();
  };
  private readonly onEnd = (): void => {
    this.ended = true;
    this.notify();
  };

  constructor(private readonly stream: AllStreamSubscription) {
    stream.on('readable', this.onReadable);
    stream.on('error', this.onError);
    stream.on('end', this.onEnd);
    stream.on('close', this.onEnd);
  }

  /** The next batch; null once the subscription is closed; throws when the stream failed. */
  async next(max: number): Promise<AllStreamResolvedEvent[] | null> {
    for (;;) {
      if (this.cancelled) return null;
      const batch: AllStreamResolvedEvent[] = [];
      while (batch.length < max) {
        const item = this.stream.read() as AllStreamResolvedEvent | null;
        if (item === null) break;
        batch.push(item);
      }
      if (batch.length > 0) return batch;
      if (this.failure !== null) throw this.failure;
      if (this.ended) throw new Error('EventStoreDB subscription ended');
      await new Promise<void>((resolve) => {
        this.signal = resolve;
      });
      this.signal = null;
    }
  }

  /** Ends a pending or future `next()` with null. */
  cancel(): void {
    this.cancelled = true;
    this.notify();
  }

  dispose(): void {
    this.stream.off('readable', this.onReadable);
    this.stream.off('end', this.onEnd);
    this.stream.off('close', this.onEnd);
    // Keep swallowing late errors of a stream being torn down.
    this.stream.off('error', this.onError);
    this.stream.on('error', () => undefined);
  }

  private notify(): void {
    this.signal?.();
  }
}
