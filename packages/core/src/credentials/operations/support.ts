import * as E from 'fp-ts/lib/Either.js';
import * as t from 'io-ts';
import type { Clock } from '../../kernel/runtime/ports.js';
import { CredentialKind, CredentialSubject, type ThrottlePolicy } from '../codecs.js';
import { type CredentialPortError, credentialPortError } from '../errors.js';
import type { CredentialRecord, CredentialState, CredentialStore, SecretHasher, ThrottleStore } from '../ports.js';

/**
 * What the credential operations share (set.ts, verify.ts, authenticationCode.ts, unlock.ts,
 * status.ts beside this file). Orchestration: each function validates its input, applies the pure rules
 * and transitions of `../state.ts` through the ports, and returns its outcome
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

export const normalise = (secret: string): string => secret.normalize('NFKC');

// ---------------------------------------------------------------------------
// Port helpers

export const hashSecret = async (hasher: SecretHasher, secret: string): Promise<E.Either<CredentialPortError, string>> => {
  try {
    return E.right(await hasher.hash(secret));
  } catch {
    // The exception text is dropped on purpose: it could quote its input.
    return E.left(credentialPortError('hasher_failed', 'the secret hasher failed to hash'));
  }
};

export const verifySecret = async (
  hasher: SecretHasher,
  secret: string,
  stored: string,
): Promise<E.Either<CredentialPortError, boolean>> => {
  try {
    return E.right((await hasher.verify(secret, stored)) === true);
  } catch {
    return E.left(credentialPortError('hasher_failed', 'the secret hasher failed to verify'));
  }
};

export type Step<R> = { readonly write: CredentialState; readonly result: R } | { readonly done: R };

/**
 * Read-decide-write with the record's revision, retried on conflict. `decide`
 * is pure and re-run on the fresh record each round, so no concurrent change
 * (another process counting a failure, say) is ever overwritten.
 */
export const mutate = async <R>(
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

export const SubjectKindCodec = t.type({ subject: CredentialSubject, kind: CredentialKind });
