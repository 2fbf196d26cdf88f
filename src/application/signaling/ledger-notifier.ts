import { CALL_STREAM_PREFIX } from '../../domain/call/call.decider.js';
import { evolve } from '../../domain/call/call.evolve.js';
import { initialState, isFinished, type CallState } from '../../domain/call/call.state.js';
import { parseCallEvent } from '../../domain/call/parse-call-event.js';
import type { EventStore, EventSubscription, RecordedEvent } from '../ports/event-store.port.js';
import { notificationsFor } from './call-notifications.js';
import type { SignalingEmitter } from './signaling-emitter.port.js';

export interface LedgerNotifierLogger {
  warn(message: string, fields?: Record<string, unknown>): void;
}

interface CachedCall {
  readonly state: CallState;
  readonly revision: number;
}

/** Calls kept folded in memory; a call not in the cache is read from its stream. */
const DEFAULT_CACHE_SIZE = 10_000;

/**
 * Drives the server -> client notifications from the ledger, so that whatever changed a call
 * (a REST request on another instance, a timer, a socket command) reaches the sockets.
 *
 * It follows the ledger live from its head at start-up (not from a checkpoint: notifications are
 * for the people online now, and a restarted instance has no sockets to catch up). Each instance
 * runs one and emits to its own sockets only; see SignalingEmitter.
 */
export class LedgerNotifier {
  private subscription: EventSubscription | null = null;
  private readonly calls = new Map<string, CachedCall>();

  constructor(
    private readonly store: EventStore,
    private readonly logger: LedgerNotifierLogger,
    private readonly cacheSize = DEFAULT_CACHE_SIZE,
  ) {}

  /** Follows the ledger from its head, emitting through `emitter` (the gateway, once it exists). */
  async start(emitter: SignalingEmitter): Promise<void> {
    if (this.subscription) return;
    const head = await this.store.headPosition();
    this.subscription = this.store.subscribe(
      { after: head, streamPrefixes: [CALL_STREAM_PREFIX] },
      (events) => this.onEvents(events, emitter),
    );
  }

  async stop(): Promise<void> {
    const subscription = this.subscription;
    this.subscription = null;
    this.calls.clear();
    await subscription?.close();
  }

  /** Never throws: a failed batch would be delivered again, and sockets would hear it twice. */
  private async onEvents(
    events: readonly RecordedEvent[],
    emitter: SignalingEmitter,
  ): Promise<void> {
    for (const event of events) {
      try {
        await this.notify(event, emitter);
      } catch (error) {
        this.calls.delete(event.streamId);
        this.logger.warn('could not notify sockets of a ledger event', {
          eventType: event.type,
          streamId: event.streamId,
          error: (error as Error).message,
        });
      }
    }
  }

  private async notify(recorded: RecordedEvent, emitter: SignalingEmitter): Promise<void> {
    const before = await this.stateBefore(recorded);
    const event = parseCallEvent(recorded);
    const after = evolve(before, event);
    if (after.status === 'NONE') return;
    this.remember(recorded.streamId, { state: after, revision: recorded.revision });
    for (const notification of notificationsFor(event, after)) {
      if (notification.kind === 'emit') {
        emitter.emit(notification.target, notification.event, notification.payload);
      } else {
        emitter.leaveCall(notification.callId, notification.userId, recorded.revision);
      }
    }
    if (isFinished(after)) {
      // Nothing in the room any more; a late event reads the stream again.
      this.calls.delete(recorded.streamId);
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
