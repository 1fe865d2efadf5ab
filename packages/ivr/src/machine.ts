import { and, assign, setup } from 'xstate';
import {
  type AuthenticatedBy,
  type AuthenticationMode,
  allowedMethods,
  type CredentialMethod,
  type Identified,
  type IvrRefusal,
  type Provisioned,
  type Replaced,
  type Verified,
} from './gateway.js';
import type { PromptArgs, PromptId } from './prompts.js';

/**
 * The self-provisioning call flow as an xstate v5 machine. It is data: every
 * guard, action and delay is named in `setup()`, action implementations are
 * empty, and nothing is invoked. The session driver runs it with the pure
 * `initialTransition` / `transition` functions and carries out what comes back
 * (prompts to play, input to await, timers, domain effects), so a call can be
 * recorded as events and replayed after a restart.
 *
 * Secrets: while the caller types a PIN, password or authentication code, the
 * machine receives `SECRET_DIGIT` events that carry no digit; its context
 * counts them (`secretCount`) and nothing more. The driver keeps the digits.
 */

/** Limits and timeouts of a call; all configurable (see `defaultIvrOptions`). */
export interface IvrOptions {
  /** Time to wait for the first key of an entry or a menu choice. */
  readonly firstDigitTimeoutMs: number;
  /** Time to wait for the next key once an entry has started; on expiry the entry ends as if `#` was pressed. */
  readonly interDigitTimeoutMs: number;
  /** Failed tries allowed per step (an entry, its identification and confirmation) before the call ends. */
  readonly maxTries: number;
  /** Longest accepted entry per kind; one more key is a "too long" try. */
  readonly maxDigits: { readonly selfProvisioningId: number; readonly extension: number; readonly secret: number };
}

/**
 * Defaults from DOMAIN.md ("The IVR call"): 10 s first-digit and 5 s
 * inter-digit timeouts, 3 tries. Self-provisioning ids and extensions are at
 * most 24 digits (the DTMF and DN codecs); secrets at most 32 (a 20-digit
 * authentication code or a PIN, with headroom for password digits).
 */
export const defaultIvrOptions: IvrOptions = Object.freeze({
  firstDigitTimeoutMs: 10_000,
  interDigitTimeoutMs: 5_000,
  maxTries: 3,
  maxDigits: Object.freeze({ selfProvisioningId: 24, extension: 24, secret: 32 }),
});

/** What the machine is started with (recorded in the call's first event). */
export interface IvrMachineInput {
  readonly callId: string;
  readonly device: string;
  /** IVR languages with a catalog, in priority order (at least one). */
  readonly languages: readonly string[];
  /** A language chosen before the call (skips the language menu). */
  readonly language?: string;
  readonly authenticationMode: AuthenticationMode;
  readonly dialledIsIvr: boolean;
  /** Set when the call settings could not be read: the call only explains why and ends. */
  readonly unavailable?: IvrRefusal;
  readonly options: IvrOptions;
}

export type Flow = 'provision' | 'replace';
export type EntryKind = 'selfProvisioningId' | 'extension' | 'secret';

export interface IvrContext {
  readonly callId: string;
  readonly device: string;
  readonly languages: readonly string[];
  readonly language: string;
  readonly languagePreset: boolean;
  readonly mode: AuthenticationMode;
  readonly dialledIsIvr: boolean;
  readonly options: IvrOptions;
  readonly flow: Flow;
  /** Digits of the current non-secret entry. */
  readonly digits: string;
  /** How many digits of the current secret entry were typed (never the digits). */
  readonly secretCount: number;
  /** Failed tries in the current step. */
  readonly tries: number;
  /** Failures left before lockout, as last reported by the credential check. */
  readonly attemptsLeft: number | null;
  /** The identified user, and the digits that identified them. */
  readonly userId: string | null;
  readonly idDigits: string;
  readonly authenticatedBy: AuthenticatedBy;
  /** How the caller was authenticated (`none` in non-secure mode). */
  readonly authenticationMethod: CredentialMethod | 'none';
  /** Whose secret the current secret entry asks for: the user's PIN/password, or the administrators' authentication code. */
  readonly secretFor: 'user' | 'administrator';
  readonly refusal: IvrRefusal | null;
  readonly extension: string | null;
}

/** A gateway answer as the machine receives it (and as it is recorded: JSON, no secret, no message). */
export type Outcome<A> =
  | { readonly ok: true; readonly value: A }
  | { readonly ok: false; readonly refusal: IvrRefusal; readonly attemptsLeft?: number };

export type Dtmf = '0' | '1' | '2' | '3' | '4' | '5' | '6' | '7' | '8' | '9';

export type IvrEvent =
  | { readonly type: 'DIGIT'; readonly digit: Dtmf }
  | { readonly type: 'SECRET_DIGIT' }
  | { readonly type: 'STAR' }
  | { readonly type: 'HASH' }
  | { readonly type: 'IDENTIFY_RESULT'; readonly outcome: Outcome<Identified> }
  | { readonly type: 'VERIFY_RESULT'; readonly outcome: Outcome<Verified> }
  | { readonly type: 'PROVISION_RESULT'; readonly outcome: Outcome<Provisioned> }
  | { readonly type: 'REPLACE_RESULT'; readonly outcome: Outcome<Replaced> }
  /** The session was rebuilt after a restart: re-issue a lost effect, restart a secret entry. */
  | { readonly type: 'RESUME' }
  /** The caller hung up. */
  | { readonly type: 'HANGUP' };

/** Input the transport should collect now. */
export interface AwaitedInput {
  readonly kind: 'digits' | 'menu';
  readonly maxDigits: number;
  readonly secret: boolean;
}

export interface PlayParams {
  readonly prompt: PromptId;
}

export interface IdentifyParams {
  readonly by: 'self-provisioning-id' | 'extension';
  readonly digits: string;
}

export interface VerifyParams {
  readonly userId: string;
  readonly methods: readonly CredentialMethod[];
}

export interface CommandParams {
  readonly userId: string;
  /** The digits that identified the user (self-provisioning id, or primary extension when replacing). */
  readonly digits: string;
  readonly authenticatedBy: AuthenticatedBy;
  readonly method: CredentialMethod | 'none';
}

/**
 * The prompt a refusal is announced with. `unknown_id` depends on what was
 * entered; `wrong_credential` normally retries the entry (see `verifying`) and
 * only reaches this table when a gateway reports it for another step.
 */
export const refusalPrompts = {
  unknown_id: { provision: 'unknown-self-provisioning-id', replace: 'unknown-extension' },
  wrong_credential: 'wrong-credential',
  locked_out: 'locked-out',
  throttled: 'throttled',
  limit_reached: 'limit-reached',
  already_provisioned: 'already-provisioned',
  no_primary_extension: 'no-primary-extension',
  not_allowed_by_profile: 'not-allowed-by-profile',
  owned_by_another_user: 'owned-by-another-user',
  old_phone_registered: 'old-phone-still-registered',
  no_phone_to_replace: 'no-phone-to-replace',
  system_not_ready: 'system-not-ready',
  failure: 'generic-failure',
} as const satisfies Record<IvrRefusal, PromptId | Record<Flow, PromptId>>;

/** The prompt id that announces `refusal` during `flow`. */
export const refusalPrompt = (refusal: IvrRefusal, flow: Flow): PromptId => {
  const entry: PromptId | Record<Flow, PromptId> = refusalPrompts[refusal];
  return typeof entry === 'string' ? entry : entry[flow];
};

const triesLeft = (c: IvrContext): number =>
  Math.max(0, Math.min(c.options.maxTries - c.tries, c.attemptsLeft === null ? Number.POSITIVE_INFINITY : c.attemptsLeft));

/** Arguments of the prompts that have some, computed from the context at the moment the prompt is played. */
export const promptArgs = (prompt: string, c: IvrContext): PromptArgs => {
  switch (prompt) {
    case 'confirm-self-provisioning-id':
      return { digits: c.idDigits };
    case 'wrong-credential':
      return { triesLeft: String(triesLeft(c)) };
    case 'phone-provisioned':
    case 'phone-replaced':
      return { extension: c.extension ?? '' };
    default:
      return {};
  }
};

const maxDigitsOf = (c: IvrContext, kind: EntryKind): number => c.options.maxDigits[kind];
const entryLength = (c: IvrContext): number => c.secretCount + c.digits.length;
const outcomeOf = (event: IvrEvent): Outcome<unknown> | undefined => ('outcome' in event ? event.outcome : undefined);
const refusalOf = (event: IvrEvent): IvrRefusal | null => {
  const o = outcomeOf(event);
  return o !== undefined && !o.ok ? o.refusal : null;
};

const base = setup({
  types: {} as {
    context: IvrContext;
    events: IvrEvent;
    input: IvrMachineInput;
    tags: 'awaiting-digits' | 'awaiting-menu' | 'secret';
  },
  actions: {
    // Outputs: the driver carries them out; here they do nothing.
    play: (_, _params: PlayParams) => {},
    /** The refusal in context, through `refusalPrompt`. */
    playRefusal: () => {},
    /** One `language-option` prompt per configured language, each in its own language. */
    playLanguageMenu: () => {},
    awaitInput: (_, _params: AwaitedInput) => {},
    identifyUser: (_, _params: IdentifyParams) => {},
    verifyCredential: (_, _params: VerifyParams) => {},
    provisionPhone: (_, _params: CommandParams) => {},
    replacePhone: (_, _params: CommandParams) => {},
    hangUp: () => {},
    // Context updates.
    clearEntry: assign({ digits: '', secretCount: 0 }),
    appendDigit: assign({ digits: ({ context, event }) => (event.type === 'DIGIT' ? context.digits + event.digit : context.digits) }),
    countSecretDigit: assign({ secretCount: ({ context }) => context.secretCount + 1 }),
    countTry: assign({ tries: ({ context }) => context.tries + 1 }),
    resetTries: assign({ tries: 0, attemptsLeft: null }),
    chooseFlow: assign({ flow: (_, params: { flow: Flow }) => params.flow }),
    chooseLanguage: assign({
      language: ({ context, event }) =>
        event.type === 'DIGIT' ? (context.languages[Number(event.digit) - 1] ?? context.language) : context.language,
    }),
    rememberUser: assign({
      userId: ({ event }) => (event.type === 'IDENTIFY_RESULT' && event.outcome.ok ? event.outcome.value.userId : null),
      idDigits: ({ context }) => context.digits,
    }),
    rememberAttemptsLeft: assign({
      attemptsLeft: ({ context, event }) => {
        const o = outcomeOf(event);
        return o !== undefined && !o.ok && o.attemptsLeft !== undefined ? o.attemptsLeft : context.attemptsLeft;
      },
    }),
    rememberAuthentication: assign({
      authenticatedBy: ({ event }): AuthenticatedBy =>
        event.type === 'VERIFY_RESULT' && event.outcome.ok && event.outcome.value.method === 'authentication-code'
          ? 'administrator'
          : 'user',
      authenticationMethod: ({ event }): CredentialMethod | 'none' =>
        event.type === 'VERIFY_RESULT' && event.outcome.ok ? event.outcome.value.method : 'none',
    }),
    skipAuthentication: assign({ authenticatedBy: 'none' as AuthenticatedBy, authenticationMethod: 'none' as const }),
    askSecretOf: assign({ secretFor: (_, params: { who: 'user' | 'administrator' }) => params.who }),
    rememberRefusal: assign({ refusal: ({ context, event }) => refusalOf(event) ?? context.refusal }),
    refuseAs: assign({ refusal: (_, params: { refusal: IvrRefusal }) => params.refusal }),
    rememberExtension: assign({
      extension: ({ context, event }) =>
        (event.type === 'PROVISION_RESULT' || event.type === 'REPLACE_RESULT') && event.outcome.ok
          ? event.outcome.value.extension
          : context.extension,
    }),
  },
  guards: {
    settingsUnavailable: ({ context }) => context.refusal !== null,
    notIvrNumber: ({ context }) => !context.dialledIsIvr,
    offersLanguageMenu: ({ context }) => context.languages.length > 1 && !context.languagePreset,
    /** After counting the current failure, at least one try is left. */
    triesRemain: ({ context }) => context.tries + 1 < context.options.maxTries,
    keyIs: ({ event }, params: { key: Dtmf }) => event.type === 'DIGIT' && event.digit === params.key,
    isLanguageKey: ({ context, event }) =>
      event.type === 'DIGIT' && Number(event.digit) >= 1 && Number(event.digit) <= context.languages.length,
    entryFull: ({ context }, params: { kind: EntryKind }) => entryLength(context) >= maxDigitsOf(context, params.kind),
    succeeded: ({ event }) => outcomeOf(event)?.ok === true,
    refusedWith: ({ event }, params: { refusal: IvrRefusal }) => refusalOf(event) === params.refusal,
    /** A wrong secret that locked the account (the credential policy says no attempts are left). */
    wrongAndLocked: ({ event }) => {
      const o = outcomeOf(event);
      return o !== undefined && !o.ok && o.refusal === 'wrong_credential' && o.attemptsLeft === 0;
    },
    isNonSecure: ({ context }) => context.mode === 'non-secure',
    acceptsAuthenticationCode: ({ context }) => context.mode === 'secure-users-and-admins',
    forAdministrator: ({ context }) => context.secretFor === 'administrator',
    isProvisionFlow: ({ context }) => context.flow === 'provision',
  },
  delays: {
    firstDigit: ({ context }) => context.options.firstDigitTimeoutMs,
    interDigit: ({ context }) => context.options.interDigitTimeoutMs,
  },
});

type StateConfig = Parameters<typeof base.createStateConfig>[0];
type Always = NonNullable<StateConfig['always']>;
type Transition = Exclude<Extract<Always, readonly unknown[]>[number], string | undefined>;
type Action = Extract<NonNullable<StateConfig['entry']>, readonly unknown[]>[number];
type Guard = NonNullable<Transition['guard']>;

const play = (prompt: PromptId): Action => ({ type: 'play', params: { prompt } });

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
const also = (condition: Guard, t: Transition): Transition => ({
  ...t,
  guard: t.guard === undefined ? condition : (and([condition, t.guard] as never) as Guard),
});

/** A failed try: count it and say why, then either start `again` (re-entered) or end with "too many attempts". */
const failedTry = (again: string, ...prompts: PromptId[]): Transition[] => [
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
const digitEntry = ({ self, kind, prompt, submit, entry = [], starFirst, on }: EntrySpec): StateConfig => {
  const secret = kind === 'secret';
  const add: Action = secret ? 'countSecretDigit' : 'appendDigit';
  const full: Guard = { type: 'entryFull', params: { kind } };
  const first: Transition = { target: 'more', actions: add };
  const next: Transition[] = [
    ...failedTry(self, 'entry-too-long').map((t) => also(full, t)),
    { target: 'more', reenter: true, actions: add },
  ];
  return base.createStateConfig({
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
const menu = (self: string, entry: Action[], choices: Transition[]): StateConfig =>
  base.createStateConfig({
    tags: ['awaiting-menu'],
    entry: [...entry, awaitInput('menu')],
    after: { firstDigit: failedTry(self, 'no-input') },
    on: {
      DIGIT: [...choices, ...failedTry(self, 'invalid-option')],
      HASH: failedTry(self, 'invalid-option'),
      STAR: { target: self, reenter: true },
    },
  });

const key = (k: Dtmf): Guard => ({ type: 'keyIs', params: { key: k } });

/**
 * What follows an identification: success goes on, an unknown id is a failed
 * try, any other refusal ends the call. When a confirmation follows, the
 * tries are not reset: entering the id, identifying it and confirming it are
 * one step, so "enter it again" cannot loop forever.
 */
const afterIdentify = (retry: string, unknownPrompt: PromptId, success: string, resetTries: boolean): Transition[] => [
  { guard: 'succeeded', target: success, actions: resetTries ? ['rememberUser', 'resetTries'] : ['rememberUser'] },
  ...failedTry(retry, unknownPrompt).map((t) => also({ type: 'refusedWith', params: { refusal: 'unknown_id' } }, t)),
  { target: '#ivr.refused', actions: 'rememberRefusal' },
];

const afterCommand = (success: string): Transition[] => [
  { guard: 'succeeded', target: success, actions: 'rememberExtension' },
  { target: '#ivr.refused', actions: 'rememberRefusal' },
];

const commandParams = ({ context }: { context: IvrContext }): CommandParams => ({
  userId: context.userId ?? '',
  digits: context.idDigits,
  authenticatedBy: context.authenticatedBy,
  method: context.authenticationMethod,
});

/** The call-flow machine (drawn in docs/ivr.md by `toMermaid`). */
export const ivrMachine = base.createMachine({
  id: 'ivr',
  context: ({ input }) => {
    const preset = input.language !== undefined && input.languages.includes(input.language);
    return {
      callId: input.callId,
      device: input.device,
      languages: input.languages,
      language: preset && input.language !== undefined ? input.language : (input.languages[0] ?? 'en_US'),
      languagePreset: preset,
      mode: input.authenticationMode,
      dialledIsIvr: input.dialledIsIvr,
      options: input.options,
      flow: 'provision',
      digits: '',
      secretCount: 0,
      tries: 0,
      attemptsLeft: null,
      userId: null,
      idDigits: '',
      authenticatedBy: 'none',
      authenticationMethod: 'none',
      secretFor: 'user',
      refusal: input.unavailable ?? null,
      extension: null,
    };
  },
  initial: 'start',
  // Hang-up ends the call from any state. A domain result that arrives later finds a final state and is ignored.
  on: { HANGUP: { target: '.hungUp' } },
  states: {
    start: {
      always: [
        { guard: 'settingsUnavailable', target: 'refused' },
        { guard: 'notIvrNumber', target: 'wrongNumber' },
        { guard: 'offersLanguageMenu', target: 'languageMenu', actions: play('welcome') },
        { target: 'mainMenu', actions: play('welcome') },
      ],
    },
    languageMenu: menu(
      '#ivr.languageMenu',
      ['playLanguageMenu'],
      [{ guard: 'isLanguageKey', target: '#ivr.mainMenu', actions: ['chooseLanguage', 'resetTries'] }],
    ),
    mainMenu: menu(
      '#ivr.mainMenu',
      [play('main-menu')],
      [
        { guard: key('1'), target: '#ivr.provision', actions: [{ type: 'chooseFlow', params: { flow: 'provision' } }, 'resetTries'] },
        { guard: key('2'), target: '#ivr.replace', actions: [{ type: 'chooseFlow', params: { flow: 'replace' } }, 'resetTries'] },
      ],
    ),
    provision: {
      initial: 'enterId',
      states: {
        enterId: digitEntry({
          self: '#ivr.provision.enterId',
          kind: 'selfProvisioningId',
          prompt: 'enter-self-provisioning-id',
          submit: '#ivr.provision.identifying',
        }),
        identifying: {
          entry: { type: 'identifyUser', params: ({ context }) => ({ by: 'self-provisioning-id', digits: context.digits }) },
          on: {
            IDENTIFY_RESULT: afterIdentify('#ivr.provision.enterId', 'unknown-self-provisioning-id', '#ivr.provision.confirm', false),
            RESUME: { target: '#ivr.provision.identifying', reenter: true },
          },
        },
        confirm: menu(
          '#ivr.provision.confirm',
          [play('confirm-self-provisioning-id')],
          [
            { guard: key('1'), target: '#ivr.authenticate', actions: 'resetTries' },
            // Entering the id again is a try of the same step, so a call cannot loop forever.
            ...failedTry('#ivr.provision.enterId').map((t) => also(key('2'), t)),
          ],
        ),
      },
    },
    replace: {
      initial: 'enterExtension',
      states: {
        enterExtension: digitEntry({
          self: '#ivr.replace.enterExtension',
          kind: 'extension',
          prompt: 'enter-extension',
          submit: '#ivr.replace.identifying',
        }),
        identifying: {
          entry: { type: 'identifyUser', params: ({ context }) => ({ by: 'extension', digits: context.digits }) },
          on: {
            IDENTIFY_RESULT: afterIdentify('#ivr.replace.enterExtension', 'unknown-extension', '#ivr.authenticate', true),
            RESUME: { target: '#ivr.replace.identifying', reenter: true },
          },
        },
      },
    },
    // The authentication modes: non-secure passes straight through; the secure modes ask for a secret.
    authenticate: {
      initial: 'choosing',
      states: {
        choosing: {
          always: [
            { guard: 'isNonSecure', target: '#ivr.authenticated', actions: 'skipAuthentication' },
            { guard: 'acceptsAuthenticationCode', target: 'enterPinOrCode' },
            { target: 'enterPin' },
          ],
        },
        enterPin: digitEntry({
          self: '#ivr.authenticate.enterPin',
          kind: 'secret',
          prompt: 'enter-pin',
          submit: '#ivr.authenticate.verifying',
          entry: [{ type: 'askSecretOf', params: { who: 'user' } }],
          on: { RESUME: { target: '#ivr.authenticate.enterPin', reenter: true, actions: play('secret-entry-restarted') } },
        }),
        // Administrators press `*` first, then the authentication code: each attempt is checked against one
        // credential only, so a user's typo never counts as a failure of the system code (and vice versa).
        enterPinOrCode: digitEntry({
          self: '#ivr.authenticate.enterPinOrCode',
          kind: 'secret',
          prompt: 'enter-pin-or-authentication-code',
          submit: '#ivr.authenticate.verifying',
          entry: [{ type: 'askSecretOf', params: { who: 'user' } }],
          starFirst: '#ivr.authenticate.enterCode',
          on: { RESUME: { target: '#ivr.authenticate.enterPinOrCode', reenter: true, actions: play('secret-entry-restarted') } },
        }),
        enterCode: digitEntry({
          self: '#ivr.authenticate.enterCode',
          kind: 'secret',
          prompt: 'enter-authentication-code',
          submit: '#ivr.authenticate.verifying',
          entry: [{ type: 'askSecretOf', params: { who: 'administrator' } }],
          on: { RESUME: { target: '#ivr.authenticate.enterCode', reenter: true, actions: play('secret-entry-restarted') } },
        }),
        verifying: {
          entry: {
            type: 'verifyCredential',
            params: ({ context }) => ({
              userId: context.userId ?? '',
              methods:
                context.secretFor === 'administrator'
                  ? ['authentication-code']
                  : allowedMethods(context.mode).filter((m) => m !== 'authentication-code'),
            }),
          },
          on: {
            VERIFY_RESULT: [
              { guard: 'succeeded', target: '#ivr.authenticated', actions: 'rememberAuthentication' },
              // The failure that locks the account is announced as the lockout itself.
              { guard: 'wrongAndLocked', target: '#ivr.refused', actions: { type: 'refuseAs', params: { refusal: 'locked_out' } } },
              {
                guard: and([{ type: 'refusedWith', params: { refusal: 'wrong_credential' as const } }, 'triesRemain']),
                target: '#ivr.authenticate.retry',
                actions: ['countTry', 'rememberAttemptsLeft', play('wrong-credential')],
              },
              { guard: { type: 'refusedWith', params: { refusal: 'wrong_credential' } }, target: '#ivr.tooManyTries', actions: 'countTry' },
              { target: '#ivr.refused', actions: 'rememberRefusal' },
            ],
            // The secret was only in the old process's memory: ask for it again.
            RESUME: { target: '#ivr.authenticate.retry', actions: play('secret-entry-restarted') },
          },
        },
        retry: {
          always: [
            { guard: 'forAdministrator', target: 'enterCode' },
            { guard: 'acceptsAuthenticationCode', target: 'enterPinOrCode' },
            { target: 'enterPin' },
          ],
        },
      },
    },
    authenticated: {
      always: [{ guard: 'isProvisionFlow', target: 'provisioning' }, { target: 'replacing' }],
    },
    provisioning: {
      entry: [play('please-wait'), { type: 'provisionPhone', params: commandParams }],
      on: {
        PROVISION_RESULT: afterCommand('#ivr.provisioned'),
        // The command is idempotent by its command id: issued again after a restart, it applies at most once.
        RESUME: { target: '#ivr.provisioning', reenter: true },
      },
    },
    replacing: {
      entry: [play('please-wait'), { type: 'replacePhone', params: commandParams }],
      on: {
        REPLACE_RESULT: afterCommand('#ivr.replaced'),
        RESUME: { target: '#ivr.replacing', reenter: true },
      },
    },
    provisioned: { entry: play('phone-provisioned'), always: { target: 'goodbye' } },
    replaced: { entry: play('phone-replaced'), always: { target: 'goodbye' } },
    refused: { entry: 'playRefusal', always: { target: 'goodbye' } },
    tooManyTries: { entry: play('too-many-attempts'), always: { target: 'goodbye' } },
    wrongNumber: { entry: play('not-the-ivr-number'), always: { target: 'goodbye' } },
    goodbye: { type: 'final', entry: [play('goodbye'), 'hangUp'] },
    hungUp: { type: 'final' },
  },
});

export type IvrMachine = typeof ivrMachine;
export type IvrSnapshot = ReturnType<typeof ivrMachine.resolveState>;
