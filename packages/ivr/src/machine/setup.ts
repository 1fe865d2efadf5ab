import { assign, setup } from 'xstate';
import type { AuthenticatedBy, CredentialMethod, IvrRefusal } from '../gateway.js';
import {
  type AwaitedInput,
  type CommandParams,
  type Dtmf,
  type EntryKind,
  entryLength,
  type Flow,
  type IdentifyParams,
  type IvrContext,
  type IvrEvent,
  type IvrMachineInput,
  maxDigitsOf,
  outcomeOf,
  type PlayParams,
  refusalOf,
  type VerifyParams,
} from './model.js';

/**
 * The machine's `setup()`: its types and every named action (outputs with empty
 * implementations, context updates), guard and delay. The state builders
 * (packages/ivr/src/machine/states.ts) and the machine
 * (packages/ivr/src/machine.ts) are built on it.
 */
export const ivrSetup = setup({
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
