import { type ChangedBy, type CredentialKind, type CredentialPolicy, MAX_CONSECUTIVE_FAILURES } from './codecs.js';
import type { LockoutReason } from './events.js';
import type { CredentialState, Lockout } from './ports.js';

/**
 * Pure transitions of a stored credential record: lockout status, failure
 * counting with the policy windows, success, unlock, replacement with history.
 * The orchestration functions apply them inside optimistic-concurrency loops.
 */

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

export type LockStatus =
  | { readonly locked: false }
  | { readonly locked: true; readonly until: string | null; readonly reason: LockoutReason; readonly since: string };

/** Whether the record is locked at `now`. A lockout with an `until` in the past is over. */
export const lockStatus = (state: Pick<CredentialState, 'lockout'>, now: Date): LockStatus => {
  const lockout = state.lockout;
  if (lockout === null) return { locked: false };
  if (lockout.until !== null && now.getTime() >= Date.parse(lockout.until)) return { locked: false };
  return { locked: true, until: lockout.until, reason: lockout.reason, since: lockout.at };
};

/** The instant the credential expires under the policy, or null if it never does. */
export const credentialExpiresAt = (state: Pick<CredentialState, 'changedAt'>, policy: CredentialPolicy): string | null =>
  policy.expiryDays === 0 ? null : new Date(Date.parse(state.changedAt) + policy.expiryDays * DAY).toISOString();

export const isCredentialExpired = (state: Pick<CredentialState, 'changedAt'>, policy: CredentialPolicy, now: Date): boolean => {
  const end = credentialExpiresAt(state, policy);
  return end !== null && now.getTime() >= Date.parse(end);
};

/** Outcome of counting one failure. */
export type FailureCounted = {
  readonly state: CredentialState;
  /** Failures in the current window, this one included. */
  readonly attempt: number;
  readonly consecutiveFailures: number;
  /** The lockout this failure started, if it started one. */
  readonly lockedOut: Lockout | null;
};

/** The failures of the current window at `now`: 0 once `failureResetMinutes` have passed since the window's first failure. */
export const failuresInWindow = (state: CredentialState, policy: CredentialPolicy, now: Date): number =>
  state.firstFailureAt !== null && now.getTime() - Date.parse(state.firstFailureAt) >= policy.failureResetMinutes * MINUTE
    ? 0
    : state.failedAttempts;

/**
 * Counts one failed attempt at `now`. The window restarts when the previous
 * one is older than `failureResetMinutes` or when a lockout has ended; the
 * policy locks at `lockoutThreshold` failures in a window (0: never); 100
 * consecutive failures (NIST SP 800-63B) lock until an administrator unlocks,
 * whatever the policy.
 */
export const registerFailure = (state: CredentialState, policy: CredentialPolicy, now: Date): FailureCounted => {
  const at = now.toISOString();
  let failedAttempts = state.failedAttempts;
  let firstFailureAt = state.firstFailureAt;
  let lockout = state.lockout;
  if (lockout !== null && !lockStatus(state, now).locked) {
    lockout = null;
    failedAttempts = 0;
    firstFailureAt = null;
  }
  if (failuresInWindow({ ...state, failedAttempts, firstFailureAt }, policy, now) === 0) {
    failedAttempts = 0;
    firstFailureAt = null;
  }
  failedAttempts += 1;
  firstFailureAt ??= at;
  const consecutiveFailures = state.consecutiveFailures + 1;
  let lockedOut: Lockout | null = null;
  // The cap applies unless the record is already locked for good.
  if (consecutiveFailures >= MAX_CONSECUTIVE_FAILURES && (lockout === null || lockout.until !== null)) {
    lockedOut = { at, until: null, reason: 'failure_cap' };
  } else if (lockout === null && policy.lockoutThreshold > 0 && failedAttempts >= policy.lockoutThreshold) {
    const until =
      policy.lockoutDurationMinutes === 0 ? null : new Date(now.getTime() + policy.lockoutDurationMinutes * MINUTE).toISOString();
    lockedOut = { at, until, reason: 'policy' };
  }
  return {
    state: { ...state, failedAttempts, firstFailureAt, consecutiveFailures, lockout: lockedOut ?? lockout },
    attempt: failedAttempts,
    consecutiveFailures,
    lockedOut,
  };
};

/** A successful verification clears every counter and any lockout. */
export const registerSuccess = (state: CredentialState): CredentialState => ({
  ...state,
  failedAttempts: 0,
  firstFailureAt: null,
  consecutiveFailures: 0,
  lockout: null,
});

/** An administrator's unlock: the effect of a success, without proving the secret. */
export const clearFailures = registerSuccess;

/**
 * Hashes the history rule compares a new credential with: the `historySize`
 * most recent credentials, the current one included (0: none).
 */
export const rememberedHashes = (state: CredentialState | undefined, policy: CredentialPolicy): string[] =>
  state === undefined || policy.historySize === 0 ? [] : [state.hash, ...state.history].slice(0, policy.historySize);

/** What replacing a credential needs besides the previous record. */
export type CredentialReplacement = {
  readonly subject: string;
  readonly kind: CredentialKind;
  readonly hash: string;
  readonly mustChange: boolean;
  readonly by?: ChangedBy;
};

/**
 * The record after a new credential is set: the old hash joins the history
 * (trimmed so that exactly `historySize` credentials are remembered), counters
 * and lockout are cleared (whoever sets a credential has proved who they are by
 * other means).
 */
export const replaceCredential = (
  previous: CredentialState | undefined,
  replacement: CredentialReplacement,
  policy: CredentialPolicy,
  now: Date,
): CredentialState => ({
  subject: replacement.subject,
  kind: replacement.kind,
  hash: replacement.hash,
  history: previous === undefined ? [] : [previous.hash, ...previous.history].slice(0, Math.max(policy.historySize - 1, 0)),
  failedAttempts: 0,
  firstFailureAt: null,
  consecutiveFailures: 0,
  lockout: null,
  changedAt: now.toISOString(),
  mustChange: replacement.mustChange,
});

/** What an administrator may see of a credential: never the hash. */
export type CredentialStatus = {
  readonly set: boolean;
  readonly locked: boolean;
  readonly lockedUntil: string | null;
  readonly lockoutReason: LockoutReason | null;
  readonly failedAttempts: number;
  readonly consecutiveFailures: number;
  readonly changedAt: string | null;
  readonly expiresAt: string | null;
  readonly expired: boolean;
  readonly mustChange: boolean;
};

export const describeCredential = (state: CredentialState | undefined, policy: CredentialPolicy, now: Date): CredentialStatus => {
  if (state === undefined) {
    return {
      set: false,
      locked: false,
      lockedUntil: null,
      lockoutReason: null,
      failedAttempts: 0,
      consecutiveFailures: 0,
      changedAt: null,
      expiresAt: null,
      expired: false,
      mustChange: false,
    };
  }
  const lock = lockStatus(state, now);
  return {
    set: true,
    locked: lock.locked,
    lockedUntil: lock.locked ? lock.until : null,
    lockoutReason: lock.locked ? lock.reason : null,
    // An ended lockout closes its window, as `registerFailure` does.
    failedAttempts: lock.locked ? state.failedAttempts : state.lockout !== null ? 0 : failuresInWindow(state, policy, now),
    consecutiveFailures: state.consecutiveFailures,
    changedAt: state.changedAt,
    expiresAt: credentialExpiresAt(state, policy),
    expired: isCredentialExpired(state, policy, now),
    mustChange: state.mustChange,
  };
};
