import type {
  AuthenticatedBy,
  AuthenticationMode,
  CredentialMethod,
  Identified,
  IvrRefusal,
  Provisioned,
  Replaced,
  Verified,
} from '../gateway.js';
import type { PromptId } from '../prompts.js';

// The machine's model: what it is started with, its context and events, its options, and the
// readers of context and events its guards, actions and states share (the machine: packages/ivr/src/machine.ts).

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
 * Defaults (docs/ivr.md, "Entries, menus, tries, timeouts"): 10 s first-digit
 * and 5 s inter-digit timeouts, 3 tries. Self-provisioning ids and extensions are at
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

export const maxDigitsOf = (c: IvrContext, kind: EntryKind): number => c.options.maxDigits[kind];
export const entryLength = (c: IvrContext): number => c.secretCount + c.digits.length;
export const outcomeOf = (event: IvrEvent): Outcome<unknown> | undefined => ('outcome' in event ? event.outcome : undefined);
export const refusalOf = (event: IvrEvent): IvrRefusal | null => {
  const o = outcomeOf(event);
  return o !== undefined && !o.ok ? o.refusal : null;
};
