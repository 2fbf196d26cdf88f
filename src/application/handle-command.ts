import type { Decider } from '../domain/shared/decider.js';
import type { DomainCommand, DomainEvent } from '../domain/shared/event.js';
import { foldEvents } from '../domain/shared/decider.js';
import { concurrentModification, revisionPreconditionFailed } from './application.errors.js';
import type {
  EventStore,
  LedgerPosition,
  RecordedEvent,
  RequestOrigin,
} from './ports/event-store.port.js';
import { WrongExpectedRevisionError } from './ports/event-store.port.js';

/** Where a command came from: carried into every event's envelope. */
export interface CommandEnvelope {
  readonly correlationId: string;
  readonly causationId: string | null;
  readonly origin?: RequestOrigin;
  /** From `If-Match`: the stream revision the caller last saw. */
  readonly expectedRevision?: number;
}

export interface CommandOutcome<State, Event extends DomainEvent> {
  readonly state: State;
  readonly newEvents: readonly Event[];
  /** -1 when the stream still does not exist (a no-op on an empty stream). */
  readonly revision: number;
  readonly position: LedgerPosition | null;
}

export interface HandleCommandOptions<State> {
  /** Runs on the loaded state before deciding, e.g. to hide a call from strangers. */
  readonly authorize?: (state: State) => void;
  readonly newEventId: () => string;
  readonly schemaVersion?: (eventType: string) => number;
}

const NO_STREAM = -1;

/**
 * The load -> decide -> append cycle. The revision that was read is the expected revision of the
 * append, so a concurrent writer is detected; one retry against the new state follows, unless the
 * caller pinned the revision with If-Match, in which case the mismatch is theirs to resolve.
 */
export async function handleCommand<
  Command extends DomainCommand,
  Event extends DomainEvent,
  State,
>(
  store: EventStore,
  decider: Decider<Command, Event, State>,
  streamId: string,
  command: Command,
  envelope: CommandEnvelope,
  options: HandleCommandOptions<State>,
): Promise<CommandOutcome<State, Event>> {
  for (let attempt = 1; ; attempt++) {
    const { state, revision, position } = await loadAggregate(store, decider, streamId);
    options.authorize?.(state);
    if (envelope.expectedRevision !== undefined && envelope.expectedRevision !== revision) {
      throw revisionPreconditionFailed(envelope.expectedRevision, revision);
    }
    const newEvents = decider.decide(command, state);
    if (newEvents.length === 0) {
      return { state, newEvents, revision, position };
    }
    try {
      const appended = await store.appendToStream(
        streamId,
        newEvents.map((event) => ({
          eventId: options.newEventId(),
          type: event.type,
          version: options.schemaVersion?.(event.type) ?? 1,
          data: event.data,
          metadata: {
            actor: command.metadata.actor,
            occurredAt: command.metadata.now,
            correlationId: envelope.correlationId,
            causationId: envelope.causationId,
            ...(envelope.origin ? { origin: envelope.origin } : {}),
          },
        })),
        { expectedRevision: revision === NO_STREAM ? 'no_stream' : revision },
      );
      return {
        state: newEvents.reduce(decider.evolve, state),
        newEvents,
        revision: appended.revision,
        position: appended.position,
      };
    } catch (error) {
      if (!(error instanceof WrongExpectedRevisionError)) throw error;
      if (envelope.expectedRevision !== undefined) {
        const actual = typeof error.actual === 'number' ? error.actual : NO_STREAM;
        throw revisionPreconditionFailed(envelope.expectedRevision, actual);
      }
      if (attempt >= 2) throw concurrentModification(streamId);
    }
  }
}

export interface LoadedAggregate<State> {
  readonly state: State;
  /** -1 when the stream does not exist. */
  readonly revision: number;
  readonly position: LedgerPosition | null;
}

/** Reads a stream and folds it; `until` gives the state as it was at that instant. */
export async function loadAggregate<Event extends DomainEvent, State>(
  store: EventStore,
  decider: Pick<Decider<DomainCommand, Event, State>, 'initialState' | 'evolve'>,
  streamId: string,
  until?: Date,
): Promise<LoadedAggregate<State>> {
  const history = await store.readStream(streamId, until ? { until } : {});
  return {
    state: foldEvents(decider, history.map(toDomainEvent<Event>)),
    revision: history.at(-1)?.revision ?? NO_STREAM,
    position: history.at(-1)?.position ?? null,
  };
}

/** A stream holds only its own decider's events, so its recorded types are that decider's. */
function toDomainEvent<Event extends DomainEvent>(recorded: RecordedEvent): Event {
  return { type: recorded.type, data: recorded.data } as Event;
}
