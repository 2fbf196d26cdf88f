import pg from 'pg';
import {
  WrongExpectedRevisionError,
  type AppendResult,
  type ChainedMetadata,
  type EventMetadata,
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
  computeContentHash,
  metadataForHash,
} from '../../../application/ledger/event-integrity.js';
import type { JsonObject } from '../../../domain/shared/event.js';
import { comparePositionPairs, decodePositionPair, encodePositionPair } from '../pair-position.js';
import {
  subscriptionDefaults,
  type BatchHandler,
  type SubscriptionOptions,
} from '../subscription-support.js';
import { AppendBatcher, type AppendedAt, type PendingAppend } from './append-batcher.js';
import { CommitNotifier, LEDGER_CHANNEL } from './postgres-commit-notifier.js';
import { PostgresEventSubscriber } from './postgres-event-subscription.adapter.js';

const SQLSTATE_WRONG_EXPECTED_REVISION = 'LG409';

/** `onError` also receives the LISTEN connection's failures. */
export interface PostgresEventStoreOptions extends SubscriptionOptions {
  /**
   * How long a caught-up subscription waits for a notification before it reads anyway. Events
   * held back by an older open transaction become readable without a new notification, and a
   * notification can be lost while the LISTEN connection reconnects. Default 500 ms.
   */
  readonly idleReadMs?: number;
  /** Delay before the LISTEN connection is opened again after it failed. Default 1000 ms. */
  readonly listenRetryMs?: number;
  /**
   * Minimum spacing of this store's commit notifications. Appends that complete meanwhile are
   * announced together by the next one. Default 20 ms: a burst of appends costs a few
   * NOTIFYs, while another process hears of a commit at most 20 ms late (this process at once).
   */
  readonly notifyIntervalMs?: number;
  /**
   * Append statements in flight at once (AppendBatcher). Appends beyond them wait and go together
   * in one transaction. Default 2.
   */
  readonly maxConcurrentAppends?: number;
}

/** The JSON `ledger_append` receives for each event. */
export interface LedgerAppendEvent {
  readonly eventId: string;
  readonly type: string;
  readonly version: number;
  readonly data: JsonObject;
  readonly metadata: EventMetadata;
  readonly contentHash: string;
}

/**
 * The argument list of `ledger_append(stream_id, expected_revision, events)`: the expected revision
 * coded as -2 any, -1 no stream, n exactly n; the events with the content hash the chain needs.
 */
export function ledgerAppendArguments(
  streamId: string,
  events: readonly EventToAppend[],
  expectedRevision: ExpectedRevision,
): [string, number, string] {
  const payload: LedgerAppendEvent[] = events.map((event) => {
    const metadata = metadataForHash(event.metadata);
    return {
      eventId: event.eventId,
      type: event.type,
      version: event.version,
      data: event.data,
      metadata,
      contentHash: computeContentHash({ ...event, streamId, metadata }),
    };
  });
  const expected =
    expectedRevision === 'any' ? -2 : expectedRevision === 'no_stream' ? -1 : expectedRevision;
  return [streamId, expected, JSON.stringify(payload)];
}

const APPEND_SQL =
  'SELECT out_revision, out_transaction_id::text AS tx_id, out_position FROM ledger_append($1, $2, $3)';

const APPEND_BATCH_SQL = `SELECT appended, out_revision, out_transaction_id::text AS tx_id, out_position
  FROM ledger_append_batch($1) ORDER BY item`;

/** The most appends one `ledger_append_batch` carries. */
const MAX_APPENDS_PER_BATCH = 64;

// The transaction id travels as text (no JS type for xid8) under another name: an output column
// named transaction_id would make ORDER BY transaction_id sort the text, so '1000' < '998'.
export const EVENT_COLUMNS = `transaction_id::text AS tx_id, position, event_id, stream_id,
  stream_revision, type, version, data, metadata`;

// Gap-safe feed (docs/architecture.md, "PostgreSQL"): only transactions below the oldest running one, ordered by the pair
// (transaction_id, position) strictly after the checkpoint, never by position alone.
const READ_ALL_SQL = `SELECT ${EVENT_COLUMNS}
  FROM ledger_events
 WHERE transaction_id < (SELECT pg_snapshot_xmin(pg_current_snapshot()))
   AND (transaction_id, position) > ($1::text::xid8, $2::bigint)
   AND ($4::text[] IS NULL OR stream_id LIKE ANY ($4::text[]))
 ORDER BY transaction_id, position
 LIMIT $3`;

const HEAD_SQL = `SELECT transaction_id::text AS tx_id, position
  FROM ledger_events
 WHERE transaction_id < (SELECT pg_snapshot_xmin(pg_current_snapshot()))
 ORDER BY transaction_id DESC, position DESC
 LIMIT 1`;

const READ_STREAM_SQL = `SELECT ${EVENT_COLUMNS}
  FROM ledger_events WHERE stream_id = $1 ORDER BY stream_revision`;

const READ_STREAM_UNTIL_SQL = `SELECT ${EVENT_COLUMNS}
  FROM ledger_events WHERE stream_id = $1 AND occurred_at <= $2 ORDER BY stream_revision`;

// A range of the (stream_id, stream_revision) unique index: the cost is the tail's, not the stream's.
const READ_STREAM_FROM_SQL = `SELECT ${EVENT_COLUMNS}
  FROM ledger_events WHERE stream_id = $1 AND stream_revision >= $2
    AND ($3::timestamptz IS NULL OR occurred_at <= $3) ORDER BY stream_revision`;

export interface EventRow {
  tx_id: string;
  position: string;
  event_id: string;
  stream_id: string;
  stream_revision: string;
  type: string;
  version: number;
  data: JsonObject;
  metadata: ChainedMetadata;
}

interface AppendRow {
  out_revision: string;
  tx_id: string;
  out_position: string;
}

interface BatchAppendRow {
  appended: boolean;
  out_revision: string | null;
  tx_id: string | null;
  out_position: string | null;
}

function appendedAt(row: AppendRow): AppendedAt {
  return { revision: row.out_revision, transactionId: row.tx_id, position: row.out_position };
}

/** `[{ streamId, expectedRevision, events }]`, the events spliced in as they were serialised. */
function batchJson(appends: readonly PendingAppend[]): string {
  const items = appends.map(
    (append) =>
      `{"streamId":${JSON.stringify(append.streamId)},"expectedRevision":${JSON.stringify(append.expectedRevision)},"events":${append.eventsJson}}`,
  );
  return `[${items.join(',')}]`;
}

export function toRecordedEvent(row: EventRow): RecordedEvent {
  return {
    eventId: row.event_id,
    streamId: row.stream_id,
    revision: Number(row.stream_revision),
    position: encodePositionPair(row.tx_id, row.position),
    type: row.type,
    version: row.version,
    data: row.data,
    metadata: row.metadata,
  };
}

function likePrefix(prefix: string): string {
  return `${prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

function sqlState(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error
    ? String((error as { code: unknown }).code)
    : undefined;
}

/**
 * The ledger on PostgreSQL (migration 001-ledger-events).
 *
 * Ownership: a store built with `new PostgresEventStore(pool)` borrows the pool, and `close()`
 * leaves it open for its owner; `PostgresEventStore.connect(url)` creates a pool that the store
 * owns and ends on `close()`. Either way `close()` stops every subscription and the LISTEN
 * connection (a client of its own, made from the pool's settings, outside the pool).
 * Subscriptions are served by `PostgresEventSubscriber`, which this store wakes on its own commits.
 */
export class PostgresEventStore implements EventStore {
  private readonly subscriber: PostgresEventSubscriber;
  private readonly notifier: CommitNotifier;
  private readonly appends: AppendBatcher;
  private closed = false;

  constructor(
    private readonly pool: pg.Pool,
    options: PostgresEventStoreOptions = {},
    private readonly ownsPool = false,
  ) {
    const { batchSize, onError } = subscriptionDefaults(options);
    this.subscriber = new PostgresEventSubscriber({
      openListener: () => new pg.Client(this.pool.options),
      readAll: (readOptions) => this.readAll(readOptions),
      idleReadMs: options.idleReadMs ?? 500,
      listenRetryMs: options.listenRetryMs ?? 1000,
      batchSize,
      onError,
    });
    this.notifier = new CommitNotifier(
      async (payload) => {
        // NOTIFY gives its transaction an id, and so a commit record to flush: not worth
        // waiting for, as the notice carries nothing durable (the events are committed already).
        await this.pool.query({
          name: 'ledger_notify',
          text: "SELECT set_config('synchronous_commit', 'off', true), pg_notify($1, $2)",
          values: [LEDGER_CHANNEL, payload],
        });
      },
      options.notifyIntervalMs ?? 20,
      onError,
    );
    this.appends = new AppendBatcher({
      appendAlone: (append) => this.appendAlone(append),
      appendTogether: (appends) => this.appendTogether(appends),
      maxInFlight: options.maxConcurrentAppends ?? 2,
      maxBatch: MAX_APPENDS_PER_BATCH,
      onBatchFailed: (error) => onError(error, 'ledger_append_batch failed; its appends go alone'),
    });
  }

  /** A store with a pool of its own, ended by `close()`. */
  static connect(
    connectionString: string,
    options: PostgresEventStoreOptions & { readonly poolSize?: number } = {},
  ): PostgresEventStore {
    const pool = new pg.Pool({ connectionString, max: options.poolSize ?? 10 });
    const { onError } = subscriptionDefaults(options);
    // An idle pooled connection that dies is replaced on demand; without a listener it would crash.
    pool.on('error', (error) => onError(error, 'idle PostgreSQL connection failed'));
    return new PostgresEventStore(pool, options, true);
  }

  async appendToStream(
    streamId: string,
    events: readonly EventToAppend[],
    options: { readonly expectedRevision: ExpectedRevision },
  ): Promise<AppendResult> {
    if (events.length === 0) throw new RangeError('appendToStream needs at least one event');
    const { expectedRevision } = options;
    const [, expected, eventsJson] = ledgerAppendArguments(streamId, events, expectedRevision);
    let at: AppendedAt;
    try {
      at = await this.appends.append({ streamId, expectedRevision: expected, eventsJson });
    } catch (error) {
      if (sqlState(error) === SQLSTATE_WRONG_EXPECTED_REVISION) {
        const actual = Number((error as { detail?: string }).detail ?? '-1');
        throw new WrongExpectedRevisionError(
          streamId,
          expectedRevision,
          actual < 0 ? 'no_stream' : actual,
        );
      }
      throw error;
    }
    // Committed: tell other processes, and wake local subscribers without a round trip.
    const transactionId = BigInt(at.transactionId);
    this.notifier.announce(transactionId, streamId);
    this.subscriber.wake(transactionId, [streamId]);
    return {
      revision: Number(at.revision),
      position: encodePositionPair(at.transactionId, at.position),
    };
  }

  /** One autocommit statement: one round trip, atomic. */
  private async appendAlone(append: PendingAppend): Promise<AppendedAt> {
    const result = await this.pool.query<AppendRow>({
      name: 'ledger_append',
      text: APPEND_SQL,
      values: [append.streamId, append.expectedRevision, append.eventsJson],
    });
    const row = result.rows[0];
    if (!row) throw new Error(`ledger_append returned nothing for stream ${append.streamId}`);
    return appendedAt(row);
  }

  private async appendTogether(
    appends: readonly PendingAppend[],
  ): Promise<ReadonlyArray<AppendedAt | null>> {
    const result = await this.pool.query<BatchAppendRow>({
      name: 'ledger_append_batch',
      text: APPEND_BATCH_SQL,
      values: [batchJson(appends)],
    });
    return result.rows.map((row) =>
      row.appended && row.out_revision !== null && row.tx_id !== null && row.out_position !== null
        ? { revision: row.out_revision, transactionId: row.tx_id, position: row.out_position }
        : null,
    );
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    if (options.fromRevision !== undefined && options.fromRevision > 0) {
      const result = await this.pool.query<EventRow>({
        name: 'ledger_read_stream_from',
        text: READ_STREAM_FROM_SQL,
        values: [streamId, options.fromRevision, options.until?.toISOString() ?? null],
      });
      return result.rows.map(toRecordedEvent);
    }
    const result = options.until
      ? await this.pool.query<EventRow>({
          name: 'ledger_read_stream_until',
          text: READ_STREAM_UNTIL_SQL,
          values: [streamId, options.until.toISOString()],
        })
      : await this.pool.query<EventRow>({
          name: 'ledger_read_stream',
          text: READ_STREAM_SQL,
          values: [streamId],
        });
    return result.rows.map(toRecordedEvent);
  }

  async readAll(options: ReadAllOptions): Promise<RecordedEvent[]> {
    const after =
      options.after === null ? { high: 0n, low: 0n } : decodePositionPair(options.after);
    const prefixes =
      options.streamPrefixes && options.streamPrefixes.length > 0
        ? options.streamPrefixes.map(likePrefix)
        : null;
    const result = await this.pool.query<EventRow>({
      name: 'ledger_read_all',
      text: READ_ALL_SQL,
      values: [after.high.toString(), after.low.toString(), options.limit, prefixes],
    });
    return result.rows.map(toRecordedEvent);
  }

  subscribe(options: SubscribeOptions, handler: BatchHandler): EventSubscription {
    return this.subscriber.subscribe(options, handler);
  }

  async headPosition(): Promise<LedgerPosition | null> {
    const result = await this.pool.query<{ tx_id: string; position: string }>({
      name: 'ledger_head',
      text: HEAD_SQL,
    });
    const row = result.rows[0];
    return row ? encodePositionPair(row.tx_id, row.position) : null;
  }

  comparePositions(a: LedgerPosition, b: LedgerPosition): number {
    return comparePositionPairs(a, b);
  }

  async ping(): Promise<void> {
    await this.pool.query('SELECT 1');
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.appends.idle();
    await this.subscriber.close();
    await this.notifier.close();
    if (this.ownsPool) await this.pool.end();
  }
}
