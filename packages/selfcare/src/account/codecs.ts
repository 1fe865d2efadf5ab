import * as t from 'io-ts';
import { boundedArray, DeviceName, DomainName, Email, PersonName, RoleName, SecretInput, struct, UserId } from '../shared/codecs.js';

/** Personal data given at account creation; every field optional. */
export const PersonalInput = struct('Personal', {}, { firstName: PersonName, lastName: PersonName, email: Email });
export type PersonalInput = t.TypeOf<typeof PersonalInput>;

/** Input of `createAccount`: a provisioning user of a domain with its authorization roles (`SelfCareUser` among them or not). */
export const CreateAccountInput = struct(
  'CreateAccount',
  { userId: UserId, domain: DomainName },
  { roles: boundedArray(RoleName, 32, 'Roles'), personal: PersonalInput },
);
export type CreateAccountInput = t.TypeOf<typeof CreateAccountInput>;

/** Input of `setSelfCareRole`: give (`enabled`) or take away the `SelfCareUser` role. `domain`, when given, must be the account's. */
export const SetSelfCareRoleInput = struct('SetSelfCareRole', { userId: UserId, enabled: t.boolean }, { domain: DomainName });
export type SetSelfCareRoleInput = t.TypeOf<typeof SetSelfCareRoleInput>;

/** Input of `login`. `deviceKey` identifies the caller for throttling (e.g. `ip:203.0.113.7`). */
export const LoginInput = struct('Login', { userId: t.string, password: SecretInput }, { deviceKey: t.string });
export type LoginInput = t.TypeOf<typeof LoginInput>;

/** Input of `administratorSetPassword`. */
export const AdminSetPasswordInput = struct('AdminSetPassword', { userId: UserId, password: SecretInput });
export type AdminSetPasswordInput = t.TypeOf<typeof AdminSetPasswordInput>;

/** User settings > Information: name. */
export const ChangeNameInput = struct('ChangeName', { firstName: PersonName, lastName: PersonName });
export type ChangeNameInput = t.TypeOf<typeof ChangeNameInput>;

/** User settings > Information: email. */
export const ChangeEmailInput = struct('ChangeEmail', { email: Email });
export type ChangeEmailInput = t.TypeOf<typeof ChangeEmailInput>;

/** User settings > Information: primary phone (one of the user's own phones). */
export const ChangePrimaryPhoneInput = struct('ChangePrimaryPhone', { primaryPhone: DeviceName });
export type ChangePrimaryPhoneInput = t.TypeOf<typeof ChangePrimaryPhoneInput>;

/** User settings > Password. A user gives the current password too; an administrator does not. */
export const ChangePasswordInput = struct('ChangePassword', { newPassword: SecretInput }, { currentPassword: SecretInput });
export type ChangePasswordInput = t.TypeOf<typeof ChangePasswordInput>;

/** User settings > PIN: the phone PIN (Unified CM / extension mobility) and the voicemail PIN are separate. */
export const ChangePinInput = struct('ChangePin', { pin: SecretInput });
export type ChangePinInput = t.TypeOf<typeof ChangePinInput>;
