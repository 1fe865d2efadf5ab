import * as E from 'fp-ts/lib/Either.js';
import type * as TE from 'fp-ts/lib/TaskEither.js';
import * as t from 'io-ts';
import { decodeWith } from '../../kernel/validation/decode.js';
import { type CredentialKind, CredentialPolicy, defaultCredentialPolicy } from '../codecs.js';
import type { CredentialError } from '../errors.js';
import { type CredentialStatus, describeCredential } from '../state.js';
import { type CredentialDeps, SubjectKindCodec } from './support.js';

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
