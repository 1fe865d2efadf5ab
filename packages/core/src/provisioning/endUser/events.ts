import type { DomainEvent } from '../../kernel/decider.js';

/**
 * Events of the end-user stream (`user-<userId>`). Personal data (names, email)
 * sits under `data.personal` and `data.userId` names its subject, so the
 * encryption layer can shred it per user.
 */

export type PersonalData = { readonly firstName: string; readonly lastName: string; readonly email?: string };

export type EndUserCreated = DomainEvent<
  'EndUserCreated',
  {
    readonly userId: string;
    readonly clusterId: string;
    readonly personal: PersonalData;
    readonly primaryExtension?: string;
    /** Present only when set explicitly; otherwise the primary extension is used. */
    readonly selfProvisioningId?: string;
    readonly userProfile?: string;
    readonly featureGroupTemplate?: string;
  }
>;

/** Absent `primaryExtension`: the user no longer has one. */
export type PrimaryExtensionChanged = DomainEvent<
  'PrimaryExtensionChanged',
  { readonly userId: string; readonly primaryExtension?: string }
>;

/** Absent `selfProvisioningId`: back to the default (the primary extension). */
export type SelfProvisioningIdChanged = DomainEvent<
  'SelfProvisioningIdChanged',
  { readonly userId: string; readonly selfProvisioningId?: string }
>;

export type UserProfileChanged = DomainEvent<
  'UserProfileChanged',
  { readonly userId: string; readonly userProfile?: string; readonly featureGroupTemplate?: string }
>;

export type PersonalDetailsChanged = DomainEvent<'PersonalDetailsChanged', { readonly userId: string; readonly personal: PersonalData }>;

export type PhoneAssignedToUser = DomainEvent<'PhoneAssignedToUser', { readonly userId: string; readonly deviceName: string }>;

export type PhoneUnassignedFromUser = DomainEvent<
  'PhoneUnassignedFromUser',
  {
    readonly userId: string;
    readonly deviceName: string;
    readonly reason: 'provisioned-by-other-user' | 'replaced' | 'removed';
    readonly newOwner?: string;
  }
>;

/**
 * The user's personal-data key and credentials were destroyed (crypto-shredding): the user's
 * personal fields in every event can no longer be opened. Records what was done, never what was erased.
 */
export type PersonalDataErased = DomainEvent<
  'PersonalDataErased',
  { readonly userId: string; readonly keyDeleted: boolean; readonly credentialsRemoved: number }
>;

export type EndUserEvent =
  | EndUserCreated
  | PrimaryExtensionChanged
  | SelfProvisioningIdChanged
  | UserProfileChanged
  | PersonalDetailsChanged
  | PhoneAssignedToUser
  | PhoneUnassignedFromUser
  | PersonalDataErased;

export const endUserEventTypes: readonly EndUserEvent['type'][] = [
  'EndUserCreated',
  'PrimaryExtensionChanged',
  'SelfProvisioningIdChanged',
  'UserProfileChanged',
  'PersonalDetailsChanged',
  'PhoneAssignedToUser',
  'PhoneUnassignedFromUser',
  'PersonalDataErased',
];
