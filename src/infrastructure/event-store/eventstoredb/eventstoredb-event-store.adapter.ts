import {
  BACKWARDS,
  END,
  EventStoreDBClient,
  FORWARDS,
  NO_STREAM,
  START,
  StreamNotFoundError,
  WrongExpectedVersionError,
  excludeSystemEvents,
  jsonEvent,
  streamNameFilter,
  type AllStreamResolvedEvent,
  type AllStreamSubscription,
  type JSONEventType,
  type Position,
  type ResolvedEvent,
} from '@eventstore/db-client';
import {
  WrongExpectedRevisionError,
  type AppendResult,
  type ChainedMetadata,
  type EventStore,
  type EventSubscription,
  type EventToAppend,
  type ExpectedRevision,
  type LedgerPosition,
  type ReadAllOptions,
  type ReadStreamOptions,
  type RecordedEvent,
  type SubscribeOptions,
} from '../../../application/ports/event-store.port.js';
import {
  chainHash,
  computeContentHash,
  metadataForHash,
} from '../../../application/ledger/event-integrity.js';
import type { JsonObject } from '../../../domain/shared/event.js';
import { comparePositionPairs, decodePositionPair, encodePositionPair } from '../pair-position.js';
import {
  Waker,
  failureBackoffMs,
  reportToStderr,
  type ErrorReporter,
} from '../subscription-support.js';

export interface EventStoreDbEventStoreOptions {
  /** Default page size of subscriptions. Default 500. */
  readonly batchSize?: number;
  /** Receives subscription failures (they are retried, never thrown). */
  readonly onError?: ErrorReporter;
  /** How often an `'any'` append is retried when another writer got in first. Default 50. */
  readonly maxAppendAttempts?: number;
  /**
   * How many of a stream's newest events an `'any'` append looks through for its own event ids,
   * to answer a retry with the original result. Default 64.
   */
  readonly idempotencyWindow?: number;
}

/** Stored in EventStoreDB's metadata next to the envelope; taken out again on read. */
const SCHEMA_VERSION_KEY = 'schemaVersion';

type LedgerJsonEvent = JSONEventType<string, JsonObject, Record<string, unknown>>;

function toPosition(position: LedgerPosition): Position {
  const { high, low } = decodePositionPair(position);
  return { commit: high, prepare: low };
}

function isLedgerMetadata(metadata: unknown): metadata is Record<string, unknown> {
  return (
    typeof metadata === 'object' &&
    metadata !== null &&
    !Array.isArray(metadata) &&
    !(metadata instanceof Uint8Array) &&
    typeof (metadata as { hash?: unknown }).hash === 'string'
  );
}

/**
 * Maps what EventStoreDB returns to a ledger event; null for anything this adapter did not write
 * (system streams, links, binary events, events without the ledger envelope).
 */
function toRecordedEvent(resolved: ResolvedEvent | AllStreamResolvedEvent): RecordedEvent | null {
  const event = resolved.event;
  if (!event || !event.isJson || event.streamId.startsWith('$')) return null;
  if (!isLedgerMetadata(event.metadata)) return null;
  if (!event.position) {
    throw new Error(
      'EventStoreDB did not report event positions: the ledger needs server 22.6 or newer',
    );
  }
  const { [SCHEMA_VERSION_KEY]: schemaVersion, ...metadata } = event.metadata;
  return {
    eventId: event.id,
    streamId: event.streamId,
    revision: Number(event.revision),
    position: encodePositionPair(event.position.commit, event.position.prepare),
    type: event.type,
    version: typeof schemaVersion === 'number' ? schemaVersion : 1,
    data: event.data as JsonObject,
    metadata: metadata as unknown as ChainedMetadata,
  };
}

function matchesPrefixes(streamId: string, prefixes: readonly string[] | undefined): boolean {
  return (
    !prefixes || prefixes.length === 0 || prefixes.some((prefix) => streamId.startsWith(prefix))
  );
}

function jitter(maxMs: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.floor(Math.random() * maxMs)));
}

/**
 * The ledger on EventStoreDB / KurrentDB. Positions pack (commit, prepare) of the `$all` log.
 *
 * The hash chain needs the previous event's hash, so every append first reads the stream's newest
 * event and then appends with exactly that revision; when another writer got in between, an
 * `'any'` append reads and tries again, an exact one reports the conflict. A re-append of event
 * ids already in the stream is answered with their original result.
 *
 * Ownership: `new EventStoreDbEventStore(client)` borrows the client; `EventStoreDbEventStore.
 * connect(url)` creates one that `close()` disposes of.
 */
export class EventStoreDbEventStore implements EventStore {
  private readonly batchSize: number;
  private readonly onError: ErrorReporter;
  private readonly maxAppendAttempts: number;
  private readonly idempotencyWindow: number;
  private readonly subscriptions = new Set<EventStoreDbSubscription>();
  private closed = false;

  constructor(
    private readonly client: EventStoreDBClient,
    options: EventStoreDbEventStoreOptions = {},
    private readonly ownsClient = false,
  ) {
    this.batchSize = options.batchSize ?? 500;
    this.onError = options.onError ?? reportToStderr;
    this.maxAppendAttempts = options.maxAppendAttempts ?? 50;
    this.idempotencyWindow = options.idempotencyWindow ?? 64;
  }

  static connect(
    connectionString: string,
    options: EventStoreDbEventStoreOptions = {},
  ): EventStoreDbEventStore {
    return new EventStoreDbEventStore(
      EventStoreDBClient.connectionString(connectionString),
      options,
      true,
    );
  }

  async appendToStream(
    streamId: string,
    events: readonly EventToAppend[],
    options: { readonly expectedRevision: ExpectedRevision },
  ): Promise<AppendResult> {
    if (events.length === 0) throw new RangeError('appendToStream needs at least one event');
    const { expectedRevision } = options;
    const ids = events.map((event) => event.eventId);

    for (let attempt = 1; ; attempt += 1) {
      const newest = await this.newestEvents(
        streamId,
        expectedRevision === 'any' ? Math.max(this.idempotencyWindow, ids.length) : 1,
      );
      const last = newest[0] ?? null;
      const current = last ? last.revision : -1;

      if (expectedRevision === 'any') {
        const earlier = findBatch(newest, ids);
        if (earlier) return earlier;
      } else {
        const expected = expectedRevision === 'no_stream' ? -1 : expectedRevision;
        if (expected !== current) {
          const earlier = await this.batchAt(streamId, expected + 1, ids);
          if (earlier) return earlier;
          throw new WrongExpectedRevisionError(
            streamId,
            expectedRevision,
            current < 0 ? 'no_stream' : current,
          );
        }
      }

      let previousHash = last ? last.metadata.hash : null;
      const data = events.map((event) => {
        const metadata = metadataForHash(event.metadata);
        const hash = chainHash(previousHash, computeContentHash({ ...event, streamId, metadata }));
        const stored = { ...metadata, hash, previousHash, [SCHEMA_VERSION_KEY]: event.version };
        previousHash = hash;
        return jsonEvent<LedgerJsonEvent>({
          id: event.eventId,
          type: event.type,
          data: event.data,
          metadata: stored as unknown as Record<string, unknown>,
        });
      });

      let result: Awaited<ReturnType<EventStoreDBClient['appendToStream']>>;
      try {
        result = await this.client.appendToStream(streamId, data, {
          expectedRevision: current < 0 ? NO_STREAM : BigInt(current),
        });
      } catch (error) {
        if (!(error instanceof WrongExpectedVersionError)) throw error;
        // Another writer appended after our read. An exact expectation is settled by the next
        // pass (it was our own earlier attempt, or it is a conflict); 'any' simply tries again.
        if (expectedRevision === 'any') {
          if (attempt >= this.maxAppendAttempts) {
            throw new Error(
              `Stream ${streamId}: gave up after ${attempt} attempts lost to concurrent appends`,
              { cause: error },
            );
          }
          await jitter(Math.min(5 * attempt, 50));
        }
        continue;
      }
      const revision = Number(result.nextExpectedRevision);
      return { revision, position: await this.positionOf(streamId, revision, result.position) };
    }
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const until = options.until?.getTime();
    const events: RecordedEvent[] = [];
    try {
      for await (const resolved of this.client.readStream(streamId, {
        direction: FORWARDS,
        fromRevision: START,
      })) {
        const event = toRecordedEvent(resolved);
        if (!event) continue;
        if (until !== undefined && Date.parse(event.metadata.occurredAt) > until) continue;
        events.push(event);
      }
    } catch (error) {
      if (error instanceof StreamNotFoundError) return [];
      throw error;
    }
    return events;
  }

  async readAll(options: ReadAllOptions): Promise<RecordedEvent[]> {
    const events: RecordedEvent[] = [];
    if (options.limit <= 0) return events;
    const reader = this.client.readAll({
      direction: FORWARDS,
      fromPosition: options.after === null ? START : toPosition(options.after),
    });
    try {
      // The client of this version cannot filter a read of $all on the server: filter here.
      for await (const resolved of reader) {
        const event = toRecordedEvent(resolved);
        if (!event || !matchesPrefixes(event.streamId, options.streamPrefixes)) continue;
        // A read starts at its position inclusively; the port's `after` is exclusive.
        if (options.after !== null && comparePositionPairs(event.position, options.after) <= 0) {
          continue;
        }
        events.push(event);
        if (events.length >= options.limit) break;
      }
    } finally {
      // Leaving the loop early does not end the gRPC call by itself.
      await reader.cancel();
    }
    return events;
  }

  subscribe(
    options: SubscribeOptions,
    handler: (events: readonly RecordedEvent[]) => Promise<void>,
  ): EventSubscription {
    if (this.closed) throw new Error('The event store is closed');
    const subscription = new EventStoreDbSubscription(this.client, handler, {
      after: options.after,
      streamPrefixes: options.streamPrefixes ?? [],
      batchSize: options.batchSize ?? this.batchSize,
      onError: this.onError,
      onClosed: (sub) => this.subscriptions.delete(sub),
    });
    this.subscriptions.add(subscription);
    return subscription;
  }

  async headPosition(): Promise<LedgerPosition | null> {
    const reader = this.client.readAll({ direction: BACKWARDS, fromPosition: END });
    try {
      for await (const resolved of reader) {
        const event = toRecordedEvent(resolved);
        if (event) return event.position;
      }
      return null;
    } finally {
      await reader.cancel();
    }
  }

  comparePositions(a: LedgerPosition, b: LedgerPosition): number {
    return comparePositionPairs(a, b);
  }

  async ping(): Promise<void> {
    for await (const _ of this.client.readAll({
      direction: BACKWARDS,
      fromPosition: END,
      maxCount: 1,
    })) {
      // Reaching the server is all we need.
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.subscriptions].map((subscription) => subscription.close()));
    if (this.ownsClient) await this.client.dispose();
  }

  /** The stream's newest events, newest first; empty when the stream does not exist. */
  private async newestEvents(streamId: string, count: number): Promise<RecordedEvent[]> {
    const events: RecordedEvent[] = [];
    try {
      for await (const resolved of this.client.readStream(streamId, {
        direction: BACKWARDS,
        fromRevision: END,
        maxCount: count,
      })) {
        const event = toRecordedEvent(resolved);
        if (event) events.push(event);
      }
    } catch (error) {
      if (error instanceof StreamNotFoundError) return [];
      throw error;
    }
    return events;
  }

  /** The result of an earlier append of exactly `ids` starting at `revision`, if there was one. */
  private async batchAt(
    streamId: string,
    revision: number,
    ids: readonly string[],
  ): Promise<AppendResult | null> {
    const found: RecordedEvent[] = [];
    try {
      for await (const resolved of this.client.readStream(streamId, {
        direction: FORWARDS,
        fromRevision: BigInt(revision),
        maxCount: ids.length,
      })) {
        const event = toRecordedEvent(resolved);
        if (event) found.push(event);
      }
    } catch (error) {
      if (error instanceof StreamNotFoundError) return null;
      throw error;
    }
    if (found.length !== ids.length || found.some((event, i) => event.eventId !== ids[i])) {
      return null;
    }
    const last = found[found.length - 1] as RecordedEvent;
    return { revision: last.revision, position: last.position };
  }

  private async positionOf(
    streamId: string,
    revision: number,
    reported: Position | undefined,
  ): Promise<LedgerPosition> {
    for await (const resolved of this.client.readStream(streamId, {
      direction: FORWARDS,
      fromRevision: BigInt(revision),
      maxCount: 1,
    })) {
      const event = toRecordedEvent(resolved);
      if (event) return event.position;
    }
    if (reported) return encodePositionPair(reported.commit, reported.prepare);
    throw new Error(`Stream ${streamId}: revision ${revision} not found right after appending it`);
  }
}

/** `ids` as one consecutive batch among `newest` (newest first), as an append result. */
function findBatch(newest: readonly RecordedEvent[], ids: readonly string[]): AppendResult | null {
  const firstAt = newest.findIndex((event) => event.eventId === ids[0]);
  if (firstAt < 0) return null;
  // Newest first: the batch's later events sit at lower indexes.
  for (let i = 0; i < ids.length; i += 1) {
    if (newest[firstAt - i]?.eventId !== ids[i]) return null;
  }
  const last = newest[firstAt - ids.length + 1] as RecordedEvent;
  return { revision: last.revision, position: last.position };
}

interface EventStoreDbSubscriptionSettings {
  readonly after: LedgerPosition | null;
  readonly streamPrefixes: readonly string[];
  readonly batchSize: number;
  readonly onError: ErrorReporter;
  readonly onClosed: (subscription: EventStoreDbSubscription) => void;
}

/**
 * A catch-up subscription to `$all`, filtered by stream prefix on the server, read in batches with
 * backpressure: the next batch is only pulled once the handler's promise resolved. A failed
 * handler gets the same batch again after a backoff; a dropped subscription is resumed from the
 * last delivered position.
 */
class EventStoreDbSubscription implements EventSubscription {
  private readonly waker = new Waker();
  private readonly done: Promise<void>;
  private stream: AllStreamSubscription | null = null;
  private puller: BatchPuller | null = null;

  constructor(
    private readonly client: EventStoreDBClient,
    private readonly handler: (events: readonly RecordedEvent[]) => Promise<void>,
    private readonly settings: EventStoreDbSubscriptionSettings,
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
              if (!event || !matchesPrefixes(event.streamId, streamPrefixes)) continue;
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
