import * as E from 'fp-ts/lib/Either.js';
import type { Decider } from '../../kernel/decider.js';
import { type DomainError, domainError, type ValidationError } from '../../kernel/errors.js';
import { DEFAULT_PRESENCE_GROUP } from './codecs.js';
import { type ApplicationUserCommand, decodeApplicationUserCommand } from './commands.js';
import type { ApplicationUserEvent } from './events.js';

/** The IVR's application user of step 5 (stream `application-user-<userId>`). */
export interface ApplicationUserState {
  readonly exists: boolean;
  readonly userId: string;
  readonly clusterId: string;
  /** BLF presence group. */
  readonly presenceGroup: string;
  /** Device names in the Controlled Devices list, in association order. */
  readonly controlledDevices: readonly string[];
}

export const initialApplicationUserState = (): ApplicationUserState => ({
  exists: false,
  userId: '',
  clusterId: '',
  presenceGroup: DEFAULT_PRESENCE_GROUP,
  controlledDevices: [],
});

type Result = E.Either<DomainError | ValidationError, readonly ApplicationUserEvent[]>;
const refuse = (code: string, message: string, field: string): Result => E.left(domainError(code, message, { field }));
const accept = (...events: ApplicationUserEvent[]): Result => E.right(events);

const decide = (input: ApplicationUserCommand, s: ApplicationUserState): Result => {
  const decoded = decodeApplicationUserCommand(input);
  if (E.isLeft(decoded)) return decoded;
  const c = decoded.right;
  if (c.type === 'CreateApplicationUser') {
    if (s.exists) return refuse('application_user_already_exists', `an application user ${c.userId} already exists`, 'userId');
    return accept({ type: 'ApplicationUserCreated', data: { userId: c.userId, clusterId: c.clusterId, presenceGroup: c.presenceGroup } });
  }
  if (!s.exists) return refuse('application_user_not_found', `no application user ${c.userId}`, 'userId');
  if (c.userId !== s.userId) return refuse('wrong_stream', `the command names ${c.userId} but the stream holds ${s.userId}`, 'userId');
  switch (c.type) {
    case 'SetApplicationUserPresenceGroup':
      return c.presenceGroup === s.presenceGroup
        ? accept()
        : accept({ type: 'ApplicationUserPresenceGroupSet', data: { userId: s.userId, presenceGroup: c.presenceGroup } });
    case 'AssociateControlledDevice':
      return s.controlledDevices.includes(c.device)
        ? accept()
        : accept({ type: 'ControlledDeviceAssociated', data: { userId: s.userId, device: c.device } });
    case 'DissociateControlledDevice':
      if (!s.controlledDevices.includes(c.device))
        return refuse('device_not_controlled', `${c.device} is not a controlled device of ${s.userId}`, 'device');
      return accept({ type: 'ControlledDeviceDissociated', data: { userId: s.userId, device: c.device } });
  }
};

const evolve = (s: ApplicationUserState, e: ApplicationUserEvent): ApplicationUserState => {
  switch (e.type) {
    case 'ApplicationUserCreated':
      return {
        exists: true,
        userId: e.data.userId,
        clusterId: e.data.clusterId,
        presenceGroup: e.data.presenceGroup,
        controlledDevices: [],
      };
    case 'ApplicationUserPresenceGroupSet':
      return { ...s, presenceGroup: e.data.presenceGroup };
    case 'ControlledDeviceAssociated':
      return { ...s, controlledDevices: [...s.controlledDevices, e.data.device] };
    case 'ControlledDeviceDissociated':
      return { ...s, controlledDevices: s.controlledDevices.filter((d) => d !== e.data.device) };
    default:
      return s;
  }
};

/**
 * The application user aggregate. Refusals: `application_user_already_exists`,
 * `application_user_not_found`, `wrong_stream`, `device_not_controlled`. Whether the
 * associated device exists (and is in the same cluster) is checked by
 * `configurationCommand` (readiness/references.ts), which loads the route point's stream.
 */
export const applicationUserDecider: Decider<
  ApplicationUserCommand,
  ApplicationUserEvent,
  ApplicationUserState,
  DomainError | ValidationError
> = {
  decide,
  evolve,
  initialState: initialApplicationUserState,
};
