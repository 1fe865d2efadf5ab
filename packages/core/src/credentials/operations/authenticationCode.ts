import type * as TE from 'fp-ts/lib/TaskEither.js';
import { type ChangedBy, type CredentialPolicy, SYSTEM_SUBJECT } from '../codecs.js';
import type { CredentialError } from '../errors.js';
import { type SetCredentialResult, setCredential } from './set.js';
import type { CredentialDeps } from './support.js';
import { type VerificationResult, verifyCredential } from './verify.js';

/** Sets the system authentication code (stored as a hash under `SYSTEM_SUBJECT`). */
export const setAuthenticationCode = (
  deps: CredentialDeps,
  input: { readonly code: string; readonly by?: ChangedBy },
): TE.TaskEither<CredentialError, SetCredentialResult> =>
  setCredential(deps, { subject: SYSTEM_SUBJECT, kind: 'authentication-code', secret: input.code, by: input.by ?? 'administrator' });

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
