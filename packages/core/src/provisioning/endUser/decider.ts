import * as E from 'fp-ts/lib/Either.js';
import type { Decider } from '../../kernel/decider.js';
import { type DomainError, domainError } from '../../kernel/errors.js';
import { compact } from '../aggregateSupport.js';
import type { EndUserCommand } from './commands.js';
import type { EndUserCreated, EndUserEvent, PersonalData } from './events.js';

/** An end user as the self-provisioning domain sees it. */
export interface EndUserState {
  readonly exists: boolean;
  readonly userId: string;
  readonly clusterId: string;
  readonly primaryExtension?: string;
  /** The effective self-provisioning id: the explicit one, else the primary extension. */
  readonly selfProvisioningId?: string;
  /** The explicitly set self-provisioning id, if any (kept apart so the default follows the primary extension). */
  readonly customSelfProvisioningId?: string;
  readonly userProfile?: string;
  readonly featureGroupTemplate?: string;
  /** Device names of the phones the user owns, in the order they were assigned (oldest first). */
  readonly phones: readonly string[];
  readonly personal: PersonalData;
}

export type EndUserError = DomainError<
  | 'user_already_exists'
  | 'user_not_found'
  | 'wrong_stream'
  | 'provisioning_limit_reached'
  | 'phone_not_assigned_to_user'
  | 'invalid_provisioning_limit'
>;

export const initialEndUserState = (): EndUserState => ({
  exists: false,
  userId: '',
  clusterId: '',
  phones: [],
  personal: { firstName: '', lastName: '' },
});

const withSelfProvisioningId = (state: EndUserState): EndUserState =>
  compact({ ...state, selfProvisioningId: state.customSelfProvisioningId ?? state.primaryExtension });

const personalOf = (p: { firstName: string; lastName: string; email?: string | undefined }): PersonalData =>
  compact({ firstName: p.firstName, lastName: p.lastName, email: p.email });

const notFound = (userId: string): EndUserError =>
  domainError('user_not_found', `end user ${JSON.stringify(userId)} does not exist`, { field: 'userId' });

const decide = (command: EndUserCommand, state: EndUserState): E.Either<EndUserError, readonly EndUserEvent[]> => {
  if (command.type === 'CreateEndUser') {
    const d = command;
    if (state.exists)
      return E.left(domainError('user_already_exists', `end user ${JSON.stringify(d.userId)} already exists`, { field: 'userId' }));
    const event: EndUserCreated = {
      type: 'EndUserCreated',
      data: compact({
        userId: d.userId,
        clusterId: d.clusterId,
        personal: personalOf(d.personal),
        primaryExtension: d.primaryExtension,
        selfProvisioningId: d.selfProvisioningId,
        userProfile: d.userProfile,
        featureGroupTemplate: d.featureGroupTemplate,
      }),
    };
    return E.right([event]);
  }
  if (!state.exists) return E.left(notFound(command.userId));
  if (command.userId !== state.userId)
    return E.left(
      domainError('wrong_stream', `the command names ${command.userId} but the stream holds ${state.userId}`, { field: 'userId' }),
    );
  const userId = state.userId;
  switch (command.type) {
    case 'ChangePrimaryExtension': {
      const next = command.primaryExtension;
      if (next === state.primaryExtension) return E.right([]);
      return E.right([{ type: 'PrimaryExtensionChanged', data: compact({ userId, primaryExtension: next }) }]);
    }
    case 'ChangeSelfProvisioningId': {
      const next = command.selfProvisioningId;
      if (next === state.customSelfProvisioningId) return E.right([]);
      return E.right([{ type: 'SelfProvisioningIdChanged', data: compact({ userId, selfProvisioningId: next }) }]);
    }
    case 'ChangeUserProfile': {
      const { userProfile, featureGroupTemplate } = command;
      if (userProfile === state.userProfile && featureGroupTemplate === state.featureGroupTemplate) return E.right([]);
      return E.right([{ type: 'UserProfileChanged', data: compact({ userId, userProfile, featureGroupTemplate }) }]);
    }
    case 'ChangePersonalDetails': {
      const personal = personalOf(command.personal);
      if (JSON.stringify(personal) === JSON.stringify(state.personal)) return E.right([]);
      return E.right([{ type: 'PersonalDetailsChanged', data: { userId, personal } }]);
    }
    case 'AssignPhone': {
      const { deviceName, limit, replacing } = command;
      if (!Number.isInteger(limit) || limit < 1)
        return E.left(domainError('invalid_provisioning_limit', `provisioning limit must be a positive integer`, { field: 'limit' }));
      if (state.phones.includes(deviceName)) return E.right([]);
      const replaced = replacing !== undefined && state.phones.includes(replacing) ? replacing : undefined;
      // The replaced phone leaves the list in the same batch, so it is not counted twice.
      const counted = state.phones.length - (replaced === undefined ? 0 : 1);
      if (counted >= limit)
        return E.left(
          domainError(
            'provisioning_limit_reached',
            `end user ${JSON.stringify(userId)} already has ${counted} phone(s), the limit of their user profile is ${limit}`,
            { field: 'userId', details: { limit, phones: counted } },
          ),
        );
      const unassign: EndUserEvent[] =
        replaced === undefined ? [] : [{ type: 'PhoneUnassignedFromUser', data: { userId, deviceName: replaced, reason: 'replaced' } }];
      return E.right([...unassign, { type: 'PhoneAssignedToUser', data: { userId, deviceName } }]);
    }
    case 'UnassignPhone': {
      const { deviceName, reason, newOwner } = command;
      if (!state.phones.includes(deviceName))
        return E.left(
          domainError('phone_not_assigned_to_user', `phone ${deviceName} is not assigned to end user ${JSON.stringify(userId)}`, {
            field: 'deviceName',
          }),
        );
      return E.right([{ type: 'PhoneUnassignedFromUser', data: compact({ userId, deviceName, reason, newOwner }) }]);
    }
  }
};

const evolve = (state: EndUserState, event: EndUserEvent): EndUserState => {
  switch (event.type) {
    case 'EndUserCreated': {
      const d = event.data;
      return withSelfProvisioningId(
        compact({
          exists: true,
          userId: d.userId,
          clusterId: d.clusterId,
          personal: d.personal,
          primaryExtension: d.primaryExtension,
          customSelfProvisioningId: d.selfProvisioningId,
          userProfile: d.userProfile,
          featureGroupTemplate: d.featureGroupTemplate,
          phones: [],
        }),
      );
    }
    case 'PrimaryExtensionChanged':
      return withSelfProvisioningId({ ...state, primaryExtension: event.data.primaryExtension });
    case 'SelfProvisioningIdChanged':
      return withSelfProvisioningId({ ...state, customSelfProvisioningId: event.data.selfProvisioningId });
    case 'UserProfileChanged':
      return compact({ ...state, userProfile: event.data.userProfile, featureGroupTemplate: event.data.featureGroupTemplate });
    case 'PersonalDetailsChanged':
      return { ...state, personal: event.data.personal };
    case 'PhoneAssignedToUser':
      return state.phones.includes(event.data.deviceName) ? state : { ...state, phones: [...state.phones, event.data.deviceName] };
    case 'PhoneUnassignedFromUser':
      return { ...state, phones: state.phones.filter((p) => p !== event.data.deviceName) };
    default:
      return state;
  }
};

/**
 * The end-user aggregate (`user-<userId>`). Besides identity and settings it
 * holds the list of owned phones: the per-user provisioning limit is checked
 * here, so two concurrent provisionings for one user conflict on this stream
 * and the loser re-decides against the new count.
 */
export const endUserDecider: Decider<EndUserCommand, EndUserEvent, EndUserState, EndUserError> = {
  decide,
  evolve,
  initialState: initialEndUserState,
};
