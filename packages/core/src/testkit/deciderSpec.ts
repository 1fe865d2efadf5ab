import * as E from 'fp-ts/lib/Either.js';
import * as assert from 'uvu/assert';
import type { Decider, DomainEvent } from '../kernel/decider.js';
import { foldEvents } from '../kernel/decider.js';

/**
 * Given/when/then for deciders, as in Emmett's DeciderSpecification:
 *
 * ```ts
 * const spec = deciderSpec(phoneDecider);
 * spec.given([registered]).when(provision).thenEvents([provisioned]);
 * spec.given([]).when(provision).thenError('phone_not_found');
 * ```
 */
export const deciderSpec = <Command, Event extends DomainEvent, State, Err extends { readonly code: string }>(
  decider: Decider<Command, Event, State, Err>,
) => ({
  given: (events: readonly Event[]) => ({
    when: (command: Command) => {
      const result = decider.decide(command, foldEvents(decider, events));
      const events_ = (): readonly Event[] => {
        if (E.isLeft(result)) assert.unreachable(`expected events, got error ${result.left.code}: ${JSON.stringify(result.left)}`);
        return (result as E.Right<readonly Event[]>).right;
      };
      return {
        /** The command yields exactly these events. */
        thenEvents: (expected: readonly Event[]) => assert.equal(events_(), expected),
        /** The command yields events that satisfy the check (for generated ids, timestamps...). */
        thenMatches: (check: (events: readonly Event[]) => void) => check(events_()),
        /** The command is accepted and changes nothing. */
        thenNothing: () => assert.equal(events_(), []),
        /** The command is refused with this error code (and, optionally, these fields). */
        thenError: (code: Err['code'], fields: Partial<Err> = {}) => {
          if (E.isRight(result)) assert.unreachable(`expected error ${code}, got events ${JSON.stringify(result.right)}`);
          const error = (result as E.Left<Err>).left;
          assert.is(error.code, code, `error code: ${JSON.stringify(error)}`);
          for (const [k, v] of Object.entries(fields)) assert.equal((error as Record<string, unknown>)[k], v, `error.${k}`);
        },
        /** The state after folding the given events and the resulting ones. */
        thenState: (check: (state: State) => void) => check(foldEvents(decider, [...events, ...events_()])),
      };
    },
  }),
});
