import {
  type Clock,
  type DomainEvent,
  domainError,
  type ErrorShape,
  type RandomSource,
  type ValidationError,
  validationError,
} from '@selfprov/core';
import * as E from 'fp-ts/lib/Either.js';
import type * as TE from 'fp-ts/lib/TaskEither.js';
import { sha256, toHex, utf8 } from '../shared/sha256.js';

/** Which secret of a user: the self-care password, the phone PIN (Unified CM, extension mobility), the voicemail PIN. */
export type SecretKind = 'password' | 'pin' | 'voicemail-pin';

/** Identity facts the triviality rules compare a new secret with (the core credentials module's `CredentialOwner`). */
export interface CredentialOwnerFacts {
  readonly userId?: string;
  readonly firstName?: string;
  readonly lastName?: string;
  readonly extension?: string;
  readonly mailbox?: string;
}

/** The answer to a verification. Only `verified` opens a session. */
export type VerifyOutcome =
  | { readonly result: 'verified' }
  | { readonly result: 'wrong_secret' }
  | { readonly result: 'locked_out'; readonly until: string | null }
  | { readonly result: 'throttled' }
  | { readonly result: 'not_set' };

/**
 * Events a credentials operation asks to record (the core module's
 * `CredentialSet`, `CredentialVerificationFailed`, `CredentialLockedOut`...:
 * facts, never secrets). The facade appends them to the subject's self-care
 * stream (account, or domain for the default password) right after the call.
 */
export interface CredentialAudit {
  readonly events?: readonly DomainEvent[];
}

/** A refusal (a `ValidationError` naming the field, e.g. `pin_repeated_digit`, `credential_reused`) or a port failure. Never carries the secret. */
export type CredentialsPortError = ValidationError | ErrorShape;

/**
 * The credentials port of self-care. Secrets live only behind it (hashed with a
 * slow KDF, timing-safe compares, policy history); events record only that a
 * credential changed. The lead binds it to the core credentials module
 * (CredentialStore + SecretHasher + policy); `createMemoryCredentials` serves tests.
 */
export interface SelfCareCredentials {
  /** Checks a secret under the credential policy (lockout after failures, throttling per `deviceKey`). */
  verify(request: {
    readonly subject: string;
    readonly kind: SecretKind;
    readonly secret: string;
    readonly deviceKey: string;
  }): TE.TaskEither<CredentialsPortError, VerifyOutcome & CredentialAudit>;
  /**
   * Stores a new secret after the policy's rules (length, trivial-PIN rules,
   * history). A refusal is a `ValidationError` naming `field`.
   */
  set(request: {
    readonly subject: string;
    readonly kind: SecretKind;
    readonly secret: string;
    readonly owner: CredentialOwnerFacts;
    readonly by: 'user' | 'administrator' | 'system';
    readonly field: string;
  }): TE.TaskEither<CredentialsPortError, CredentialAudit>;
  /**
   * Copies the stored secret of `from` to `to` (the domain's `DefaultCUPMPassword`
   * data to a new self-care account), without the caller ever seeing it.
   * Fails with `credential_not_set` when `from` has none.
   */
  copy(request: {
    readonly from: string;
    readonly to: string;
    readonly kind: SecretKind;
  }): TE.TaskEither<CredentialsPortError, CredentialAudit>;
}

/** Policy of the in-memory credentials (the vendor's defaults). */
export interface MemoryCredentialPolicy {
  /** Failed attempts before lockout (0 = never). */
  readonly lockoutThreshold: number;
  /** Minutes a lockout lasts. */
  readonly lockoutMinutes: number;
  readonly minPasswordLength: number;
  readonly minPinLength: number;
  /** Previous secrets refused on change, the current one included. */
  readonly historySize: number;
}

export const defaultMemoryCredentialPolicy: MemoryCredentialPolicy = {
  lockoutThreshold: 3,
  lockoutMinutes: 30,
  minPasswordLength: 8,
  minPinLength: 8,
  historySize: 12,
};

interface Hashed {
  readonly salt: string;
  readonly hash: string;
}
interface Entry {
  current: Hashed;
  history: Hashed[];
  failures: number;
  lockedUntil: number | null;
}

const digest = (salt: string, secret: string): string => toHex(sha256(utf8(`${salt}\u0000${secret}`)));

/** The vendor's trivial-PIN rules (a subset of the core credentials module's, enough for tests). */
const pinRule = (pin: string, owner: CredentialOwnerFacts, minLength: number): string | undefined => {
  if (!/^[0-9]+$/.test(pin)) return 'pin_not_digits';
  if (pin.length < minLength) return 'pin_too_short';
  if (/([0-9])\1\1/.test(pin)) return 'pin_repeated_digit';
  if (new Set(pin).size < 3) return 'pin_too_few_distinct_digits';
  const steps = new Set([...pin].slice(1).map((d, i) => (Number(d) - Number(pin[i]) + 10) % 10));
  if (steps.size === 1 && (steps.has(1) || steps.has(9))) return 'pin_sequential';
  if (/^([0-9]+)\1+$/.test(pin)) return 'pin_repeated_group';
  for (const n of [owner.extension, owner.mailbox]) {
    if (n !== undefined && n.length >= 3 && (pin.includes(n) || pin.includes([...n].reverse().join('')))) return 'pin_contains_extension';
  }
  return undefined;
};

const passwordRule = (password: string, owner: CredentialOwnerFacts, minLength: number): string | undefined => {
  if ([...password].length < minLength) return 'password_too_short';
  if (owner.userId !== undefined && owner.userId.length >= 3 && password.toLowerCase().includes(owner.userId.toLowerCase()))
    return 'password_contains_user_id';
  return undefined;
};

export interface MemoryCredentials extends SelfCareCredentials {
  /** True when a secret is stored for the subject and kind (for tests). */
  has(subject: string, kind: SecretKind): boolean;
}

/**
 * In-memory credentials for tests, examples and demos. Secrets are kept as
 * salted SHA-256 digests: a stand-in, NOT a password store (production binds
 * the core credentials module with scrypt/argon2id). No throttling per device.
 */
export const createMemoryCredentials = (options: {
  readonly clock: Clock;
  readonly random: RandomSource;
  readonly policy?: Partial<MemoryCredentialPolicy>;
}): MemoryCredentials => {
  const policy = { ...defaultMemoryCredentialPolicy, ...options.policy };
  const entries = new Map<string, Entry>();
  const key = (subject: string, kind: SecretKind) => `${kind}\u0000${subject}`;
  const salt = () => toHex(options.random.bytes(16));
  const done =
    <A>(value: E.Either<CredentialsPortError, A>): TE.TaskEither<CredentialsPortError, A> =>
    async () =>
      value;

  return {
    has: (subject, kind) => entries.has(key(subject, kind)),
    verify: ({ subject, kind, secret }) => {
      const entry = entries.get(key(subject, kind));
      if (entry === undefined) return done(E.right({ result: 'not_set' }));
      const now = options.clock.now().getTime();
      if (entry.lockedUntil !== null && entry.lockedUntil > now)
        return done(E.right({ result: 'locked_out', until: new Date(entry.lockedUntil).toISOString() }));
      if (digest(entry.current.salt, secret) === entry.current.hash) {
        entry.failures = 0;
        entry.lockedUntil = null;
        return done(E.right({ result: 'verified' }));
      }
      entry.failures += 1;
      const failed = { type: 'CredentialVerificationFailed', data: { subject, kind, attempt: entry.failures } };
      if (policy.lockoutThreshold > 0 && entry.failures >= policy.lockoutThreshold) {
        entry.failures = 0;
        entry.lockedUntil = now + policy.lockoutMinutes * 60_000;
        const until = new Date(entry.lockedUntil).toISOString();
        return done(
          E.right({ result: 'locked_out', until, events: [failed, { type: 'CredentialLockedOut', data: { subject, kind, until } }] }),
        );
      }
      return done(E.right({ result: 'wrong_secret', events: [failed] }));
    },
    set: ({ subject, kind, secret, owner, field, by }) => {
      const rule =
        kind === 'password' ? passwordRule(secret, owner, policy.minPasswordLength) : pinRule(secret, owner, policy.minPinLength);
      if (rule !== undefined) return done(E.left(validationError(rule, field, `${field} breaks the credential policy (${rule})`)));
      const entry = entries.get(key(subject, kind));
      const previous = entry ? [entry.current, ...entry.history].slice(0, policy.historySize) : [];
      if (previous.some((h) => digest(h.salt, secret) === h.hash))
        return done(E.left(validationError('credential_reused', field, `${field} was used recently and may not be used again yet`)));
      const s = salt();
      entries.set(key(subject, kind), {
        current: { salt: s, hash: digest(s, secret) },
        history: previous.slice(0, Math.max(0, policy.historySize - 1)),
        failures: 0,
        lockedUntil: null,
      });
      return done(E.right({ events: [{ type: 'CredentialSet', data: { subject, kind, by } }] }));
    },
    copy: ({ from, to, kind }) => {
      const source = entries.get(key(from, kind));
      if (source === undefined)
        return done(E.left(domainError('credential_not_set', `no ${kind} is set for the source subject`, { field: 'password' })));
      const target = entries.get(key(to, kind));
      entries.set(key(to, kind), {
        current: { ...source.current },
        history: target ? [target.current, ...target.history].slice(0, Math.max(0, policy.historySize - 1)) : [],
        failures: 0,
        lockedUntil: null,
      });
      return done(E.right({ events: [{ type: 'CredentialSet', data: { subject: to, kind, by: 'system' } }] }));
    },
  };
};
