import * as E from 'fp-ts/lib/Either.js';
import type { Decider } from '../../kernel/decider.js';
import { type DomainError, domainError, type ValidationError } from '../../kernel/errors.js';
import { orNull, sameJson, withoutNulls } from '../shared/configurationCodecKit.js';
import { DEFAULT_PROVISIONING_LIMIT } from './codecs.js';
import { decodeUserProfileCommand, type UserProfileCommand } from './commands.js';
import type { UserProfileData, UserProfileEvent } from './events.js';

/** A user profile (stream `user-profile-<name>`): which templates self-provisioning applies and whether it is allowed. */
export interface UserProfileState {
  readonly exists: boolean;
  readonly name: string;
  readonly clusterId: string;
  /** UDT applied to a self-provisioned desk phone. */
  readonly deskPhoneTemplate?: string;
  readonly mobileDeviceTemplate?: string;
  readonly profileTemplate?: string;
  /** ULT applied to the provisioned phone's line. */
  readonly lineTemplate?: string;
  /** Default false (the vendor's box is unchecked). */
  readonly allowProvisioning: boolean;
  /** Default 10, 1..20: a user with `limit - 1` phones can add exactly one more. */
  readonly provisioningLimit: number;
  /**
   * Default false. Read from the profile of the user who is provisioning (the new
   * owner), never from the current owner's: see docs/domain.md (section 1).
   */
  readonly allowProvisioningOfPhoneOwnedByOtherUser: boolean;
}

export const initialUserProfileState = (): UserProfileState => ({
  exists: false,
  name: '',
  clusterId: '',
  allowProvisioning: false,
  provisioningLimit: DEFAULT_PROVISIONING_LIMIT,
  allowProvisioningOfPhoneOwnedByOtherUser: false,
});

const dataOf = (c: UserProfileCommand): UserProfileData => ({
  deskPhoneTemplate: orNull(c.deskPhoneTemplate),
  mobileDeviceTemplate: orNull(c.mobileDeviceTemplate),
  profileTemplate: orNull(c.profileTemplate),
  lineTemplate: orNull(c.lineTemplate),
  allowProvisioning: c.allowProvisioning,
  provisioningLimit: c.provisioningLimit,
  allowProvisioningOfPhoneOwnedByOtherUser: c.allowProvisioningOfPhoneOwnedByOtherUser,
});

type Result = E.Either<DomainError | ValidationError, readonly UserProfileEvent[]>;
const refuse = (code: string, message: string, field: string): Result => E.left(domainError(code, message, { field }));

const decide = (input: UserProfileCommand, s: UserProfileState): Result => {
  const decoded = decodeUserProfileCommand(input);
  if (E.isLeft(decoded)) return decoded;
  const c = decoded.right;
  if (c.type === 'CreateUserProfile') {
    if (s.exists) return refuse('user_profile_already_exists', `a user profile named ${c.name} already exists`, 'name');
    return E.right([{ type: 'UserProfileCreated', data: { name: c.name, clusterId: c.clusterId, ...dataOf(c) } }]);
  }
  if (!s.exists) return refuse('user_profile_not_found', `no user profile is named ${c.name}`, 'name');
  if (c.name !== s.name) return refuse('wrong_stream', `the command names ${c.name} but the stream holds ${s.name}`, 'name');
  const data = dataOf(c);
  const { exists: _e, name: _n, clusterId: _c, ...current } = s;
  return sameJson(withoutNulls(data), current) ? E.right([]) : E.right([{ type: 'UserProfileUpdated', data: { name: s.name, ...data } }]);
};

const withData = (s: UserProfileState, data: UserProfileData): UserProfileState => ({
  exists: s.exists,
  name: s.name,
  clusterId: s.clusterId,
  ...(withoutNulls(data) as Omit<UserProfileState, 'exists' | 'name' | 'clusterId'>),
});

const evolve = (s: UserProfileState, e: UserProfileEvent): UserProfileState => {
  switch (e.type) {
    case 'UserProfileCreated': {
      const { name, clusterId, ...data } = e.data;
      return withData({ ...s, exists: true, name, clusterId }, data);
    }
    case 'UserProfileUpdated': {
      const { name: _n, ...data } = e.data;
      return withData(s, data);
    }
    default:
      return s;
  }
};

/**
 * The user profile aggregate. Refusals: `user_profile_already_exists`,
 * `user_profile_not_found`, `wrong_stream`; validation: `invalid_input` naming the
 * field (e.g. `provisioningLimit` 0 or 21). Whether the named templates exist is checked
 * by `configurationCommand` (readiness/references.ts), which loads their streams.
 */
export const userProfileDecider: Decider<UserProfileCommand, UserProfileEvent, UserProfileState, DomainError | ValidationError> = {
  decide,
  evolve,
  initialState: initialUserProfileState,
};
