import { and } from 'xstate';
import type { PromptId } from '../prompts.js';
import { type CommandParams, type Dtmf, type EntryKind, type IvrContext, maxDigitsOf } from './model.js';
import { ivrSetup } from './setup.js';

// Builders of the machine's states and transitions (entries, menus, tries, what follows a domain
// answer), on the named guards, actions and delays of packages/ivr/src/machine/setup.ts. Used by
// packages/ivr/src/machine.ts.

type StateConfig = Parameters<typeof ivrSetup.createStateConfig>[0];
type Always = NonNullable<StateConfig['always']>;
type Transition = Exclude<Extract<Always, readonly unknown[]>[number], string | undefined>;
type Action = Extract<NonNullable<StateConfig['entry']>, readonly unknown[]>[number];
type Guard = NonNullable<Transition['guard']>;

export const play = (prompt: PromptId): Action => ({ type: 'play', params: { prompt } });

const awaitInput = (kind: EntryKind | 'menu'): Action => ({
  type: 'awaitInput',
  params: ({ context }) =>
    kind === 'menu'
      ? { kind: 'menu', maxDigits: 1, secret: false }
      : { kind: 'digits', maxDigits: maxDigitsOf(context, kind), secret: kind === 'secret' },
});

/**
 * Adds a condition to a transition's guard. (xstate's `and` is typed for
 * literal guard lists; these are built by helpers, hence the widening cast.)
 */
export const also = (condition: Guard, t: Transition): Transition => ({
  ...t,
  guard: t.guard === undefined ? condition : (and([condition, t.guard] as never) as Guard),
});

/** A failed try: count it and say why, then either start `again` (re-entered) or end with "too many attempts". */
export const failedTry = (again: string, ...prompts: PromptId[]): Transition[] => [
  { guard: 'triesRemain', target: again, reenter: true, actions: ['countTry', ...prompts.map(play)] },
  { target: '#ivr.tooManyTries', actions: ['countTry', ...prompts.map(play)] },
];

interface EntrySpec {
  /** The entry's absolute id (`#ivr.provision.enterId`). */
  readonly self: string;
  readonly kind: EntryKind;
  readonly prompt: PromptId;
  /** Where a finished, non-empty entry goes. */
  readonly submit: string;
  /** More entry actions (before the prompt). */
  readonly entry?: Action[];
  /** Where `*` as the very first key goes instead of restarting (an empty entry has nothing to restart). */
  readonly starFirst?: string;
  /** Transitions of the whole entry (e.g. `RESUME`). */
  readonly on?: StateConfig['on'];
}

/**
 * A digit entry. `#` ends it, `*` restarts it, the first-digit timeout is a
 * failed try ("no input"), the inter-digit timeout ends it like `#`, a key
 * beyond the maximum length is a failed try ("too long").
 */
export const digitEntry = ({ self, kind, prompt, submit, entry = [], starFirst, on }: EntrySpec): StateConfig => {
  const secret = kind === 'secret';
  const add: Action = secret ? 'countSecretDigit' : 'appendDigit';
  const full: Guard = { type: 'entryFull', params: { kind } };
  const first: Transition = { target: 'more', actions: add };
  const next: Transition[] = [
    ...failedTry(self, 'entry-too-long').map((t) => also(full, t)),
    { target: 'more', reenter: true, actions: add },
  ];
  return ivrSetup.createStateConfig({
    tags: secret ? ['awaiting-digits', 'secret'] : ['awaiting-digits'],
    entry: [...entry, 'clearEntry', play(prompt), awaitInput(kind)],
    initial: 'first',
    states: {
      first: {
        after: { firstDigit: failedTry(self, 'no-input') },
        on: {
          ...(secret ? { SECRET_DIGIT: first } : { DIGIT: first }),
          HASH: failedTry(self, 'entry-empty'),
          STAR: starFirst === undefined ? { target: self, reenter: true } : { target: starFirst },
        },
      },
      more: {
        after: { interDigit: { target: submit } },
        on: {
          ...(secret ? { SECRET_DIGIT: next } : { DIGIT: next }),
          HASH: { target: submit },
          STAR: { target: self, reenter: true },
        },
      },
    },
    ...(on === undefined ? {} : { on }),
  });
};

/** A one-key menu: `*` repeats it; no key in time, or a key that is no choice, is a failed try. */
export const menu = (self: string, entry: Action[], choices: Transition[]): StateConfig =>
  ivrSetup.createStateConfig({
    tags: ['awaiting-menu'],
    entry: [...entry, awaitInput('menu')],
    after: { firstDigit: failedTry(self, 'no-input') },
    on: {
      DIGIT: [...choices, ...failedTry(self, 'invalid-option')],
      HASH: failedTry(self, 'invalid-option'),
      STAR: { target: self, reenter: true },
    },
  });

export const key = (k: Dtmf): Guard => ({ type: 'keyIs', params: { key: k } });

/**
 * What follows an identification: success goes on, an unknown id is a failed
 * try, any other refusal ends the call. When a confirmation follows, the
 * tries are not reset: entering the id, identifying it and confirming it are
 * one step, so "enter it again" cannot loop forever.
 */
export const afterIdentify = (retry: string, unknownPrompt: PromptId, success: string, resetTries: boolean): Transition[] => [
  { guard: 'succeeded', target: success, actions: resetTries ? ['rememberUser', 'resetTries'] : ['rememberUser'] },
  ...failedTry(retry, unknownPrompt).map((t) => also({ type: 'refusedWith', params: { refusal: 'unknown_id' } }, t)),
  { target: '#ivr.refused', actions: 'rememberRefusal' },
];

export const afterCommand = (success: string): Transition[] => [
  { guard: 'succeeded', target: success, actions: 'rememberExtension' },
  { target: '#ivr.refused', actions: 'rememberRefusal' },
];

export const commandParams = ({ context }: { context: IvrContext }): CommandParams => ({
  userId: context.userId ?? '',
  digits: context.idDigits,
  authenticatedBy: context.authenticatedBy,
  method: context.authenticationMethod,
});
