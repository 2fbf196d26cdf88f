import { CALL_STREAM_PREFIX } from '../../domain/call/call.decider.js';
import { evolve } from '../../domain/call/call.evolve.js';
import { initialState, isFinished, type CallState } from '../../domain/call/call.state.js';
import { parseCallEvent } from '../../domain/call/parse-call-event.js';
import type { EventStore, LedgerPosition, RecordedEvent } from '../ports/event-store.port.js';
import { notificationsFor } from './call-notifications.js';
import type { SignalingEmitter } from './signaling-emitter.port.js';

export interface LedgerNotifierLogger {
  warn(message: string, fields?: Record<string, unknown>): void;
}

export interface LedgerNotifierOptions {
  /** Calls kept folded in memory; a call not in the cache is read from its stream. */
  readonly cacheSize?: number;
  /** Attempts at one event before the batch is given up (and taken again from the checkpoint). */
  readonly attempts?: number;
  /** Wait before the second attempt; doubled before each next one. */
  readonly firstRetryMs?: number;
}

/** The streams whose events make notifications. */
export const NOTIFIED_STREAM_PREFIXES: readonly string[] = [CALL_STREAM_PREFIX];

/**
 * An event still not notified after every attempt. Its message names the event by id and type
 * only, whatever the cause said: it is logged by whoever retries.
 */
export class NotificationFailedError extends Error {
  constructor(
    readonly eventId: string,
    readonly eventType: string,
  ) {
    super(`could not notify sockets of ledger event ${eventId} (${eventType})`);
    this.name = 'NotificationFailedError';
  }
}

interface CachedCall {
  readonly state: CallState;
  readonly revision: number;
}

const DEFAULT_CACHE_SIZE = 10_000;
const DEFAULT_ATTEMPTS = 5;
const DEFAULT_FIRST_RETRY_MS = 50;

/**
 * Turns ledger events into server -> client notifications, so that whatever changed a call (a
 * REST request on another instance, a timer, a socket command) reaches the sockets.
 *
 * Delivery is at least once. The notifier is driven from a durable checkpoint (see
 * socket-notifications.projection.ts), which only moves past an event once its notifications went
 * out; an event whose handling fails is tried again, with backoff, and then again from the
 * checkpoint, never skipped. An event may therefore be notified twice (a retried batch, a crash
 * before the checkpoint moved): every payload carries the ledger `eventId`, by which the client
 * drops the repeat.
 */
export class LedgerNotifier {
  private readonly calls = new Map<string, CachedCall>();
  private readonly cacheSize: number;
  private readonly attempts: number;
  private readonly firstRetryMs: number;
  /**
   * The last event this process notified. A batch taken again from the checkpoint after a failure
   * skips what this process already sent; another process taking over sends it again.
   */
  private notifiedThrough: LedgerPosition | null = null;

  constructor(
    private readonly store: EventStore,
    private readonly emitter: SignalingEmitter,
    private readonly logger: LedgerNotifierLogger,
    options: LedgerNotifierOptions = {},
  ) {
    this.cacheSize = options.cacheSize ?? DEFAULT_CACHE_SIZE;
    this.attempts = Math.max(1, options.attempts ?? DEFAULT_ATTEMPTS);
    this.firstRetryMs = options.firstRetryMs ?? DEFAULT_FIRST_RETRY_MS;
  }

  /**
   * Notifies each event in order. Rejects when an event still fails after every attempt: the
   * caller keeps its position and delivers the same events again later.
   */
  async notify(events: readonly RecordedEvent[]): Promise<void> {
    for (const event of events) {
      if (this.alreadyNotified(event)) continue;
      await this.notifyWithRetries(event);
      this.notifiedThrough = event.position;
    }
  }

  /** Forgets the folded calls (they are read again from their streams). */
  forget(): void {
    this.calls.clear();
  }

  private alreadyNotified(event: RecordedEvent): boolean {
    const through = this.notifiedThrough;
    return through !== null && this.store.comparePositions(event.position, through) <= 0;
  }

  private async notifyWithRetries(event: RecordedEvent): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.notifyOne(event);
        return;
      } catch (error) {
        this.calls.delete(event.streamId);
        const last = attempt >= this.attempts;
        // Ids and the error's class only: messages may quote stored data.
        this.logger.warn(
          last
            ? 'could not notify sockets of a ledger event; staying at it and trying again later'
            : 'could not notify sockets of a ledger event; retrying',
          {
            eventId: event.eventId,
            eventType: event.type,
            attempt,
            error: error instanceof Error ? error.name : typeof error,
          },
        );
        if (last) throw new NotificationFailedError(event.eventId, event.type);
        await new Promise((resolve) => setTimeout(resolve, this.firstRetryMs * 2 ** (attempt - 1)));
      }
    }
  }

  private async notifyOne(recorded: RecordedEvent): Promise<void> {
    const before = await this.stateBefore(recorded);
    const event = parseCallEvent(recorded);
    const after = evolve(before, event);
    if (after.status === 'NONE') return;
    for (const notification of notificationsFor(event, after)) {
      if (notification.kind === 'emit') {
        this.emitter.emit(notification.target, notification.event, {
          ...notification.payload,
          eventId: recorded.eventId,
        });
      } else {
        this.emitter.leaveCall(notification.callId, notification.userId, recorded.revision);
      }
    }
    if (isFinished(after)) {
      // Nothing in the room any more; a late event reads the stream again.
      this.calls.delete(recorded.streamId);
    } else {
      this.remember(recorded.streamId, { state: after, revision: recorded.revision });
    }
  }

  /** The call just before this event: from the cache when it is current, else from its stream. */
  private async stateBefore(recorded: RecordedEvent): Promise<CallState> {
    if (recorded.revision === 0) return initialState();
    const cached = this.calls.get(recorded.streamId);
    if (cached && cached.revision === recorded.revision - 1) return cached.state;
    const history = await this.store.readStream(recorded.streamId);
    return history
      .filter((earlier) => earlier.revision < recorded.revision)
      .reduce((state, earlier) => evolve(state, parseCallEvent(earlier)), initialState());
  }

  private remember(streamId: string, call: CachedCall): void {
    this.calls.delete(streamId);
    this.calls.set(streamId, call);
    if (this.calls.size > this.cacheSize) {
      const oldest = this.calls.keys().next().value;
      if (oldest !== undefined) this.calls.delete(oldest);
    }
  }
}
