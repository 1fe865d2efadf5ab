import type * as E from 'fp-ts/lib/Either.js';
import * as t from 'io-ts';
import type { ValidationError } from '../kernel/errors.js';
import { decodeWith, fieldOf } from '../kernel/validation/decode.js';

/**
 * Codecs of the credentials module. Every failure message names the field and
 * the rule, never the value: the value may be a PIN, a password or the
 * system authentication code.
 */

type Branded<B extends string> = string & t.Brand<{ readonly [K in B]: symbol }>;

const CONTROL = /[\u0000-\u001f\u007f]/;

const brandedString = <B extends string>(name: B, test: (s: string) => boolean, rule: string) =>
  new t.Type<Branded<B>, string, unknown>(
    name,
    (u): u is Branded<B> => typeof u === 'string' && test(u),
    (u, c) => (typeof u === 'string' && test(u) ? t.success(u as Branded<B>) : t.failure(u, c, `${fieldOf(c)} ${rule}`)),
    (a) => a,
  );

const boundedInt = (name: string, min: number, max: number, note = '') =>
  new t.Type<number, number, unknown>(
    name,
    (u): u is number => typeof u === 'number' && Number.isInteger(u) && u >= min && u <= max,
    (u, c) =>
      typeof u === 'number' && Number.isInteger(u) && u >= min && u <= max
        ? t.success(u)
        : t.failure(u, c, `${fieldOf(c)} must be an integer from ${min} to ${max}${note}`),
    (a) => a,
  );

/** Length in code points, so an emoji or an accented letter counts as one character. */
export const codePointLength = (s: string): number => [...s].length;

/** Longest PIN accepted (the vendor's own maximum is well below; bounds hashing work). */
export const MAX_PIN_LENGTH = 64;
/** Longest password accepted (NIST SP 800-63B asks for at least 64). */
export const MAX_PASSWORD_LENGTH = 256;
/** Longest secret `verifyCredential` will hash at all: longer input is refused before hashing. */
export const MAX_SECRET_LENGTH = 256;
/** The system authentication code is 0 to 20 digits (vendor range). */
export const MAX_AUTHENTICATION_CODE_LENGTH = 20;

/** A PIN: ASCII digits 0-9 only, 1 to 64 of them. Policy rules (length, triviality) are checked by `checkPin`. */
export const Pin = brandedString(
  'Pin',
  (s) => /^[0-9]+$/.test(s) && s.length <= MAX_PIN_LENGTH,
  `must be 1 to ${MAX_PIN_LENGTH} digits 0-9`,
);
export type Pin = t.TypeOf<typeof Pin>;

/** A password: 1 to 256 characters (code points), any script, no control characters. Policy rules in `checkPassword`. */
export const Password = brandedString(
  'Password',
  (s) => s.length > 0 && codePointLength(s) <= MAX_PASSWORD_LENGTH && !CONTROL.test(s),
  `must be 1 to ${MAX_PASSWORD_LENGTH} characters without control characters`,
);
export type Password = t.TypeOf<typeof Password>;

/** The system authentication code of self-provisioning: 0 to 20 digits (the vendor's range). */
export const AuthenticationCode = brandedString(
  'AuthenticationCode',
  (s) => /^[0-9]*$/.test(s) && s.length <= MAX_AUTHENTICATION_CODE_LENGTH,
  `must be 0 to ${MAX_AUTHENTICATION_CODE_LENGTH} digits 0-9`,
);
export type AuthenticationCode = t.TypeOf<typeof AuthenticationCode>;

/** Which secret of a subject: phone PIN, password, voicemail PIN, or the system authentication code. */
export const CredentialKind = t.keyof({ pin: null, password: null, 'voicemail-pin': null, 'authentication-code': null }, 'CredentialKind');
export type CredentialKind = t.TypeOf<typeof CredentialKind>;

/** Whose credential: a user id, or `SYSTEM_SUBJECT` for the authentication code. 1-256 characters, no control characters. */
export const CredentialSubject = brandedString(
  'CredentialSubject',
  (s) => s.length > 0 && s.length <= 256 && !CONTROL.test(s),
  'must be 1 to 256 characters without control characters',
);
export type CredentialSubject = t.TypeOf<typeof CredentialSubject>;

/** The subject under which the system authentication code is stored. */
export const SYSTEM_SUBJECT = '@system' as CredentialSubject;

/**
 * Who attempts a verification, for per-device throttling: the calling device
 * name on the IVR, or any stable caller key (e.g. `ip:203.0.113.7`) on the web.
 */
export const DeviceKey = brandedString(
  'DeviceKey',
  (s) => s.length > 0 && s.length <= 256 && !CONTROL.test(s),
  'must be 1 to 256 characters without control characters',
);
export type DeviceKey = t.TypeOf<typeof DeviceKey>;

/** Who changed or unlocked a credential (the envelope's actor says which one). */
export const ChangedBy = t.keyof({ user: null, administrator: null, system: null }, 'ChangedBy');
export type ChangedBy = t.TypeOf<typeof ChangedBy>;

/**
 * The credential policy (vendor: "Credential Policy"), one per credential kind.
 * Ranges are the vendor's; `lockoutThreshold` 0 means never lock (the NIST cap
 * of 100 consecutive failures still applies); `lockoutDurationMinutes` 0 means
 * locked until an administrator unlocks; `expiryDays` 0 means never expires;
 * `historySize` counts the most recent credentials refused on change, the
 * current one included (0 = no history check).
 */
export const CredentialPolicy = t.exact(
  t.type(
    {
      lockoutThreshold: boundedInt('LockoutThreshold', 0, 100, ' (0 = never lock)'),
      failureResetMinutes: boundedInt('FailureResetMinutes', 1, 120),
      lockoutDurationMinutes: boundedInt('LockoutDurationMinutes', 0, 1440, ' (0 = until an administrator unlocks)'),
      minLength: boundedInt('MinLength', 1, MAX_PIN_LENGTH),
      historySize: boundedInt('HistorySize', 0, 25),
      expiryDays: boundedInt('ExpiryDays', 0, 365, ' (0 = never)'),
      trivialCheck: t.boolean,
    },
    'CredentialPolicy',
  ),
);
export type CredentialPolicy = t.TypeOf<typeof CredentialPolicy>;

/** The vendor's default credential policy; used for PINs, voicemail PINs and passwords alike. */
export const defaultCredentialPolicy: CredentialPolicy = Object.freeze({
  lockoutThreshold: 3,
  failureResetMinutes: 30,
  lockoutDurationMinutes: 30,
  minLength: 8,
  historySize: 12,
  expiryDays: 180,
  trivialCheck: true,
});

/**
 * Throttling beyond the vendor's per-account lockout (toll-fraud defence): at
 * most `deviceMaxFailures` failed attempts per calling device per
 * `deviceWindowMinutes`, whichever accounts they target, and at most
 * `globalMaxFailures` across the whole system per `globalWindowMinutes`.
 * 0 turns a limit off. Windows are sliding.
 */
export const ThrottlePolicy = t.exact(
  t.type(
    {
      deviceMaxFailures: boundedInt('DeviceMaxFailures', 0, 10_000, ' (0 = off)'),
      deviceWindowMinutes: boundedInt('DeviceWindowMinutes', 1, 1440),
      globalMaxFailures: boundedInt('GlobalMaxFailures', 0, 1_000_000, ' (0 = off)'),
      globalWindowMinutes: boundedInt('GlobalWindowMinutes', 1, 1440),
    },
    'ThrottlePolicy',
  ),
);
export type ThrottlePolicy = t.TypeOf<typeof ThrottlePolicy>;

/**
 * Defaults: 10 failures per device per 15 minutes (three accounts' worth of
 * vendor lockouts) and 100 failures per 15 minutes system-wide. Size the global
 * limit to the installation: it stops a distributed guessing campaign at the
 * price of refusing everyone while the campaign lasts.
 */
export const defaultThrottlePolicy: ThrottlePolicy = Object.freeze({
  deviceMaxFailures: 10,
  deviceWindowMinutes: 15,
  globalMaxFailures: 100,
  globalWindowMinutes: 15,
});

/** NIST SP 800-63B: at most 100 consecutive failures per account, whatever the policy says. */
export const MAX_CONSECUTIVE_FAILURES = 100;

/** Identity facts the triviality rules compare a new credential with. All optional. */
export const CredentialOwner = t.exact(
  t.partial(
    {
      userId: t.string,
      firstName: t.string,
      lastName: t.string,
      extension: t.string,
      mailbox: t.string,
    },
    'CredentialOwner',
  ),
);
export type CredentialOwner = t.TypeOf<typeof CredentialOwner>;

const withDefaults = <A extends object>(defaults: A, input: unknown): unknown =>
  typeof input === 'object' && input !== null && !Array.isArray(input) ? { ...defaults, ...input } : input;

/** Decodes a (partial) credential policy; missing fields take the vendor defaults. */
export const decodeCredentialPolicy = (input: unknown): E.Either<ValidationError, CredentialPolicy> =>
  decodeWith(CredentialPolicy, 'invalid_credential_policy')(withDefaults(defaultCredentialPolicy, input));

/** Decodes a (partial) throttle policy; missing fields take the defaults. */
export const decodeThrottlePolicy = (input: unknown): E.Either<ValidationError, ThrottlePolicy> =>
  decodeWith(ThrottlePolicy, 'invalid_throttle_policy')(withDefaults(defaultThrottlePolicy, input));

/** The input field a credential kind is entered in, for error messages. */
export const fieldForKind = (kind: CredentialKind): string =>
  kind === 'voicemail-pin' ? 'voicemailPin' : kind === 'authentication-code' ? 'authenticationCode' : kind;

/** True for the digit-only kinds (phone PIN, voicemail PIN). */
export const isPinKind = (kind: CredentialKind): boolean => kind === 'pin' || kind === 'voicemail-pin';
