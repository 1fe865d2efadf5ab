import * as t from 'io-ts';
import { commandCodec } from '../aggregateSupport.js';
import { ClusterId, DeviceName, DirectoryNumber, DtmfDigits, Name, UserId } from '../shared/codecs.js';

/**
 * Codecs of the end-user aggregate. Every command passes one of these at the
 * boundary (`decodeEndUserCommand`), so the decider never re-checks formats.
 */

type Branded<B extends string> = string & t.Brand<{ readonly [K in B]: symbol }>;

const CONTROL = /[\u0000-\u001f\u007f]/;

const isPersonName = (s: string): boolean => {
  const length = [...s].length;
  return length >= 1 && length <= 100 && s.trim() === s && !CONTROL.test(s);
};

/** A first or last name: 1-100 characters (any script), no control characters or surrounding spaces. */
export const PersonName = new t.Type<Branded<'PersonName'>, string, unknown>(
  'PersonName',
  (u): u is Branded<'PersonName'> => typeof u === 'string' && isPersonName(u),
  (u, c) =>
    typeof u === 'string' && isPersonName(u)
      ? t.success(u as Branded<'PersonName'>)
      : t.failure(u, c, 'must be 1-100 characters without control characters or surrounding spaces'),
  (a) => a,
);
export type PersonName = t.TypeOf<typeof PersonName>;

const EMAIL = /^[^\s@]{1,64}@[^\s@]+\.[^\s@]+$/;
const isEmail = (s: string): boolean => s.length <= 254 && EMAIL.test(s);

/** An email address: a plain `local@domain.tld` shape, at most 254 characters. */
export const Email = new t.Type<Branded<'Email'>, string, unknown>(
  'Email',
  (u): u is Branded<'Email'> => typeof u === 'string' && isEmail(u),
  (u, c) => (typeof u === 'string' && isEmail(u) ? t.success(u as Branded<'Email'>) : t.failure(u, c, 'must be an email address')),
  (a) => a,
);
export type Email = t.TypeOf<typeof Email>;

/** The user's personal data. Everything personal lives under this one key (crypto-shredding relies on it). */
export const Personal = t.intersection([t.type({ firstName: PersonName, lastName: PersonName }), t.partial({ email: Email })], 'Personal');
export type Personal = t.TypeOf<typeof Personal>;

/** Why a phone left a user's list. */
export const UnassignReason = t.keyof({ 'provisioned-by-other-user': null, replaced: null, removed: null }, 'UnassignReason');
export type UnassignReason = t.TypeOf<typeof UnassignReason>;

const id = { userId: UserId };

/** A new end user. `selfProvisioningId` defaults to the primary extension when absent. */
export const CreateEndUser = commandCodec(
  'CreateEndUser',
  { ...id, clusterId: ClusterId, personal: Personal },
  { primaryExtension: DirectoryNumber, selfProvisioningId: DtmfDigits, userProfile: Name, featureGroupTemplate: Name },
);
/** Sets the primary extension, or removes it when absent. */
export const ChangePrimaryExtension = commandCodec('ChangePrimaryExtension', id, { primaryExtension: DirectoryNumber });
/** Sets the self-provisioning id; absent means back to the default (the primary extension). */
export const ChangeSelfProvisioningId = commandCodec('ChangeSelfProvisioningId', id, { selfProvisioningId: DtmfDigits });
/** Sets the user profile and the feature group template; an absent one is cleared. */
export const ChangeUserProfile = commandCodec('ChangeUserProfile', id, { userProfile: Name, featureGroupTemplate: Name });
export const ChangePersonalDetails = commandCodec('ChangePersonalDetails', { ...id, personal: Personal });
/**
 * Records that the user now owns a phone. `limit` is the provisioning limit of the
 * user's profile, read in the same decision: the user stream is where the limit is
 * enforced under concurrency. `replacing` names a phone that leaves the list in the
 * same batch, so it is not counted twice.
 */
export const AssignPhone = commandCodec('AssignPhone', { ...id, deviceName: DeviceName, limit: t.number }, { replacing: DeviceName });
export const UnassignPhone = commandCodec('UnassignPhone', { ...id, deviceName: DeviceName, reason: UnassignReason }, { newOwner: UserId });

export const endUserCommandCodecs = {
  CreateEndUser,
  ChangePrimaryExtension,
  ChangeSelfProvisioningId,
  ChangeUserProfile,
  ChangePersonalDetails,
  AssignPhone,
  UnassignPhone,
} as const;
