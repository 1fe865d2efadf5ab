import type { CredentialEvent, ErrorShape, ValidationError } from '@selfprov/core';
import type * as TE from 'fp-ts/lib/TaskEither.js';

/** Which secret of a user: the self-care password, the phone PIN (Unified CM, extension mobility), the voicemail PIN. */
export type SecretKind = 'password' | 'pin' | 'voicemail-pin';

/** Identity facts the triviality rules compare a new secret with (the core credentials module's `CredentialOwner`). */
export interface CredentialOwnerFacts {
  readonly userId?: string;
  readonly firstName?: string;
  readonly lastName?: string;
  readonly extension?: string;
  readonly mailbox?: string;
}

/** The answer to a verification. Only `verified` opens a session. */
export type VerifyOutcome =
  | { readonly result: 'verified' }
  | { readonly result: 'wrong_secret' }
  | { readonly result: 'locked_out'; readonly until: string | null }
  | { readonly result: 'throttled' }
  | { readonly result: 'not_set' };

/**
 * Events a credentials operation asks to record (the core module's
 * `CredentialSet`, `CredentialVerificationFailed`, `CredentialLockedOut`...:
 * facts, never secrets). The facade appends them to the subject's self-care
 * stream (account, or domain for the default password) right after the call.
 */
export interface CredentialAudit {
  readonly events?: readonly CredentialEvent[];
}

/** A refusal (a `ValidationError` naming the field, e.g. `pin_repeated_digit`, `credential_reused`) or a port failure. Never carries the secret. */
export type CredentialsPortError = ValidationError | ErrorShape;

/**
 * The credentials port of self-care. Secrets live only behind it (hashed with a
 * slow KDF, timing-safe compares, policy history); events record only that a
 * credential changed. `bindSelfCareCredentials` (./coreCredentials.ts) binds it
 * to the core credentials module (CredentialStore + ThrottleStore + SecretHasher +
 * policy), in production and in tests alike.
 */
export interface SelfCareCredentials {
  /** Checks a secret under the credential policy (lockout after failures, throttling per `deviceKey`). */
  verify(request: {
    readonly subject: string;
    readonly kind: SecretKind;
    readonly secret: string;
    readonly deviceKey: string;
  }): TE.TaskEither<CredentialsPortError, VerifyOutcome & CredentialAudit>;
  /**
   * Stores a new secret after the policy's rules (length, trivial-PIN rules,
   * history). A refusal is a `ValidationError` naming `field`.
   */
  set(request: {
    readonly subject: string;
    readonly kind: SecretKind;
    readonly secret: string;
    readonly owner: CredentialOwnerFacts;
    readonly by: 'user' | 'administrator' | 'system';
    readonly field: string;
  }): TE.TaskEither<CredentialsPortError, CredentialAudit>;
  /**
   * Copies the stored secret of `from` to `to` (the domain's `DefaultCUPMPassword`
   * data to a new self-care account), without the caller ever seeing it.
   * Fails with `credential_not_set` when `from` has none.
   */
  copy(request: {
    readonly from: string;
    readonly to: string;
    readonly kind: SecretKind;
  }): TE.TaskEither<CredentialsPortError, CredentialAudit>;
}
