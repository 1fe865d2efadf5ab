import {
  AssociateControlledDevice,
  CreateApplicationUser,
  DissociateControlledDevice,
  SetApplicationUserPresenceGroup,
  UserId,
} from '@selfprov/core';
import { EmptyBody } from '../../codecs.js';
import type { RouteSpec } from '../../route.js';
import { A, type AdminRouteDeps, get } from './kit.js';

/** The IVR's application user and its controlled devices (step 5). */
export const applicationUserRoutes = (d: AdminRouteDeps): RouteSpec[] => {
  const { rm, command, byName } = d;
  return [
    get(
      `${A}/application-users/:userId`,
      'getApplicationUser',
      'An application user',
      { userId: UserId },
      byName(rm.applicationUser, 'application_user_not_found', 'application user', 'userId'),
    ),
    command({
      method: 'POST',
      path: `${A}/application-users`,
      operationId: 'createApplicationUser',
      summary: "Create the IVR's application user (step 5)",
      aggregate: 'applicationUser',
      codec: CreateApplicationUser,
      type: 'CreateApplicationUser',
      status: 201,
    }),
    command({
      method: 'PUT',
      path: `${A}/application-users/:userId/presence-group`,
      operationId: 'setApplicationUserPresenceGroup',
      summary: "Set the application user's presence group",
      aggregate: 'applicationUser',
      codec: SetApplicationUserPresenceGroup,
      type: 'SetApplicationUserPresenceGroup',
    }),
    command({
      method: 'PUT',
      path: `${A}/application-users/:userId/controlled-devices/:device`,
      operationId: 'associateControlledDevice',
      summary: "Add a device (the route point) to the application user's controlled devices",
      aggregate: 'applicationUser',
      codec: AssociateControlledDevice,
      type: 'AssociateControlledDevice',
      body: EmptyBody,
    }),
    command({
      method: 'DELETE',
      path: `${A}/application-users/:userId/controlled-devices/:device`,
      operationId: 'dissociateControlledDevice',
      summary: "Remove a device from the application user's controlled devices",
      aggregate: 'applicationUser',
      codec: DissociateControlledDevice,
      type: 'DissociateControlledDevice',
    }),
  ];
};
