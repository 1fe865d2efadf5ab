import * as E from 'fp-ts/lib/Either.js';
import type * as TE from 'fp-ts/lib/TaskEither.js';
import * as t from 'io-ts';
import type { ValidationError } from '../../kernel/errors.js';
import { decodeWith } from '../../kernel/validation/decode.js';
import {
  ChangedBy,
  CredentialKind,
  CredentialOwner,
  CredentialPolicy,
  CredentialSubject,
  defaultCredentialPolicy,
  fieldForKind,
  isPinKind,
} from '../codecs.js';
import { type CredentialError, credentialPortError, credentialRuleError } from '../errors.js';
import { type CredentialEvent, credentialSet } from '../events.js';
import { checkAuthenticationCode, checkPassword, checkPin } from '../rules.js';
import { rememberedHashes, replaceCredential } from '../state.js';
import { type CredentialDeps, hashSecret, MAX_CONFLICT_RETRIES, normalise, verifySecret } from './support.js';

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
