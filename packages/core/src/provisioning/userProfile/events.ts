import type { DomainEvent } from '../../kernel/decider.js';

/** A profile's settings as event data (`null` = no template in that slot). */
export type UserProfileData = {
  readonly deskPhoneTemplate: string | null;
  readonly mobileDeviceTemplate: string | null;
  readonly profileTemplate: string | null;
  readonly lineTemplate: string | null;
  readonly allowProvisioning: boolean;
  readonly provisioningLimit: number;
  readonly allowProvisioningOfPhoneOwnedByOtherUser: boolean;
};

export type UserProfileCreated = DomainEvent<'UserProfileCreated', { readonly name: string; readonly clusterId: string } & UserProfileData>;
export type UserProfileUpdated = DomainEvent<'UserProfileUpdated', { readonly name: string } & UserProfileData>;

export type UserProfileEvent = UserProfileCreated | UserProfileUpdated;
