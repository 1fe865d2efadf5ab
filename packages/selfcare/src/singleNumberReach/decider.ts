import type { Decider } from '@selfprov/core';
import * as E from 'fp-ts/lib/Either.js';
import { notOwner, refuse, type SelfCareDecideError } from '../shared/errors.js';
import { type AddAlternateNumberInput, MAX_ALTERNATE_NUMBERS, TIMER_BOUNDS } from './codecs.js';
import type { SingleNumberReachCommand, SnrFacts } from './commands.js';
import type { AlternateNumberData, SingleNumberReachEvent, Timers } from './events.js';

export type AlternateNumberState = Omit<AlternateNumberData, 'userId'>;

export interface SingleNumberReachState {
  readonly alternateNumbers: readonly AlternateNumberState[];
}

export const initialSingleNumberReach = (): SingleNumberReachState => ({ alternateNumbers: [] });

export const defaultTimers: Timers = {
  answerTooSoon: TIMER_BOUNDS.answerTooSoon.default,
  answerTooLate: TIMER_BOUNDS.answerTooLate.default,
  delayBeforeRinging: TIMER_BOUNDS.delayBeforeRinging.default,
};

type Fields = Partial<Omit<AddAlternateNumberInput, 'number'>> & { number?: string };

const checkTimers = (t: Timers): SelfCareDecideError | undefined =>
  t.answerTooSoon >= t.answerTooLate
    ? refuse('timers_inconsistent', 'timers.answerTooSoon must be less than timers.answerTooLate', 'timers.answerTooSoon', { ...t })
    : t.delayBeforeRinging >= t.answerTooLate
      ? refuse('timers_inconsistent', 'timers.delayBeforeRinging must be less than timers.answerTooLate', 'timers.delayBeforeRinging', {
          ...t,
        })
      : undefined;

const checkLines = (lines: readonly { deviceName: string; lineIndex: number }[], facts: SnrFacts): SelfCareDecideError | undefined => {
  const seen = new Set<string>();
  for (let i = 0; i < lines.length; i++) {
    const ref = lines[i] as { deviceName: string; lineIndex: number };
    const device = facts.devices.find((d) => d.deviceName === ref.deviceName);
    if (device === undefined) return notOwner(`lines[${i}].deviceName`);
    if (!device.lines.some((l) => l.index === ref.lineIndex))
      return refuse('unknown_line', `${ref.deviceName} has no line ${ref.lineIndex}`, `lines[${i}].lineIndex`);
    const key = `${ref.deviceName}#${ref.lineIndex}`;
    if (seen.has(key)) return refuse('unknown_line', `lines[${i}] is listed twice`, `lines[${i}]`);
    seen.add(key);
  }
  return undefined;
};

/** Builds the complete alternate number from the current one (or defaults) and a change, checking every rule. */
const build = (
  id: string,
  current: AlternateNumberState | undefined,
  change: Fields,
  state: SingleNumberReachState,
  facts: SnrFacts,
): E.Either<SelfCareDecideError, AlternateNumberState> => {
  const number = change.number ?? current?.personal.number ?? '';
  const timers: Timers = { ...(current?.timers ?? defaultTimers), ...change.timers };
  const lines = (change.lines ?? current?.lines ?? []).map((l) => ({ deviceName: l.deviceName, lineIndex: l.lineIndex }));
  const ownNumbers = facts.devices.flatMap((d) => d.lines.map((l) => l.directoryNumber));
  if (ownNumbers.includes(number.replace(/^\+/, '')))
    return E.left(refuse('alternate_number_is_own_line', 'number is one of your own lines: it would ring itself', 'number'));
  if (state.alternateNumbers.some((a) => a.id !== id && a.personal.number === number))
    return E.left(refuse('alternate_number_exists', 'number is already one of your alternate numbers', 'number'));
  const bad = checkTimers(timers) ?? checkLines(lines, facts);
  if (bad) return E.left(bad);
  return E.right({
    id,
    personal: { number, description: change.description ?? current?.personal.description ?? '' },
    reachMeAnywhere: change.reachMeAnywhere ?? current?.reachMeAnywhere ?? true,
    mobile: change.mobile ?? current?.mobile ?? false,
    timers: { answerTooSoon: timers.answerTooSoon, answerTooLate: timers.answerTooLate, delayBeforeRinging: timers.delayBeforeRinging },
    lines,
  });
};

/** Single number reach of one user (`snr-<userId>`). */
export const singleNumberReachDecider: Decider<
  SingleNumberReachCommand,
  SingleNumberReachEvent,
  SingleNumberReachState,
  SelfCareDecideError
> = {
  initialState: initialSingleNumberReach,
  evolve: (state, event) => {
    switch (event.type) {
      case 'AlternateNumberAdded': {
        const { userId: _, ...entry } = event.data;
        return { alternateNumbers: [...state.alternateNumbers, entry] };
      }
      case 'AlternateNumberChanged': {
        const { userId: _, ...entry } = event.data;
        return { alternateNumbers: state.alternateNumbers.map((a) => (a.id === entry.id ? entry : a)) };
      }
      case 'AlternateNumberRemoved':
        return { alternateNumbers: state.alternateNumbers.filter((a) => a.id !== event.data.id) };
      default:
        return state;
    }
  },
  decide: (command, state) => {
    const userId = command.facts.subject;
    switch (command.type) {
      case 'AddAlternateNumber': {
        if (state.alternateNumbers.length >= MAX_ALTERNATE_NUMBERS)
          return E.left(
            refuse('too_many_alternate_numbers', `at most ${MAX_ALTERNATE_NUMBERS} alternate numbers`, 'number', {
              max: MAX_ALTERNATE_NUMBERS,
            }),
          );
        const { id, ...change } = command.data;
        return E.map((entry: AlternateNumberState) => [{ type: 'AlternateNumberAdded' as const, data: { userId, ...entry } }])(
          build(id, undefined, change, state, command.facts),
        );
      }
      case 'UpdateAlternateNumber': {
        const { id, ...change } = command.data;
        const current = state.alternateNumbers.find((a) => a.id === id);
        if (current === undefined) return E.left(refuse('alternate_number_not_found', `no alternate number ${id}`, 'id'));
        const built = build(id, current, change, state, command.facts);
        if (E.isLeft(built)) return built;
        if (JSON.stringify(built.right) === JSON.stringify(current)) return E.right([]);
        return E.right([{ type: 'AlternateNumberChanged', data: { userId, ...built.right } }]);
      }
      case 'RemoveAlternateNumber': {
        const { id } = command.data;
        if (!state.alternateNumbers.some((a) => a.id === id))
          return E.left(refuse('alternate_number_not_found', `no alternate number ${id}`, 'id'));
        return E.right([{ type: 'AlternateNumberRemoved', data: { userId, id } }]);
      }
    }
  },
};
