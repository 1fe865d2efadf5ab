import type * as TE from 'fp-ts/lib/TaskEither.js';
import type { CredentialKind } from './codecs.js';
import type { CredentialPortError } from './errors.js';
import type { LockoutReason } from './events.js';

/**
 * Ports of the credentials module. Secrets never reach the event log: hashes
 * and attempt counters live behind these ports, and adapters (SQLite,
 * PostgreSQL, ...) implement them with their own transactions.
 */

/**
 * One-way hashing of secrets. `hash` returns a self-describing string (PHC
 * format, e.g. `$scrypt$ln=17,r=8,p=1$<salt>$<digest>`), so parameters can be
 * raised later and old hashes still verify. `verify` must compare digests in
 * constant time (`crypto.timingSafeEqual`). Both receive the secret already
 * NFKC-normalised by the module. Implementations live outside the core (it has
 * no crypto); see `recommendedScryptParameters`.
 */
export interface SecretHasher {
  hash(secret: string): Promise<string>;
  verify(secret: string, stored: string): Promise<boolean>;
}

/**
 * Production parameters for an scrypt hasher (OWASP Password Storage Cheat
 * Sheet): N = 2^17, r = 8, p = 1, 16-byte salt, 32-byte digest. scrypt needs
 * 128 * N * r bytes (128 MiB here): Node's `crypto.scrypt` refuses above its
 * 32 MiB default `maxmem`, so raise it (256 MiB leaves headroom).
 * Argon2id (19 MiB, 2 iterations, 1 lane) is the other OWASP choice.
 */
export const recommendedScryptParameters = Object.freeze({
  log2N: 17,
  r: 8,
  p: 1,
  saltLength: 16,
  keyLength: 32,
  maxmem: 256 * 1024 * 1024,
});

/** An active lockout: since when, until when (null: until an administrator unlocks), and why. */
export type Lockout = {
  readonly at: string;
  readonly until: string | null;
  readonly reason: LockoutReason;
};

/**
 * What is stored per (subject, kind). Instants are ISO-8601 strings so that
 * any adapter can persist the record as JSON.
 */
export type CredentialState = {
  readonly subject: string;
  readonly kind: CredentialKind;
  /** The current credential's hash (`SecretHasher.hash` output). */
  readonly hash: string;
  /** Hashes of earlier credentials, newest first, for the history rule. */
  readonly history: readonly string[];
  /** Failures in the current policy window (reset after `failureResetMinutes` or on success). */
  readonly failedAttempts: number;
  /** When the current failure window began; null when there is none. */
  readonly firstFailureAt: string | null;
  /** Failures since the last success, whatever the windows (the NIST cap of 100 counts these). */
  readonly consecutiveFailures: number;
  readonly lockout: Lockout | null;
  readonly changedAt: string;
  /** The holder must change the credential at next use (set by an administrator reset). */
  readonly mustChange: boolean;
};

/** A stored record with its revision: 1 when first saved, +1 on every save. */
export type CredentialRecord = CredentialState & { readonly revision: number };

/**
 * Per-(subject, kind) credential records with optimistic concurrency: `save`
 * succeeds only if the stored revision still equals `expectedRevision`
 * (`null`: no record may exist yet), otherwise it fails with
 * `credential_revision_conflict` and the caller re-reads and retries. Two
 * processes counting failures on one account therefore never lose a count.
 */
export interface CredentialStore {
  load(subject: string, kind: CredentialKind): TE.TaskEither<CredentialPortError, CredentialRecord | undefined>;
  save(state: CredentialState, expectedRevision: number | null): TE.TaskEither<CredentialPortError, CredentialRecord>;
  /** Deletes every credential of a subject (erasure); answers how many records were removed. */
  remove(subject: string): TE.TaskEither<CredentialPortError, number>;
}

/** Answer of `ThrottleStore.tryAcquire`. */
export type ThrottleAnswer = {
  /** Whether the attempt was recorded (false: the limit was already reached). */
  readonly acquired: boolean;
  /** Attempts in the window after this call, this one included when acquired. */
  readonly count: number;
};

/**
 * Sliding-window attempt counters, keyed by caller (`device:<key>`) or
 * `global`. `tryAcquire` records an attempt atomically unless `limit` attempts
 * already lie in `(at - windowMs, at]`; the module acquires BEFORE hashing and
 * `release`s the slot when the attempt turns out to be a success, so counts
 * are of failures and concurrent attempts can never overshoot the limit.
 */
export interface ThrottleStore {
  tryAcquire(key: string, at: Date, windowMs: number, limit: number): TE.TaskEither<CredentialPortError, ThrottleAnswer>;
  /** Forgets one attempt recorded at `at` under `key` (no-op if there is none). */
  release(key: string, at: Date): TE.TaskEither<CredentialPortError, void>;
}
