import { chainHash, computeContentHash } from '../../src/application/ledger/event-integrity.js';
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
} from '../../src/application/ports/event-store.port.js';
import type { JsonObject } from '../../src/domain/shared/event.js';

/** A failed subscription batch is delivered again after this pause, as the real adapters do. */
const REDELIVERY_DELAY_MS = 20;

/**
 * The EventStore port in memory, for unit tests of the application layer: the same revisions,
 * idempotent re-appends, hash chain and feed order as the real adapters (the event-store contract
 * suite runs against it too). Positions are the feed's sequence numbers as decimal strings.
 */
export class InMemoryEventStore implements EventStore {
  private readonly feed: RecordedEvent[] = [];
  private readonly streams = new Map<string, RecordedEvent[]>();
  private readonly listeners = new Set<() => void>();

  async appendToStream(
    streamId: string,
    events: readonly EventToAppend[],
    options: { readonly expectedRevision: ExpectedRevision },
  ): Promise<AppendResult> {
    const stream = this.streams.get(streamId) ?? [];
    const known = events.map((event) => stream.find((stored) => stored.eventId === event.eventId));
    if (events.length > 0 && known.every((stored) => stored !== undefined)) {
      const last = known.at(-1) as RecordedEvent;
      return { revision: last.revision, position: last.position };
    }
    const actual = stream.length === 0 ? 'no_stream' : stream.length - 1;
    const { expectedRevision } = options;
    if (expectedRevision !== 'any' && expectedRevision !== actual) {
      throw new WrongExpectedRevisionError(streamId, expectedRevision, actual);
    }
    let previousHash = stream.at(-1)?.metadata.hash ?? null;
    for (const event of events) {
      const revision = stream.length;
      const position = String(this.feed.length + 1);
      const content = { ...event, streamId };
      const hash = chainHash(previousHash, computeContentHash(content));
      const recorded: RecordedEvent = {
        ...event,
        streamId,
        revision,
        position,
        metadata: { ...event.metadata, hash, previousHash },
      };
      stream.push(recorded);
      this.feed.push(recorded);
      previousHash = hash;
    }
    this.streams.set(streamId, stream);
    for (const listener of this.listeners) listener();
    const last = stream.at(-1) as RecordedEvent;
    return { revision: last.revision, position: last.position };
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const { until, fromRevision = 0 } = options;
    const stream = (this.streams.get(streamId) ?? []).filter(
      (event) => event.revision >= fromRevision,
    );
    return until === undefined
      ? stream
      : stream.filter((event) => Date.parse(event.metadata.occurredAt) <= until.getTime());
  }

  async readAll(options: ReadAllOptions): Promise<RecordedEvent[]> {
    return this.after(options.after, options.streamPrefixes).slice(0, options.limit);
  }

  subscribe(
    options: SubscribeOptions,
    handler: (events: readonly RecordedEvent[]) => Promise<void>,
  ): EventSubscription {
    let after = options.after;
    let closed = false;
    let wake: (() => void) | null = null;
    const listener = (): void => wake?.();
    this.listeners.add(listener);
    const loop = async (): Promise<void> => {
      while (!closed) {
        const batch = this.after(after, options.streamPrefixes).slice(0, options.batchSize ?? 100);
        if (batch.length === 0) {
          await new Promise<void>((resolve) => (wake = resolve));
          wake = null;
          continue;
        }
        try {
          await handler(batch);
          after = (batch.at(-1) as RecordedEvent).position;
        } catch {
          await new Promise((resolve) => setTimeout(resolve, REDELIVERY_DELAY_MS));
        }
      }
    };
    const running = loop();
    return {
      close: async () => {
        closed = true;
        this.listeners.delete(listener);
        wake?.();
        await running;
      },
    };
  }

  async headPosition(): Promise<LedgerPosition | null> {
    return this.feed.at(-1)?.position ?? null;
  }

  comparePositions(a: LedgerPosition, b: LedgerPosition): number {
    return Number(a) - Number(b);
  }

  async ping(): Promise<void> {}

  async close(): Promise<void> {}

  /** Changes stored events behind the store's back, as the integrity checks must detect. */
  readonly tamper = {
    alterEventData: async (streamId: string, revision: number, data: JsonObject) => {
      const stream = this.streams.get(streamId) ?? [];
      const event = stream[revision];
      if (event) stream[revision] = { ...event, data };
    },
    removeEvent: async (streamId: string, revision: number) => {
      (this.streams.get(streamId) ?? []).splice(revision, 1);
    },
  };

  private after(
    position: LedgerPosition | null,
    prefixes: readonly string[] | undefined,
  ): RecordedEvent[] {
    const start = position === null ? 0 : Number(position);
    return this.feed
      .slice(start)
      .filter(
        (event) => prefixes === undefined || prefixes.some((p) => event.streamId.startsWith(p)),
      );
  }
}
