import * as t from 'io-ts';
import { authenticationModes, ivrRefusals } from './gateway.js';
import type { IvrEvent, IvrMachineInput, Outcome } from './machine/model.js';

/**
 * The events of stream `ivr-call-<callId>`: the inputs of one call, in order,
 * each with the driver's time (`at`). Replaying them through the machine
 * rebuilds the call, its pending timers included. A digit typed during a
 * secret entry is recorded as `IvrSecretDigitEntered`, without the digit:
 * the log never holds a PIN, password or authentication code.
 */

const keyOf = <K extends string>(values: readonly K[], name: string) =>
  t.keyof(Object.fromEntries(values.map((v) => [v, null])) as Record<K, null>, name);

const Refusal = keyOf(ivrRefusals, 'IvrRefusal');
const Mode = keyOf(authenticationModes, 'AuthenticationMode');
const Count = t.refinement(t.number, (n) => Number.isInteger(n) && n >= 0, 'NonNegativeInteger');
const Positive = t.refinement(t.number, (n) => Number.isInteger(n) && n > 0, 'PositiveInteger');
const Instant = t.refinement(t.string, (s) => !Number.isNaN(Date.parse(s)), 'Instant');

const Options = t.type({
  firstDigitTimeoutMs: Count,
  interDigitTimeoutMs: Count,
  maxTries: Positive,
  maxDigits: t.type({ selfProvisioningId: Positive, extension: Positive, secret: Positive }),
});

const MachineInput = t.intersection([
  t.type({
    callId: t.string,
    device: t.string,
    languages: t.array(t.string),
    authenticationMode: Mode,
    dialledIsIvr: t.boolean,
    options: Options,
  }),
  t.partial({ language: t.string, unavailable: Refusal }),
]);

const refused = t.intersection([t.type({ ok: t.literal(false), refusal: Refusal }), t.partial({ attemptsLeft: Count })]);
const outcome = <A extends t.Mixed>(value: A) => t.union([t.type({ ok: t.literal(true), value }), refused]);

const EffectOutcome = t.union([
  t.type({ effect: t.literal('identifyUser'), outcome: outcome(t.type({ userId: t.string })) }),
  t.type({
    effect: t.literal('verifyCredential'),
    outcome: outcome(t.type({ method: keyOf(['pin', 'password', 'authentication-code'], 'CredentialMethod') })),
  }),
  t.type({ effect: t.literal('provisionPhone'), outcome: outcome(t.type({ extension: t.string })) }),
  t.type({
    effect: t.literal('replacePhone'),
    outcome: outcome(t.intersection([t.type({ extension: t.string }), t.partial({ oldDevice: t.string })])),
  }),
]);

/** Codecs of the recorded events' data, by event type. */
export const ivrCallEventCodecs = {
  IvrCallStarted: t.type({ input: MachineInput, dialled: t.union([t.string, t.null]), at: Instant }),
  IvrKeyPressed: t.type({ key: keyOf(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '#'], 'DtmfKey'), at: Instant }),
  IvrSecretDigitEntered: t.type({ at: Instant }),
  IvrTimerFired: t.type({ timer: t.string, at: Instant }),
  IvrEffectCompleted: t.intersection([EffectOutcome, t.type({ at: Instant })]),
  IvrCallResumed: t.type({ at: Instant }),
  IvrCallerHungUp: t.type({ at: Instant }),
} as const;

export type IvrCallEventType = keyof typeof ivrCallEventCodecs;
export const ivrCallEventTypes = Object.keys(ivrCallEventCodecs) as IvrCallEventType[];

export type IvrCallStartedData = { readonly input: IvrMachineInput; readonly dialled: string | null; readonly at: string };
export type DtmfKey = '0' | '1' | '2' | '3' | '4' | '5' | '6' | '7' | '8' | '9' | '*' | '#';
export type EffectName = 'identifyUser' | 'verifyCredential' | 'provisionPhone' | 'replacePhone';

/** One recorded input. */
export type IvrCallEvent =
  | { readonly type: 'IvrCallStarted'; readonly data: IvrCallStartedData }
  | { readonly type: 'IvrKeyPressed'; readonly data: { readonly key: DtmfKey; readonly at: string } }
  | { readonly type: 'IvrSecretDigitEntered'; readonly data: { readonly at: string } }
  | { readonly type: 'IvrTimerFired'; readonly data: { readonly timer: string; readonly at: string } }
  | {
      readonly type: 'IvrEffectCompleted';
      readonly data: { readonly effect: EffectName; readonly outcome: Outcome<Record<string, string>>; readonly at: string };
    }
  | { readonly type: 'IvrCallResumed'; readonly data: { readonly at: string } }
  | { readonly type: 'IvrCallerHungUp'; readonly data: { readonly at: string } };

/** Decodes a stored event; `undefined` for an unknown type or invalid data. */
export const decodeIvrCallEvent = (type: string, data: unknown): IvrCallEvent | undefined => {
  const codec = (ivrCallEventCodecs as Record<string, t.Mixed>)[type];
  if (codec === undefined) return undefined;
  const decoded = codec.decode(data);
  return decoded._tag === 'Right' ? ({ type, data: decoded.right } as IvrCallEvent) : undefined;
};

const resultEvent = {
  identifyUser: 'IDENTIFY_RESULT',
  verifyCredential: 'VERIFY_RESULT',
  provisionPhone: 'PROVISION_RESULT',
  replacePhone: 'REPLACE_RESULT',
} as const;

/** The machine event a recorded input stands for (`undefined` for the start, which is the machine's input). */
export const machineEventOf = (event: IvrCallEvent): IvrEvent | { readonly type: string } | undefined => {
  switch (event.type) {
    case 'IvrCallStarted':
      return undefined;
    case 'IvrKeyPressed':
      return event.data.key === '*'
        ? { type: 'STAR' }
        : event.data.key === '#'
          ? { type: 'HASH' }
          : { type: 'DIGIT', digit: event.data.key };
    case 'IvrSecretDigitEntered':
      return { type: 'SECRET_DIGIT' };
    case 'IvrTimerFired':
      return { type: event.data.timer };
    case 'IvrEffectCompleted':
      return { type: resultEvent[event.data.effect], outcome: event.data.outcome } as IvrEvent;
    case 'IvrCallResumed':
      return { type: 'RESUME' };
    case 'IvrCallerHungUp':
      return { type: 'HANGUP' };
  }
};
