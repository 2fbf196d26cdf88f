import type { Actor } from '../domain/shared/actor.js';
import type { Decider } from '../domain/shared/decider.js';
import { DomainError } from '../domain/shared/domain-error.js';
import type { CommandMetadata, DomainCommand, DomainEvent } from '../domain/shared/event.js';
import {
  ApplicationError,
  concurrentModification,
  revisionPreconditionFailed,
} from './application.errors.js';
import { eventMetadata } from './event-metadata.js';
import type { Clock } from './ports/clock.port.js';
import { type CommandMetrics, type CommandOutcomeLabel } from './ports/command-metrics.port.js';
import {
  WrongExpectedRevisionError,
  type EventMetadata,
  type EventStore,
  type EventToAppend,
  type LedgerPosition,
  type RecordedEvent,
} from './ports/event-store.port.js';
import type { IdGenerator } from './ports/id-generator.port.js';
import type { RequestContext } from './request-context.js';
import type { StreamStateCache } from './stream-state-cache.js';

/** A command as a caller builds it: the runner stamps who asks and when (`metadata`). */
export type Unstamped<Command extends DomainCommand> = Command extends DomainCommand
  ? { readonly type: Command['type']; readonly data: Command['data'] }
  : never;

/** What a command makes happen to the state the runner loaded: the decider's new events. */
export type Decision<State, Event extends DomainEvent> = (
  state: State,
  metadata: CommandMetadata,
) => readonly Event[];

/** How a stream's events fold into its state. */
export type StreamModel<Event extends DomainEvent, State> = Pick<
  Decider<DomainCommand, Event, State>,
  'initialState' | 'evolve' | 'schemaVersionOf'
>;

/** The decision of one command: the decider's `decide` on the loaded state. */
export function decideWith<Command extends DomainCommand, Event extends DomainEvent, State>(
  decider: Decider<Command, Event, State>,
  command: Unstamped<Command>,
): Decision<State, Event> {
  // An unstamped command with its metadata is the command again; TypeScript cannot see through
  // the distributive type, hence the double cast.
  return (state, metadata) => decider.decide({ ...command, metadata } as unknown as Command, state);
}

export interface LoadedStream<State> {
  readonly state: State;
  /** -1 when the stream does not exist. */
  readonly revision: number;
  readonly position: LedgerPosition | null;
}

export interface CommandOutcome<State, Event extends DomainEvent> extends LoadedStream<State> {
  readonly newEvents: readonly Event[];
}

export interface RunOptions<State> {
  /** Runs on the loaded state before deciding, e.g. to hide a call from strangers. */
  readonly authorize?: (state: State) => void;
  /** The command's name in the command metrics; runs without one are not counted. */
  readonly metricLabel?: string;
  /** Folded states of this stream's kind: the load reads only the events after the cached one. */
  readonly cache?: StreamStateCache<State>;
}

const NO_STREAM = -1;

/**
 * Reads a stream and folds it; `until` gives the state as it was at that instant. With a cache,
 * only the events after the cached state are read, and folded onto it.
 */
export async function loadStream<Event extends DomainEvent, State>(
  store: EventStore,
  model: StreamModel<Event, State>,
  streamId: string,
  until?: Date,
  cache?: StreamStateCache<State>,
): Promise<LoadedStream<State>> {
  if (until) return fold(model, model.initialState(), await store.readStream(streamId, { until }));
  const cached = cache?.get(streamId);
  if (cache && cached) {
    const tail = await store.readStream(streamId, { fromRevision: cached.revision + 1 });
    const first = tail[0];
    if (
      !first ||
      (first.revision === cached.revision + 1 && first.metadata.previousHash === cached.hash)
    ) {
      return remember(cache, streamId, tail, fold(model, cached.state, tail, cached));
    }
    // The ledger does not continue the cached fold: trust only a fold of the whole stream.
    cache.delete(streamId);
  }
  const history = await store.readStream(streamId);
  const loaded = fold(model, model.initialState(), history);
  return cache ? remember(cache, streamId, history, loaded) : loaded;
}

function fold<Event extends DomainEvent, State>(
  model: StreamModel<Event, State>,
  from: State,
  events: readonly RecordedEvent[],
  before: LoadedStream<State> = { state: from, revision: NO_STREAM, position: null },
): LoadedStream<State> {
  const last = events.at(-1);
  return {
    state: events.map(toDomainEvent<Event>).reduce(model.evolve, from),
    revision: last?.revision ?? before.revision,
    position: last?.position ?? before.position,
  };
}

function remember<State>(
  cache: StreamStateCache<State>,
  streamId: string,
  read: readonly RecordedEvent[],
  loaded: LoadedStream<State>,
): LoadedStream<State> {
  const last = read.at(-1);
  if (last) cache.set(streamId, { ...loaded, hash: last.metadata.hash });
  return loaded;
}

/** A stream holds only its own decider's events, so its recorded types are that decider's. */
function toDomainEvent<Event extends DomainEvent>(recorded: RecordedEvent): Event {
  return { type: recorded.type, data: recorded.data } as Event;
}

/**
 * Runs commands: every append to the ledger goes through here. It adds what deciders must not
 * know about: the clock, event ids, the event metadata, optimistic concurrency and metrics. Built
 * in the composition root (AppRuntime).
 */
export class CommandRunner {
  constructor(
    private readonly store: EventStore,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    private readonly metrics: CommandMetrics,
  ) {}

  /**
   * Load -> decide -> append. The revision that was read is the expected revision of the append,
   * so a concurrent writer is detected; one retry against the new state follows, unless the
   * caller pinned the revision with If-Match, in which case the mismatch is theirs to resolve.
   */
  async run<Event extends DomainEvent, State>(
    model: StreamModel<Event, State>,
    streamId: string,
    decide: Decision<State, Event>,
    actor: Actor,
    context: RequestContext,
    options: RunOptions<State> = {},
  ): Promise<CommandOutcome<State, Event>> {
    const started = performance.now();
    let outcome: CommandOutcomeLabel = 'error';
    try {
      const result = await this.decideAndAppend(model, streamId, decide, actor, context, options);
      outcome = result.newEvents.length > 0 ? 'accepted' : 'no_change';
      return result;
    } catch (error) {
      if (error instanceof DomainError) outcome = 'rejected';
      else if (error instanceof ApplicationError) outcome = 'conflict';
      throw error;
    } finally {
      if (options.metricLabel !== undefined) {
        this.metrics.recordCommand(
          options.metricLabel,
          outcome,
          (performance.now() - started) / 1000,
        );
      }
    }
  }

  /**
   * Appends a fact that needs no decision and no state (a read of protected data being recorded):
   * nothing is loaded and any revision will do, so such records never conflict.
   */
  async record(
    streamId: string,
    event: DomainEvent,
    actor: Actor,
    context: RequestContext,
  ): Promise<void> {
    await this.store.appendToStream(
      streamId,
      [this.toAppend(event, eventMetadata(actor, this.clock.now().toISOString(), context))],
      { expectedRevision: 'any' },
    );
  }

  /** A stream's state as the ledger has it now. */
  load<Event extends DomainEvent, State>(
    model: StreamModel<Event, State>,
    streamId: string,
    cache?: StreamStateCache<State>,
  ): Promise<LoadedStream<State>> {
    return loadStream(this.store, model, streamId, undefined, cache);
  }

  private async decideAndAppend<Event extends DomainEvent, State>(
    model: StreamModel<Event, State>,
    streamId: string,
    decide: Decision<State, Event>,
    actor: Actor,
    context: RequestContext,
    options: RunOptions<State>,
  ): Promise<CommandOutcome<State, Event>> {
    const metadata: CommandMetadata = { actor, now: this.clock.now().toISOString() };
    const stamped = eventMetadata(actor, metadata.now, context);
    for (let attempt = 1; ; attempt++) {
      const { state, revision, position } = await this.load(model, streamId, options.cache);
      options.authorize?.(state);
      if (context.expectedRevision !== undefined && context.expectedRevision !== revision) {
        throw revisionPreconditionFailed(context.expectedRevision, revision);
      }
      const newEvents = decide(state, metadata);
      if (newEvents.length === 0) return { state, newEvents, revision, position };
      try {
        const appended = await this.store.appendToStream(
          streamId,
          newEvents.map((event) =>
            this.toAppend(event, stamped, model.schemaVersionOf?.(event.type) ?? 1),
          ),
          { expectedRevision: revision === NO_STREAM ? 'no_stream' : revision },
        );
        return {
          state: newEvents.reduce(model.evolve, state),
          newEvents,
          revision: appended.revision,
          position: appended.position,
        };
      } catch (error) {
        if (!(error instanceof WrongExpectedRevisionError)) throw error;
        if (context.expectedRevision !== undefined) {
          const actual = typeof error.actual === 'number' ? error.actual : NO_STREAM;
          throw revisionPreconditionFailed(context.expectedRevision, actual);
        }
        if (attempt >= 2) throw concurrentModification(streamId);
      }
    }
  }

  private toAppend(event: DomainEvent, metadata: EventMetadata, version = 1): EventToAppend {
    return { eventId: this.ids.newId(), type: event.type, version, data: event.data, metadata };
  }
}
