import { and } from 'xstate';
import { allowedMethods } from './gateway.js';
import { ivrSetup } from './machine/setup.js';
import { afterCommand, afterIdentify, also, commandParams, digitEntry, failedTry, key, menu, play } from './machine/states.js';

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

/** The call-flow machine (drawn in docs/ivr.md by `toMermaid`). */
export const ivrMachine = ivrSetup.createMachine({
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
