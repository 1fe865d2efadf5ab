import * as E from 'fp-ts/lib/Either.js';
import type * as TE from 'fp-ts/lib/TaskEither.js';
import * as t from 'io-ts';
import type { ValidationError } from '../kernel/errors.js';
import type { Clock } from '../kernel/runtime/ports.js';
import { decodeWith } from '../kernel/validation/decode.js';
import {
  ChangedBy,
  CredentialKind,
  CredentialOwner,
  CredentialPolicy,
  CredentialSubject,
  codePointLength,
  DeviceKey,
  defaultCredentialPolicy,
  defaultThrottlePolicy,
  fieldForKind,
  isPinKind,
  MAX_SECRET_LENGTH,
  SYSTEM_SUBJECT,
  type ThrottlePolicy,
} from './codecs.js';
import { type CredentialError, type CredentialPortError, credentialNotSet, credentialPortError, credentialRuleError } from './errors.js';
import {
  type CredentialEvent,
  credentialLockedOut,
  credentialSet,
  credentialUnlocked,
  credentialVerificationFailed,
  credentialVerificationRefused,
  credentialVerified,
  type LockoutReason,
  type RefusalReason,
} from './events.js';
import type { CredentialRecord, CredentialState, CredentialStore, SecretHasher, ThrottleStore } from './ports.js';
import { checkAuthenticationCode, checkPassword, checkPin } from './rules.js';
import {
  type CredentialStatus,
  clearFailures,
  describeCredential,
  type FailureCounted,
  isCredentialExpired,
  lockStatus,
  registerFailure,
  registerSuccess,
  rememberedHashes,
  replaceCredential,
} from './state.js';

/**
 * Orchestration: each function validates its input, applies the pure rules
 * and transitions of `state.ts` through the ports, and returns its outcome
 * together with the events to append to the subject's stream. Secrets are
 * NFKC-normalised (NIST SP 800-63B) before any rule or hash sees them.
 */

/** The ports the operations need. */
export interface CredentialDeps {
  readonly store: CredentialStore;
  readonly throttle: ThrottleStore;
  readonly hasher: SecretHasher;
  readonly clock: Clock;
  /** Per-device and global limits; `defaultThrottlePolicy` when absent. */
  readonly throttlePolicy?: ThrottlePolicy;
}

/** Bound on optimistic-concurrency retries: each lost round means another writer succeeded. */
export const MAX_CONFLICT_RETRIES = 64;

const normalise = (secret: string): string => secret.normalize('NFKC');

// ---------------------------------------------------------------------------
// Port helpers

const hashSecret = async (hasher: SecretHasher, secret: string): Promise<E.Either<CredentialPortError, string>> => {
  try {
    return E.right(await hasher.hash(secret));
  } catch {
    // The exception text is dropped on purpose: it could quote its input.
    return E.left(credentialPortError('hasher_failed', 'the secret hasher failed to hash'));
  }
};

const verifySecret = async (hasher: SecretHasher, secret: string, stored: string): Promise<E.Either<CredentialPortError, boolean>> => {
  try {
    return E.right((await hasher.verify(secret, stored)) === true);
  } catch {
    return E.left(credentialPortError('hasher_failed', 'the secret hasher failed to verify'));
  }
};

type Step<R> = { readonly write: CredentialState; readonly result: R } | { readonly done: R };

/**
 * Read-decide-write with the record's revision, retried on conflict. `decide`
 * is pure and re-run on the fresh record each round, so no concurrent change
 * (another process counting a failure, say) is ever overwritten.
 */
const mutate = async <R>(
  store: CredentialStore,
  subject: string,
  kind: CredentialKind,
  decide: (current: CredentialRecord | undefined) => Step<R>,
): Promise<E.Either<CredentialPortError, R>> => {
  for (let round = 0; round < MAX_CONFLICT_RETRIES; round++) {
    const loaded = await store.load(subject, kind)();
    if (E.isLeft(loaded)) return loaded;
    const step = decide(loaded.right);
    if ('done' in step) return E.right(step.done);
    const saved = await store.save(step.write, loaded.right?.revision ?? null)();
    if (E.isRight(saved)) return E.right(step.result);
    if (saved.left.code !== 'credential_revision_conflict') return saved;
  }
  return E.left(
    credentialPortError('credential_conflict_retries_exhausted', 'too many concurrent changes to one credential', {
      retries: MAX_CONFLICT_RETRIES,
    }),
  );
};

// ---------------------------------------------------------------------------
// setCredential

/** Input of `setCredential`. */
export interface SetCredentialInput {
  readonly subject: string;
  readonly kind: CredentialKind;
  /** The new secret, as entered. */
  readonly secret: string;
  readonly by: ChangedBy;
  /** Identity facts for the triviality rules (extension, mailbox, names, user id). */
  readonly owner?: CredentialOwner;
  /** The holder must change it at next use (an administrator's reset). Default false. */
  readonly mustChange?: boolean;
  /** The policy of this kind; `defaultCredentialPolicy` when absent. */
  readonly policy?: CredentialPolicy;
  /** The input field to name in errors; by default derived from the kind (`pin`, `voicemailPin`, ...). */
  readonly field?: string;
}

const SetCredentialInputCodec = t.intersection([
  t.type({ subject: CredentialSubject, kind: CredentialKind, secret: t.string, by: ChangedBy }),
  t.partial({ owner: CredentialOwner, mustChange: t.boolean, policy: CredentialPolicy, field: t.string }),
]);

/** What a successful change yields: the events to append. */
export interface SetCredentialResult {
  readonly events: readonly CredentialEvent[];
}

/**
 * Sets a new credential: checks it against the policy (format, length,
 * trivial rules, then the history, by verifying it against each remembered
 * hash), hashes it and stores it. The system authentication code is checked
 * for format only (see `checkAuthenticationCode`) and has no history.
 * Refusals are `ValidationError`s naming the field; nothing is stored.
 */
export const setCredential =
  (deps: CredentialDeps, input: SetCredentialInput): TE.TaskEither<CredentialError, SetCredentialResult> =>
  async () => {
    const decoded = decodeWith(SetCredentialInputCodec, 'invalid_credential_input')(input);
    if (E.isLeft(decoded)) return decoded;
    const { subject, kind, by } = decoded.right;
    const policy = decoded.right.policy ?? defaultCredentialPolicy;
    const field = decoded.right.field ?? fieldForKind(kind);
    const owner = decoded.right.owner ?? {};
    const mustChange = decoded.right.mustChange ?? false;
    const secret = normalise(decoded.right.secret);

    const checked: E.Either<ValidationError, string> =
      kind === 'authentication-code'
        ? checkAuthenticationCode(secret, field)
        : isPinKind(kind)
          ? checkPin(secret, owner, policy, field)
          : checkPassword(secret, owner, policy, field);
    if (E.isLeft(checked)) return checked;

    const now = deps.clock.now();
    const notReused = new Set<string>();
    let hash: string | undefined;
    for (let round = 0; round < MAX_CONFLICT_RETRIES; round++) {
      const loaded = await deps.store.load(subject, kind)();
      if (E.isLeft(loaded)) return loaded;
      const current = loaded.right;
      if (kind !== 'authentication-code') {
        // Only hashes not yet checked: a retry after a conflict re-checks just what changed.
        for (const remembered of rememberedHashes(current, policy)) {
          if (notReused.has(remembered)) continue;
          const same = await verifySecret(deps.hasher, secret, remembered);
          if (E.isLeft(same)) return same;
          if (same.right) return E.left(credentialRuleError('credential_reused', field, { historySize: policy.historySize }));
          notReused.add(remembered);
        }
      }
      if (hash === undefined) {
        const hashed = await hashSecret(deps.hasher, secret);
        if (E.isLeft(hashed)) return hashed;
        hash = hashed.right;
      }
      const next = replaceCredential(current, { subject, kind, hash, mustChange }, policy, now);
      const saved = await deps.store.save(next, current?.revision ?? null)();
      if (E.isRight(saved)) return E.right({ events: [credentialSet({ subject, kind, by, mustChange })] });
      if (saved.left.code !== 'credential_revision_conflict') return saved;
    }
    return E.left(
      credentialPortError('credential_conflict_retries_exhausted', 'too many concurrent changes to one credential', {
        retries: MAX_CONFLICT_RETRIES,
      }),
    );
  };

/** Sets the system authentication code (stored as a hash under `SYSTEM_SUBJECT`). */
export const setAuthenticationCode = (
  deps: CredentialDeps,
  input: { readonly code: string; readonly by?: ChangedBy },
): TE.TaskEither<CredentialError, SetCredentialResult> =>
  setCredential(deps, { subject: SYSTEM_SUBJECT, kind: 'authentication-code', secret: input.code, by: input.by ?? 'administrator' });

// ---------------------------------------------------------------------------
// verifyCredential

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

const MINUTE = 60_000;
const GLOBAL_KEY = 'global';
const deviceKey = (device: string) => `device:${device}`;

type Slots = { readonly keys: readonly string[]; readonly at: Date };

/** Takes a device slot, then a global slot; gives back the device slot if the global one is refused. */
const acquireSlots = async (
  deps: CredentialDeps,
  device: string,
  at: Date,
): Promise<E.Either<CredentialPortError, Slots | 'throttled_device' | 'throttled_global'>> => {
  const limits = deps.throttlePolicy ?? defaultThrottlePolicy;
  const keys: string[] = [];
  if (limits.deviceMaxFailures > 0) {
    const answer = await deps.throttle.tryAcquire(deviceKey(device), at, limits.deviceWindowMinutes * MINUTE, limits.deviceMaxFailures)();
    if (E.isLeft(answer)) return answer;
    if (!answer.right.acquired) return E.right('throttled_device');
    keys.push(deviceKey(device));
  }
  if (limits.globalMaxFailures > 0) {
    const answer = await deps.throttle.tryAcquire(GLOBAL_KEY, at, limits.globalWindowMinutes * MINUTE, limits.globalMaxFailures)();
    if (E.isLeft(answer)) {
      await releaseSlots(deps, { keys, at });
      return answer;
    }
    if (!answer.right.acquired) {
      await releaseSlots(deps, { keys, at });
      return E.right('throttled_global');
    }
    keys.push(GLOBAL_KEY);
  }
  return E.right({ keys, at });
};

// Best effort: a slot that cannot be released stays counted as a failure, the safe side.
const releaseSlots = async (deps: CredentialDeps, slots: Slots): Promise<void> => {
  for (const key of slots.keys) await deps.throttle.release(key, slots.at)();
};

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

/**
 * Verifies the system authentication code an administrator enters on a
 * user's behalf. Same lockout and throttling as any credential: the code is
 * the most valuable secret of the IVR.
 */
export const verifyAuthenticationCode = (
  deps: CredentialDeps,
  input: { readonly code: string; readonly device: string; readonly policy?: CredentialPolicy },
): TE.TaskEither<CredentialError, VerificationResult> =>
  verifyCredential(deps, {
    subject: SYSTEM_SUBJECT,
    kind: 'authentication-code',
    secret: input.code,
    device: input.device,
    ...(input.policy === undefined ? {} : { policy: input.policy }),
  });

// ---------------------------------------------------------------------------
// unlockCredential, credentialStatus

const SubjectKindCodec = t.type({ subject: CredentialSubject, kind: CredentialKind });

/** Result of `unlockCredential`: whether a lockout was active, and the events (none when it was not). */
export interface UnlockResult {
  readonly wasLocked: boolean;
  readonly events: readonly CredentialEvent[];
}

/**
 * An administrator's unlock: ends any lockout (including "until an
 * administrator unlocks" and the NIST cap) and clears the failure counters.
 * Unlocking an unlocked credential changes nothing and records nothing.
 */
export const unlockCredential =
  (
    deps: Pick<CredentialDeps, 'store' | 'clock'>,
    input: { readonly subject: string; readonly kind: CredentialKind; readonly by?: ChangedBy },
  ): TE.TaskEither<CredentialError, UnlockResult> =>
  async () => {
    const decoded = decodeWith(t.intersection([SubjectKindCodec, t.partial({ by: ChangedBy })]), 'invalid_credential_input')(input);
    if (E.isLeft(decoded)) return decoded;
    const { subject, kind } = decoded.right;
    const by = decoded.right.by ?? 'administrator';
    const now = deps.clock.now();
    const result = await mutate<'not_set' | boolean>(deps.store, subject, kind, (current) => {
      if (current === undefined) return { done: 'not_set' };
      const wasLocked = lockStatus(current, now).locked;
      const clean = current.lockout === null && current.failedAttempts === 0 && current.consecutiveFailures === 0;
      return clean ? { done: false } : { write: clearFailures(current), result: wasLocked };
    });
    if (E.isLeft(result)) return result;
    if (result.right === 'not_set') return E.left(credentialNotSet(fieldForKind(kind)));
    return E.right({ wasLocked: result.right, events: result.right ? [credentialUnlocked({ subject, kind, by })] : [] });
  };

/** What an administrator may know of a credential (lock, counters, age); never the hash. */
export const credentialStatus =
  (
    deps: Pick<CredentialDeps, 'store' | 'clock'>,
    input: { readonly subject: string; readonly kind: CredentialKind; readonly policy?: CredentialPolicy },
  ): TE.TaskEither<CredentialError, CredentialStatus> =>
  async () => {
    const decoded = decodeWith(
      t.intersection([SubjectKindCodec, t.partial({ policy: CredentialPolicy })]),
      'invalid_credential_input',
    )(input);
    if (E.isLeft(decoded)) return decoded;
    const loaded = await deps.store.load(decoded.right.subject, decoded.right.kind)();
    if (E.isLeft(loaded)) return loaded;
    return E.right(describeCredential(loaded.right, decoded.right.policy ?? defaultCredentialPolicy, deps.clock.now()));
  };
