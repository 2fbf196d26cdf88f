import type { Decider } from '../../src/domain/shared/decider.js';
import { DomainError } from '../../src/domain/shared/domain-error.js';
import type { DomainCommand, DomainEvent } from '../../src/domain/shared/event.js';

/**
 * Given / when / then for deciders, in the style of Emmett's `DeciderSpecification`:
 *
 *   const spec = DeciderSpecification.for(callDecider);
 *   spec.given([callInitiated]).when(answerCall).then([callAnswered]);
 *   spec.given([]).when(answerCall).thenThrows(CallNotFoundError, 'CALL.NOT_FOUND');
 *   spec.given([callInitiated]).when(giveConsentTwice).thenNothing();
 *
 * Hand-written rather than Emmett's own so that failures show jest's diffs, event lists may be
 * readonly, and a thrown DomainError can be checked by code and handed back for its details.
 */

type ErrorClass<E extends Error> = abstract new (...args: never[]) => E;

/** A DomainError code to compare, or any further expectations on the error. */
type ErrorCheck<E extends Error> = string | ((error: E) => void);

export interface DeciderThen<Event extends DomainEvent, State> {
  /** The command succeeds with exactly these events, in this order. */
  then(expectedEvents: readonly Event[]): void;
  /** The command succeeds and changes nothing (an idempotent repeat, a late timer). */
  thenNothing(): void;
  /** The command is refused with this error class (and code); returns the error for more checks. */
  thenThrows<E extends Error>(errorClass: ErrorClass<E>, check?: ErrorCheck<E>): E;
  /** The command succeeds; checks the state after the given and the new events. */
  thenState(check: (state: State) => void): void;
}

export interface DeciderWhen<Command extends DomainCommand, Event extends DomainEvent, State> {
  when(command: Command): DeciderThen<Event, State>;
  /** The state the given events fold into (no command). */
  state(): State;
}

export interface DeciderSpec<Command extends DomainCommand, Event extends DomainEvent, State> {
  given(events: readonly Event[]): DeciderWhen<Command, Event, State>;
}

function describeOutcome(events: readonly DomainEvent[]): string {
  return events.length === 0 ? 'no events' : events.map((event) => event.type).join(', ');
}

export const DeciderSpecification = {
  for<Command extends DomainCommand, Event extends DomainEvent, State>(
    decider: Decider<Command, Event, State>,
  ): DeciderSpec<Command, Event, State> {
    const fold = (events: readonly Event[]): State =>
      events.reduce(decider.evolve, decider.initialState());

    return {
      given(givenEvents) {
        return {
          state: () => fold(givenEvents),
          when(command) {
            const run = (): readonly Event[] => decider.decide(command, fold(givenEvents));
            return {
              then(expectedEvents) {
                expect(run()).toEqual(expectedEvents);
              },
              thenNothing() {
                expect(run()).toEqual([]);
              },
              thenState(check) {
                check(fold([...givenEvents, ...run()]));
              },
              thenThrows<E extends Error>(errorClass: ErrorClass<E>, check?: ErrorCheck<E>): E {
                let produced: readonly Event[];
                try {
                  produced = run();
                } catch (error) {
                  expect(error).toBeInstanceOf(errorClass);
                  const typed = error as E;
                  if (typeof check === 'string') {
                    expect(typed).toBeInstanceOf(DomainError);
                    expect((typed as unknown as DomainError).code).toBe(check);
                  } else if (check !== undefined) {
                    check(typed);
                  }
                  return typed;
                }
                throw new Error(
                  `Expected ${command.type} to throw ${errorClass.name}, but it produced ${describeOutcome(produced)}.`,
                );
              },
            };
          },
        };
      },
    };
  },
};
