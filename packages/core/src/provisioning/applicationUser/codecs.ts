import { RoutePointName } from '../ctiRoutePoint/codecs.js';
import { ClusterId, Name, UserId } from '../shared/codecs.js';
import { commandCodec, withDefault } from '../shared/configurationCodecKit.js';

/** The vendor's default BLF presence group. */
export const DEFAULT_PRESENCE_GROUP = 'Standard Presence group';

/** Step 5: an application user for the IVR (its user id is unique: stream `application-user-<userId>`). */
export const CreateApplicationUser = commandCodec('CreateApplicationUser', {
  userId: UserId,
  clusterId: ClusterId,
  presenceGroup: withDefault(Name, DEFAULT_PRESENCE_GROUP as Name),
});
export const SetApplicationUserPresenceGroup = commandCodec('SetApplicationUserPresenceGroup', { userId: UserId, presenceGroup: Name });
/** Moves a device (the CTI route point) into the user's Controlled Devices list. */
export const AssociateControlledDevice = commandCodec('AssociateControlledDevice', { userId: UserId, device: RoutePointName });
export const DissociateControlledDevice = commandCodec('DissociateControlledDevice', { userId: UserId, device: RoutePointName });

export const applicationUserCommandCodecs = {
  CreateApplicationUser,
  SetApplicationUserPresenceGroup,
  AssociateControlledDevice,
  DissociateControlledDevice,
} as const;
