import type * as E from 'fp-ts/lib/Either.js';
import type { JsonValue } from './json.js';

/** An event as a decider produces and folds it: the envelope is added by the command handler. */
export interface DomainEvent<Type extends string = string, Data extends JsonValue = JsonValue> {
  readonly type: Type;
  readonly data: Data;
}

/**
 * The decider pattern (as in Emmett): pure, total functions. `decide` answers a
 * command with events or a typed refusal; `evolve` folds an event into state.
 */
export interface Decider<Command, Event extends DomainEvent, State, Err> {
  readonly decide: (command: Command, state: State) => E.Either<Err, readonly Event[]>;
  readonly evolve: (state: State, event: Event) => State;
  readonly initialState: () => State;
}

/** Folds events into a decider's state. */
export const foldEvents = <Event extends DomainEvent, State>(
  decider: Pick<Decider<never, Event, State, never>, 'evolve' | 'initialState'>,
  events: readonly Event[],
  from: State = decider.initialState(),
): State => events.reduce(decider.evolve, from);
