import * as t from 'io-ts';
import { ClusterId, intBetween, Name } from '../shared/codecs.js';
import { commandCodec, withDefault } from '../shared/configurationCodecKit.js';

/** "Limit Provisioning once End User has this many phones": vendor default 10, maximum 20. */
export const DEFAULT_PROVISIONING_LIMIT = 10;
export const MAX_PROVISIONING_LIMIT = 20;
export const ProvisioningLimit = intBetween(1, MAX_PROVISIONING_LIMIT, 'ProvisioningLimit');

/** The self-provisioning settings of a profile, with the vendor's defaults (both boxes unchecked). */
export const userProfileSettings = {
  /** "Allow End User to Provision their own phones" (unchecked by default). */
  allowProvisioning: withDefault(t.boolean, false),
  provisioningLimit: withDefault(ProvisioningLimit, DEFAULT_PROVISIONING_LIMIT),
  /**
   * "Allow Provisioning of a phone already assigned to a different End User" (unchecked
   * by default). selfprov reads it from the profile of the user who is provisioning
   * (the phone's new owner), not from the current owner's profile: the person at the
   * phone is the one the administrator grants or denies the takeover to.
   */
  allowProvisioningOfPhoneOwnedByOtherUser: withDefault(t.boolean, false),
};

/** The three UDT slots and the ULT, by template name (absent = none). */
export const userProfileTemplates = {
  deskPhoneTemplate: Name,
  mobileDeviceTemplate: Name,
  profileTemplate: Name,
  lineTemplate: Name,
};

/** A new user profile; its name is unique (stream `user-profile-<name>`). */
export const CreateUserProfile = commandCodec(
  'CreateUserProfile',
  { name: Name, clusterId: ClusterId, ...userProfileSettings },
  userProfileTemplates,
);
/** Saves the profile's form again: a full replacement (omitted templates are cleared, omitted settings take their defaults). */
export const UpdateUserProfile = commandCodec('UpdateUserProfile', { name: Name, ...userProfileSettings }, userProfileTemplates);

export const userProfileCommandCodecs = { CreateUserProfile, UpdateUserProfile } as const;
