import * as E from 'fp-ts/lib/Either.js';
import type * as TE from 'fp-ts/lib/TaskEither.js';
import * as t from 'io-ts';
import { decodeWith } from '../../kernel/validation/decode.js';
import {
  CredentialKind,
  CredentialPolicy,
  CredentialSubject,
  codePointLength,
  DeviceKey,
  defaultCredentialPolicy,
  MAX_SECRET_LENGTH,
} from '../codecs.js';
import { type CredentialError, credentialRuleError } from '../errors.js';
import {
  type CredentialEvent,
  credentialLockedOut,
  credentialVerificationFailed,
  credentialVerificationRefused,
  credentialVerified,
  type LockoutReason,
  type RefusalReason,
} from '../events.js';
import { type FailureCounted, isCredentialExpired, lockStatus, registerFailure, registerSuccess } from '../state.js';
import { type CredentialDeps, mutate, normalise, verifySecret } from './support.js';
import { acquireSlots, releaseSlots } from './throttleSlots.js';

/** Input of `verifyCredential`. */
export interface VerifyCredentialInput {
  readonly subject: string;
  readonly kind: CredentialKind;
  /** The secret as entered. Anything up to 256 characters is hashed and compared; longer is refused unhashed. */
  readonly secret: string;
  /** The calling device (or caller key) for per-device throttling. */
  readonly device: string;
  /** The policy of this kind; `defaultCredentialPolicy` when absent. */
  readonly policy?: CredentialPolicy;
}

const VerifyCredentialInputCodec = t.intersection([
  t.type({ subject: CredentialSubject, kind: CredentialKind, secret: t.string, device: DeviceKey }),
  t.partial({ policy: CredentialPolicy }),
]);

/** The outcome of one verification. Only `verified` means the secret was right. */
export type VerificationOutcome =
  | {
      readonly outcome: 'verified';
      /** The holder should change the credential now: an administrator asked for it, or it has expired. */
      readonly mustChange: boolean;
      readonly expired: boolean;
    }
  | {
      readonly outcome: 'credential_invalid';
      /** Failures in the current window, this one included. */
      readonly attempt: number;
      /** Failures left before the policy locks the account; null when the policy never locks. */
      readonly remainingAttempts: number | null;
      /** The lockout this failure started, if any. */
      readonly lockedOut: { readonly until: string | null; readonly reason: LockoutReason } | null;
    }
  | { readonly outcome: 'locked_out'; readonly until: string | null; readonly reason: LockoutReason }
  | { readonly outcome: 'throttled_device' }
  | { readonly outcome: 'throttled_global' }
  | { readonly outcome: 'credential_not_set' };

/** An outcome and the events to append to the subject's stream. */
export type VerificationResult = VerificationOutcome & { readonly events: readonly CredentialEvent[] };

type Provisional =
  | { readonly kind: 'not_set' }
  | { readonly kind: 'locked'; readonly until: string | null; readonly reason: LockoutReason }
  | { readonly kind: 'counted'; readonly hash: string; readonly failure: FailureCounted };

/**
 * Verifies a secret. Before any hashing it refuses a locked account, then
 * takes a per-device and a global throttle slot, then counts the attempt as a
 * failure in the record (with its revision, so concurrent attempts all count
 * and none can slip past the lockout threshold); only then does it hash. A
 * success gives the slots back and clears the counters. An unknown subject
 * costs a throttle slot like a wrong secret, so guessing user ids is
 * throttled too; callers should word `credential_not_set` like
 * `credential_invalid` to the caller on the line.
 */
export const verifyCredential =
  (deps: CredentialDeps, input: VerifyCredentialInput): TE.TaskEither<CredentialError, VerificationResult> =>
  async () => {
    const decoded = decodeWith(VerifyCredentialInputCodec, 'invalid_credential_input')(input);
    if (E.isLeft(decoded)) return decoded;
    const { subject, kind, device } = decoded.right;
    const policy = decoded.right.policy ?? defaultCredentialPolicy;
    if (codePointLength(decoded.right.secret) > MAX_SECRET_LENGTH) {
      return E.left(credentialRuleError('secret_too_long', 'secret', { maxLength: MAX_SECRET_LENGTH }));
    }
    const secret = normalise(decoded.right.secret);
    const now = deps.clock.now();
    const refused = (reason: RefusalReason) => [credentialVerificationRefused({ subject, kind, device, reason })];

    const loaded = await deps.store.load(subject, kind)();
    if (E.isLeft(loaded)) return loaded;
    const early = loaded.right === undefined ? undefined : lockStatus(loaded.right, now);
    if (early?.locked) {
      return E.right({ outcome: 'locked_out', until: early.until, reason: early.reason, events: refused('locked_out') });
    }

    const slots = await acquireSlots(deps, device, now);
    if (E.isLeft(slots)) return slots;
    if (slots.right === 'throttled_device' || slots.right === 'throttled_global') {
      return E.right({ outcome: slots.right, events: refused(slots.right) });
    }
    const taken = slots.right;

    const provisional = await mutate<Provisional>(deps.store, subject, kind, (current) => {
      if (current === undefined) return { done: { kind: 'not_set' } };
      const lock = lockStatus(current, now);
      if (lock.locked) return { done: { kind: 'locked', until: lock.until, reason: lock.reason } };
      const failure = registerFailure(current, policy, now);
      return { write: failure.state, result: { kind: 'counted', hash: current.hash, failure } };
    });
    if (E.isLeft(provisional)) return provisional;
    const counted = provisional.right;
    if (counted.kind === 'not_set') {
      // The slot stays taken: probing for subjects is throttled like guessing secrets.
      return E.right({ outcome: 'credential_not_set', events: refused('credential_not_set') });
    }
    if (counted.kind === 'locked') {
      await releaseSlots(deps, taken);
      return E.right({ outcome: 'locked_out', until: counted.until, reason: counted.reason, events: refused('locked_out') });
    }

    const failed = (): VerificationResult => {
      const { failure } = counted;
      const events: CredentialEvent[] = [
        credentialVerificationFailed({
          subject,
          kind,
          device,
          attempt: failure.attempt,
          consecutiveFailures: failure.consecutiveFailures,
        }),
      ];
      if (failure.lockedOut !== null) {
        events.push(credentialLockedOut({ subject, kind, until: failure.lockedOut.until, reason: failure.lockedOut.reason }));
      }
      return {
        outcome: 'credential_invalid',
        attempt: failure.attempt,
        remainingAttempts: policy.lockoutThreshold === 0 ? null : Math.max(policy.lockoutThreshold - failure.attempt, 0),
        lockedOut: failure.lockedOut === null ? null : { until: failure.lockedOut.until, reason: failure.lockedOut.reason },
        events,
      };
    };

    // A hasher failure leaves the attempt counted: the safe side.
    const matches = await verifySecret(deps.hasher, secret, counted.hash);
    if (E.isLeft(matches)) return matches;
    if (!matches.right) return E.right(failed());

    await releaseSlots(deps, taken);
    type Confirmed = { readonly kind: 'changed' } | { readonly kind: 'verified'; readonly mustChange: boolean; readonly expired: boolean };
    const confirmed = await mutate<Confirmed>(deps.store, subject, kind, (current) => {
      // Replaced while we hashed: the secret matched a credential that no longer exists.
      if (current === undefined || current.hash !== counted.hash) return { done: { kind: 'changed' } };
      const expired = isCredentialExpired(current, policy, now);
      return { write: registerSuccess(current), result: { kind: 'verified', mustChange: current.mustChange || expired, expired } };
    });
    if (E.isLeft(confirmed)) return confirmed;
    if (confirmed.right.kind === 'changed') return E.right(failed());
    return E.right({
      outcome: 'verified',
      mustChange: confirmed.right.mustChange,
      expired: confirmed.right.expired,
      events: [credentialVerified({ subject, kind, device })],
    });
  };

/** `verifyCredential` for a phone PIN (or, with `kind`, a voicemail PIN). */
export const verifyPin = (
  deps: CredentialDeps,
  input: Omit<VerifyCredentialInput, 'kind'> & { readonly kind?: 'pin' | 'voicemail-pin' },
): TE.TaskEither<CredentialError, VerificationResult> => verifyCredential(deps, { ...input, kind: input.kind ?? 'pin' });
