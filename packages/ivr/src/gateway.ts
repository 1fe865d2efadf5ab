import type { TaskEither } from 'fp-ts/lib/TaskEither.js';

/**
 * The IVR's view of the domain: one small port the session driver calls to
 * carry out the machine's effects. `createDomainGateway` binds it to the
 * self-provisioning domain; the tests run on it too (packages/ivr/src/testing/domain.ts).
 * Every method answers a typed refusal on the left (a domain outcome), never
 * throws for one; a thrown exception or rejected promise is treated by the
 * driver as a `failure` refusal.
 */

/** How callers prove who they are (docs/domain.md, "Cluster": self-provisioning settings). */
export type AuthenticationMode = 'non-secure' | 'secure-users' | 'secure-users-and-admins';

export const authenticationModes: readonly AuthenticationMode[] = ['non-secure', 'secure-users', 'secure-users-and-admins'];

/** A secret the caller may type: the user's PIN, the user's password as digits, the system authentication code. */
export type CredentialMethod = 'pin' | 'password' | 'authentication-code';

/** Who was authenticated: the user (PIN/password), an administrator (authentication code), or nobody (non-secure mode). */
export type AuthenticatedBy = 'user' | 'administrator' | 'none';

/**
 * Every way the domain can refuse a step of the call. Each has its own prompt
 * (see `refusalPrompts`), so the caller always hears why.
 */
export type IvrRefusal =
  | 'unknown_id'
  | 'wrong_credential'
  | 'locked_out'
  | 'throttled'
  | 'limit_reached'
  | 'already_provisioned'
  | 'no_primary_extension'
  | 'not_allowed_by_profile'
  | 'owned_by_another_user'
  | 'old_phone_registered'
  | 'no_phone_to_replace'
  | 'system_not_ready'
  | 'failure';

export const ivrRefusals: readonly IvrRefusal[] = [
  'unknown_id',
  'wrong_credential',
  'locked_out',
  'throttled',
  'limit_reached',
  'already_provisioned',
  'no_primary_extension',
  'not_allowed_by_profile',
  'owned_by_another_user',
  'old_phone_registered',
  'no_phone_to_replace',
  'system_not_ready',
  'failure',
];

/** A refusal from the gateway. `message` is for logs and never holds a secret. */
export interface Refused {
  readonly refusal: IvrRefusal;
  readonly message?: string;
  /** For `wrong_credential`: failures left before the credential policy locks the account, when known. */
  readonly attemptsLeft?: number;
}

/** What the system knows about a call before it is answered. */
export interface CallSettings {
  /** IVR languages in priority order (locale names such as `en_US`); the first is the default. At most 9. */
  readonly languages: readonly string[];
  readonly authenticationMode: AuthenticationMode;
  /** The route point's DN (what callers dial to reach the IVR), when one is configured. */
  readonly ivrDirectoryNumber: string | null;
  /** Whether the dialled number is the IVR's DN (true when nothing was dialled and an IVR DN exists). */
  readonly dialledIsIvr: boolean;
}

export interface IdentifyRequest {
  readonly callId: string;
  /** The calling device (an auto-registered phone, for provisioning). */
  readonly device: string;
  readonly by: 'self-provisioning-id' | 'extension';
  readonly digits: string;
}

export interface Identified {
  readonly userId: string;
}

export interface VerifyRequest {
  readonly callId: string;
  readonly userId: string;
  /** The digits the caller typed. Held in memory only; never recorded, logged or echoed. */
  readonly secret: string;
  /**
   * What the secret may be: the user's `pin`/`password`, or (after `*`) the administrators'
   * `authentication-code`. The machine never mixes the two, so one attempt is charged to one credential.
   */
  readonly allowedMethods: readonly CredentialMethod[];
  readonly callingDevice: string;
}

export interface Verified {
  readonly method: CredentialMethod;
}

export interface ProvisionRequest {
  readonly callId: string;
  /** Stable per call and step, so a retried command (after a restart) is applied at most once. */
  readonly commandId: string;
  readonly userId: string;
  /** The digits that identified the user: the self-provisioning id (provision) or the primary extension (replace). */
  readonly digits: string;
  readonly device: string;
  readonly authenticatedBy: AuthenticatedBy;
  /** The secret that authenticated the caller (`none` in non-secure mode). */
  readonly method: CredentialMethod | 'none';
}

export interface Provisioned {
  /** The user's primary extension now on line 1. */
  readonly extension: string;
}

export interface ReplaceRequest extends ProvisionRequest {}

export interface Replaced {
  readonly extension: string;
  /** The phone the user had before, when there was one. */
  readonly oldDevice?: string;
}

/** The port. All methods are atomic on the domain side: a refused or failed command changes nothing. */
export interface IvrGateway {
  /** Languages, authentication mode, and whether `dialled` reaches the IVR. `dialled` absent: the caller dials the IVR DN. */
  callSettings(device: string, dialled: string | undefined): TaskEither<Refused, CallSettings>;
  identifyUser(request: IdentifyRequest): TaskEither<Refused, Identified>;
  /** Checks `secret` against the allowed methods, applying lockout and throttling (credential policy). */
  verifyCredential(request: VerifyRequest): TaskEither<Refused, Verified>;
  /** Provisions `device` for the user: one atomic, idempotent (by `commandId`) domain command. */
  provisionPhone(request: ProvisionRequest): TaskEither<Refused, Provisioned>;
  /** Moves the user's phone to `device` (native phone migration): atomic and idempotent like `provisionPhone`. */
  replacePhone(request: ReplaceRequest): TaskEither<Refused, Replaced>;
}

/** Which secrets each mode accepts; empty: no authentication step. */
export const allowedMethods = (mode: AuthenticationMode): readonly CredentialMethod[] =>
  mode === 'non-secure' ? [] : mode === 'secure-users' ? ['pin', 'password'] : ['pin', 'password', 'authentication-code'];
