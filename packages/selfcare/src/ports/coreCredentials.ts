import {
  type CredentialDeps,
  type CredentialError,
  type CredentialKind,
  type CredentialPolicy,
  type CredentialRecord,
  credentialSet,
  domainError,
  setCredential,
  type VerificationResult,
  verifyCredential,
} from '@selfprov/core';
import * as E from 'fp-ts/lib/Either.js';
import { pipe } from 'fp-ts/lib/function.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import type { CredentialAudit, CredentialsPortError, SecretKind, SelfCareCredentials, VerifyOutcome } from './credentials.js';

/** Rounds of `copy` lost to a concurrent writer before it gives up (each lost round means another writer succeeded). */
const COPY_RETRIES = 16;

/** History length when no policy is given: the core module's `defaultCredentialPolicy`. */
const DEFAULT_HISTORY_SIZE = 12;

/** The core module's verification answer, in self-care's terms (lockout on this attempt included). */
const toVerifyOutcome = (r: VerificationResult): VerifyOutcome & CredentialAudit => {
  const events = r.events;
  switch (r.outcome) {
    case 'verified':
      return { result: 'verified', events };
    case 'credential_invalid':
      return r.lockedOut ? { result: 'locked_out', until: r.lockedOut.until, events } : { result: 'wrong_secret', events };
    case 'locked_out':
      return { result: 'locked_out', until: r.until, events };
    case 'throttled_device':
    case 'throttled_global':
      return { result: 'throttled', events };
    case 'credential_not_set':
      return { result: 'not_set', events };
  }
};

/** Self-care's secret kinds are a subset of the core module's `CredentialKind`. */
const coreKind = (kind: SecretKind): CredentialKind => kind;

/**
 * One round of `copy`: the source's hash becomes the target's current credential
 * (the target's old one joins its history), to be changed at first use.
 * Answers `undefined` when a concurrent writer won the round.
 */
const copyRound =
  (deps: CredentialDeps, historySize: number, request: { readonly from: string; readonly to: string; readonly kind: CredentialKind }) =>
  async (): Promise<E.Either<CredentialError, CredentialAudit | undefined>> => {
    const { from, to, kind } = request;
    const source = await deps.store.load(from, kind)();
    if (E.isLeft(source)) return source;
    if (source.right === undefined)
      return E.left(domainError('credential_not_set', `${from} has no ${kind} to copy`, { field: 'defaultPassword' }));
    const target = await deps.store.load(to, kind)();
    if (E.isLeft(target)) return target;
    const previous: CredentialRecord | undefined = target.right;
    const saved = await deps.store.save(
      {
        subject: to,
        kind,
        hash: source.right.hash,
        history: previous ? [previous.hash, ...previous.history].slice(0, Math.max(historySize - 1, 0)) : [],
        failedAttempts: 0,
        firstFailureAt: null,
        consecutiveFailures: 0,
        lockout: null,
        changedAt: deps.clock.now().toISOString(),
        mustChange: true,
      },
      previous?.revision ?? null,
    )();
    if (E.isRight(saved)) return E.right({ events: [credentialSet({ subject: to, kind, by: 'system', mustChange: true })] });
    return saved.left.code === 'credential_revision_conflict' ? E.right(undefined) : saved;
  };

/**
 * Self-care's credentials port over the core credentials module
 * (packages/core/src/credentials/operations/): the same policy
 * (lockout, history, trivial-PIN and password rules), throttling per
 * `deviceKey` and hashing as the IVR, on whatever `CredentialStore`,
 * `ThrottleStore` and `SecretHasher` `deps` carries. `policy` applies to every
 * kind; the module's `defaultCredentialPolicy` when absent.
 *
 * ```ts
 * const credentials = bindSelfCareCredentials({ store, throttle, hasher, clock });
 * const selfCare = createSelfCare({ store: events, runtime, phones, credentials });
 * ```
 */
export const bindSelfCareCredentials = (deps: CredentialDeps, policy?: CredentialPolicy): SelfCareCredentials => {
  const withPolicy = policy ? { policy } : {};
  const historySize = policy?.historySize ?? DEFAULT_HISTORY_SIZE;
  return {
    verify: (request) =>
      pipe(
        verifyCredential(deps, {
          subject: request.subject,
          kind: coreKind(request.kind),
          secret: request.secret,
          device: request.deviceKey,
          ...withPolicy,
        }),
        TE.map(toVerifyOutcome),
      ),
    set: (request) =>
      pipe(
        setCredential(deps, {
          subject: request.subject,
          kind: coreKind(request.kind),
          secret: request.secret,
          by: request.by,
          owner: request.owner,
          field: request.field,
          ...withPolicy,
        }),
        TE.map(({ events }): CredentialAudit => ({ events })),
      ),
    // The domain's default password is copied hash-to-hash: nobody ever sees it again.
    copy: (request) => async (): Promise<E.Either<CredentialsPortError, CredentialAudit>> => {
      const round = copyRound(deps, historySize, { from: request.from, to: request.to, kind: coreKind(request.kind) });
      for (let attempt = 0; attempt < COPY_RETRIES; attempt++) {
        const done = await round();
        if (E.isLeft(done)) return done;
        if (done.right !== undefined) return E.right(done.right);
      }
      return E.left(domainError('concurrent_modification', `the ${request.kind} of ${request.to} kept changing`, { field: 'userId' }));
    },
  };
};
