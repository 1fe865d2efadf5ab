import type { DomainEvent } from '../kernel/decider.js';
import type { ChangedBy, CredentialKind } from './codecs.js';

/**
 * The events the credentials module produces. They say THAT a credential
 * changed or a check failed, never what the secret or its hash is: the caller
 * appends them to the subject's stream (e.g. `user-<id>`), the secret itself
 * lives only in the `CredentialStore`.
 */

/** Why an attempt was refused before any hashing. */
export type RefusalReason = 'locked_out' | 'throttled_device' | 'throttled_global' | 'credential_not_set';

/** Why an account is locked: the policy threshold, or the NIST cap of 100 consecutive failures. */
export type LockoutReason = 'policy' | 'failure_cap';

export type CredentialSetData = {
  readonly subject: string;
  readonly kind: CredentialKind;
  readonly by: ChangedBy;
  readonly mustChange: boolean;
};
export type CredentialVerifiedData = { readonly subject: string; readonly kind: CredentialKind; readonly device: string };
export type CredentialVerificationFailedData = {
  readonly subject: string;
  readonly kind: CredentialKind;
  readonly device: string;
  /** Failures in the current policy window, this one included. */
  readonly attempt: number;
  /** Failures since the last success, this one included (the NIST cap counts these). */
  readonly consecutiveFailures: number;
};
export type CredentialVerificationRefusedData = {
  readonly subject: string;
  readonly kind: CredentialKind;
  readonly device: string;
  readonly reason: RefusalReason;
};
export type CredentialLockedOutData = {
  readonly subject: string;
  readonly kind: CredentialKind;
  /** ISO-8601 instant the lockout ends, or null: until an administrator unlocks. */
  readonly until: string | null;
  readonly reason: LockoutReason;
};
export type CredentialUnlockedData = { readonly subject: string; readonly kind: CredentialKind; readonly by: ChangedBy };

export type CredentialSet = DomainEvent<'CredentialSet', CredentialSetData>;
export type CredentialVerified = DomainEvent<'CredentialVerified', CredentialVerifiedData>;
export type CredentialVerificationFailed = DomainEvent<'CredentialVerificationFailed', CredentialVerificationFailedData>;
export type CredentialVerificationRefused = DomainEvent<'CredentialVerificationRefused', CredentialVerificationRefusedData>;
export type CredentialLockedOut = DomainEvent<'CredentialLockedOut', CredentialLockedOutData>;
export type CredentialUnlocked = DomainEvent<'CredentialUnlocked', CredentialUnlockedData>;

/** Every event of the credentials module. */
export type CredentialEvent =
  | CredentialSet
  | CredentialVerified
  | CredentialVerificationFailed
  | CredentialVerificationRefused
  | CredentialLockedOut
  | CredentialUnlocked;

export const CREDENTIAL_EVENT_TYPES: readonly CredentialEvent['type'][] = [
  'CredentialSet',
  'CredentialVerified',
  'CredentialVerificationFailed',
  'CredentialVerificationRefused',
  'CredentialLockedOut',
  'CredentialUnlocked',
];

export const credentialSet = (data: CredentialSetData): CredentialSet => ({ type: 'CredentialSet', data });
export const credentialVerified = (data: CredentialVerifiedData): CredentialVerified => ({ type: 'CredentialVerified', data });
export const credentialVerificationFailed = (data: CredentialVerificationFailedData): CredentialVerificationFailed => ({
  type: 'CredentialVerificationFailed',
  data,
});
export const credentialVerificationRefused = (data: CredentialVerificationRefusedData): CredentialVerificationRefused => ({
  type: 'CredentialVerificationRefused',
  data,
});
export const credentialLockedOut = (data: CredentialLockedOutData): CredentialLockedOut => ({ type: 'CredentialLockedOut', data });
export const credentialUnlocked = (data: CredentialUnlockedData): CredentialUnlocked => ({ type: 'CredentialUnlocked', data });
