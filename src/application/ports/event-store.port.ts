import type { Actor } from '../../domain/shared/actor.js';
import type { JsonObject } from '../../domain/shared/event.js';

export const EVENT_STORE = Symbol('EVENT_STORE');

/**
 * A point in the global event feed: an opaque decimal string. Only `comparePositions` orders two
 * positions; clients never do arithmetic on one. In the PostgreSQL adapter it encodes the pair
 * (transaction id, sequence) so that it sorts exactly as the gap-safe feed is read.
 */
export type LedgerPosition = string;

export interface RequestOrigin {
  readonly ip?: string;
  readonly userAgent?: string;
}

/** The envelope metadata (docs/architecture.md, "The event envelope"); `hash`/`previousHash` are set by the store on append. */
export interface EventMetadata {
  readonly actor: Actor;
  readonly occurredAt: string;
  readonly correlationId: string;
  readonly causationId: string | null;
  readonly origin?: RequestOrigin;
}

export interface ChainedMetadata extends EventMetadata {
  /** SHA-256 (hex) of the event's canonical content, including `previousHash`. */
  readonly hash: string;
  /** The hash of the previous event of the same stream; null for revision 0. */
  readonly previousHash: string | null;
}

export interface EventToAppend {
  readonly eventId: string;
  readonly type: string;
  /** Schema version of `data` for this event type. */
  readonly version: number;
  readonly data: JsonObject;
  readonly metadata: EventMetadata;
}

export interface RecordedEvent {
  readonly eventId: string;
  readonly streamId: string;
  /** 0 for the first event of a stream. */
  readonly revision: number;
  readonly position: LedgerPosition;
  readonly type: string;
  readonly version: number;
  readonly data: JsonObject;
  readonly metadata: ChainedMetadata;
}

/** `no_stream`: the stream must not exist; a number: its current last revision must be that. */
export type ExpectedRevision = 'any' | 'no_stream' | number;

export interface AppendResult {
  /** The revision of the last event now in the stream. */
  readonly revision: number;
  /** The position of the last appended event. */
  readonly position: LedgerPosition;
}

export interface ReadStreamOptions {
  /** Only events that occurred at or before this instant (for "state at time T"). */
  readonly until?: Date;
  /**
   * Only events at or after this revision: a reader that already folded the earlier ones (a
   * cached state) reads just what was appended since.
   */
  readonly fromRevision?: number;
}

export interface ReadAllOptions {
  /** Exclusive; null reads from the very beginning. */
  readonly after: LedgerPosition | null;
  readonly limit: number;
  /** Only streams whose id starts with one of these. */
  readonly streamPrefixes?: readonly string[];
}

export interface SubscribeOptions {
  readonly after: LedgerPosition | null;
  readonly streamPrefixes?: readonly string[];
  readonly batchSize?: number;
}

export interface EventSubscription {
  close(): Promise<void>;
}

/** Live delivery of the global feed, apart from appending and reading it. */
export interface EventSubscriber {
  /**
   * Delivers every event after `after`, in feed order, batch by batch; the handler's promise is
   * awaited before the next batch. Waits without polling when caught up.
   */
  subscribe(
    options: SubscribeOptions,
    handler: (events: readonly RecordedEvent[]) => Promise<void>,
  ): EventSubscription;

  /** Stops every subscription it started. */
  close(): Promise<void>;
}

/** The ledger: streams appended and read, and the global feed read and subscribed to. */
export interface EventStore extends EventSubscriber {
  /**
   * Appends atomically, or not at all. Throws `WrongExpectedRevisionError` on a revision mismatch.
   * Re-appending events whose ids are already in the stream is a no-op answered with their result.
   */
  appendToStream(
    streamId: string,
    events: readonly EventToAppend[],
    options: { readonly expectedRevision: ExpectedRevision },
  ): Promise<AppendResult>;

  /** The stream's events in revision order; empty when it does not exist. */
  readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;

  /** A batch of the global feed after `after`, in commit order, never skipping a later commit. */
  readAll(options: ReadAllOptions): Promise<RecordedEvent[]>;

  /** The position of the newest readable event, or null for an empty store. */
  headPosition(): Promise<LedgerPosition | null>;

  /** Compares two positions of this store: negative, zero or positive. */
  comparePositions(a: LedgerPosition, b: LedgerPosition): number;

  /** Health probe: throws when the store cannot be reached. */
  ping(): Promise<void>;

  close(): Promise<void>;
}

export class WrongExpectedRevisionError extends Error {
  constructor(
    readonly streamId: string,
    readonly expected: ExpectedRevision,
    readonly actual: number | 'no_stream',
  ) {
    super(`Stream ${streamId} is at ${String(actual)}, expected ${String(expected)}`);
    this.name = 'WrongExpectedRevisionError';
  }
}
