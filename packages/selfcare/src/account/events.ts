import type { DomainEvent } from '@selfprov/core';

/**
 * Events of `selfcare-account-<userId>`. Personal data (name, email) sits under
 * `data.personal` and `data.userId` names its subject, so the encryption layer
 * can encrypt it per user (crypto-shredding). No password, PIN or session token
 * is ever here: only that a credential changed, and a session token's SHA-256.
 */

export type PersonalData = { readonly firstName: string | null; readonly lastName: string | null; readonly email: string | null };

export type SelfCareAccountCreated = DomainEvent<
  'SelfCareAccountCreated',
  { readonly userId: string; readonly domain: string; readonly roles: string[]; readonly personal: PersonalData }
>;
/** The account's whole role list after the change. */
export type AccountRolesChanged = DomainEvent<'AccountRolesChanged', { readonly userId: string; readonly roles: string[] }>;
/** A password now exists for the account (stored by the credentials port). */
export type AccountPasswordSet = DomainEvent<
  'AccountPasswordSet',
  { readonly userId: string; readonly source: 'administrator' | 'user' | 'domain-default' }
>;
export type LoginFailureReason = 'wrong_password' | 'password_not_set' | 'self_care_not_enabled' | 'locked_out' | 'throttled';
export type LoginFailed = DomainEvent<
  'LoginFailed',
  { readonly userId: string; readonly reason: LoginFailureReason; readonly lockedUntil: string | null }
>;
/** Where the user lands: self-care only users in the portal, users with other roles in provisioning (Personal Settings). */
export type Landing = 'self-care' | 'personal-settings';
export type SessionOpened = DomainEvent<
  'SessionOpened',
  {
    readonly userId: string;
    readonly sessionId: string;
    /** Hex SHA-256 of the session token; the token itself is only ever returned to the caller. */
    readonly tokenHash: string;
    readonly openedAt: string;
    readonly expiresAt: string;
    readonly landing: Landing;
  }
>;
export type SessionCloseReason = 'logout' | 'password_changed' | 'self_care_disabled';
export type SessionClosed = DomainEvent<
  'SessionClosed',
  { readonly userId: string; readonly sessionId: string; readonly reason: SessionCloseReason }
>;
export type NameChanged = DomainEvent<
  'NameChanged',
  { readonly userId: string; readonly personal: { readonly firstName: string; readonly lastName: string } }
>;
export type EmailChanged = DomainEvent<'EmailChanged', { readonly userId: string; readonly personal: { readonly email: string } }>;
export type PrimaryPhoneChanged = DomainEvent<'PrimaryPhoneChanged', { readonly userId: string; readonly deviceName: string }>;
export type PinChanged = DomainEvent<
  'PinChanged',
  { readonly userId: string; readonly pin: 'phone' | 'voicemail'; readonly by: 'user' | 'administrator' }
>;

export type AccountEvent =
  | SelfCareAccountCreated
  | AccountRolesChanged
  | AccountPasswordSet
  | LoginFailed
  | SessionOpened
  | SessionClosed
  | NameChanged
  | EmailChanged
  | PrimaryPhoneChanged
  | PinChanged;

export const accountEventTypes: readonly AccountEvent['type'][] = [
  'SelfCareAccountCreated',
  'AccountRolesChanged',
  'AccountPasswordSet',
  'LoginFailed',
  'SessionOpened',
  'SessionClosed',
  'NameChanged',
  'EmailChanged',
  'PrimaryPhoneChanged',
  'PinChanged',
];
