import * as E from 'fp-ts/lib/Either.js';
import type * as TE from 'fp-ts/lib/TaskEither.js';
import * as t from 'io-ts';
import { decodeWith } from '../../kernel/validation/decode.js';
import { ChangedBy, type CredentialKind, fieldForKind } from '../codecs.js';
import { type CredentialError, credentialNotSet } from '../errors.js';
import { type CredentialEvent, credentialUnlocked } from '../events.js';
import { clearFailures, lockStatus } from '../state.js';
import { type CredentialDeps, mutate, SubjectKindCodec } from './support.js';

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
