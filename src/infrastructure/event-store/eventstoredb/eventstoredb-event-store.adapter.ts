import {
  BACKWARDS,
  END,
  EventStoreDBClient,
  FORWARDS,
  NO_STREAM,
  START,
  StreamNotFoundError,
  WrongExpectedVersionError,
  jsonEvent,
  type Position,
} from '@eventstore/db-client';
import {
  WrongExpectedRevisionError,
  type AppendResult,
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
import { comparePositionPairs, encodePositionPair } from '../pair-position.js';
import { matchesStreamPrefixes } from '../stream-prefix.js';
import {
  OpenSubscriptions,
  subscriptionDefaults,
  type BatchHandler,
  type SubscriptionOptions,
} from '../subscription-support.js';
import { EventStoreDbSubscription } from './eventstoredb-event-subscription.adapter.js';
import {
  SCHEMA_VERSION_KEY,
  toPosition,
  toRecordedEvent,
  type LedgerJsonEvent,
} from './eventstoredb-recorded-event.js';

export interface EventStoreDbEventStoreOptions extends SubscriptionOptions {
  /** How often an `'any'` append is retried when another writer got in first. Default 50. */
  readonly maxAppendAttempts?: number;
  /**
   * How many of a stream's newest events an `'any'` append looks through for its own event ids,
   * to answer a retry with the original result. Default 64.
   */
  readonly idempotencyWindow?: number;
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
 * connect(url)` creates one that `close()` disposes of. Subscriptions are catch-up subscriptions
 * to `$all` on the same client (eventstoredb-event-subscription.adapter.ts).
 */
export class EventStoreDbEventStore implements EventStore {
  private readonly subscriptions: OpenSubscriptions<EventStoreDbSubscription>;
  private readonly maxAppendAttempts: number;
  private readonly idempotencyWindow: number;
  private closed = false;

  constructor(
    private readonly client: EventStoreDBClient,
    options: EventStoreDbEventStoreOptions = {},
    private readonly ownsClient = false,
  ) {
    this.subscriptions = new OpenSubscriptions(
      subscriptionDefaults(options),
      (settings, handler) => new EventStoreDbSubscription(client, handler, settings),
    );
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
    const from = options.fromRevision ?? 0;
    const events: RecordedEvent[] = [];
    try {
      for await (const resolved of this.client.readStream(streamId, {
        direction: FORWARDS,
        fromRevision: from > 0 ? BigInt(from) : START,
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
        if (!event || !matchesStreamPrefixes(event.streamId, options.streamPrefixes)) continue;
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

  subscribe(options: SubscribeOptions, handler: BatchHandler): EventSubscription {
    return this.subscriptions.subscribe(options, handler);
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
    await this.subscriptions.close();
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
