import type { DomainCommand, DomainEvent } from './event.js';

/**
 * An aggregate as three pure functions (Chassaing's decider). `decide` throws a DomainError for a
 * broken rule; time and ids arrive on the command so the functions stay deterministic.
 */
export interface Decider<Command extends DomainCommand, Event extends DomainEvent, State> {
  readonly initialState: () => State;
  readonly evolve: (state: State, event: Event) => State;
  readonly decide: (command: Command, state: State) => readonly Event[];
  /** The schema version each new event is stored with; 1 for a family that never changed shape. */
  readonly schemaVersionOf?: (type: Event['type']) => number;
}

export function foldEvents<Event extends DomainEvent, State>(
  decider: Pick<Decider<DomainCommand, Event, State>, 'initialState' | 'evolve'>,
  events: readonly Event[],
): State {
  return events.reduce(decider.evolve, decider.initialState());
}
