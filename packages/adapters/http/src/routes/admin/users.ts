import {
  ChangePersonalDetails,
  ChangePrimaryExtension,
  ChangeSelfProvisioningId,
  ChangeUserProfile,
  CreateEndUser,
  UserId,
} from '@selfprov/core';
import * as E from 'fp-ts/lib/Either.js';
import { answer } from '../../responses.js';
import type { RouteSpec } from '../../route.js';
import { A, type AdminRouteDeps, get, str } from './kit.js';

/** End users: list, create, read, their extension, self-provisioning id, profile, personal details and readiness. */
export const userRoutes = (d: AdminRouteDeps): RouteSpec[] => {
  const { selfProvisioning, rm, query, command, existingUser } = d;
  return [
    get(`${A}/users`, 'listUsers', 'List the end users', {}, async () =>
      answer(async () => query(() => rm.users().filter((u) => u.exists))),
    ),
    command({
      method: 'POST',
      path: `${A}/users`,
      operationId: 'createUser',
      summary: 'Create an end user',
      aggregate: 'endUser',
      codec: CreateEndUser,
      type: 'CreateEndUser',
      status: 201,
    }),
    get(`${A}/users/:userId`, 'getUser', 'An end user', { userId: UserId }, async (ctx) => answer(() => existingUser(str(ctx, 'userId')))),
    command({
      method: 'PUT',
      path: `${A}/users/:userId/primary-extension`,
      operationId: 'setPrimaryExtension',
      summary: "Set (or, without a value, remove) the user's primary extension",
      aggregate: 'endUser',
      codec: ChangePrimaryExtension,
      type: 'ChangePrimaryExtension',
    }),
    command({
      method: 'PUT',
      path: `${A}/users/:userId/self-provisioning-id`,
      operationId: 'setSelfProvisioningId',
      summary: "Set the user's self-provisioning id (without a value: back to the primary extension)",
      aggregate: 'endUser',
      codec: ChangeSelfProvisioningId,
      type: 'ChangeSelfProvisioningId',
    }),
    command({
      method: 'PUT',
      path: `${A}/users/:userId/profile`,
      operationId: 'setUserProfile',
      summary: "Set the user's user profile and feature group template",
      aggregate: 'endUser',
      codec: ChangeUserProfile,
      type: 'ChangeUserProfile',
    }),
    command({
      method: 'PUT',
      path: `${A}/users/:userId/personal`,
      operationId: 'setPersonalDetails',
      summary: "Set the user's name and email (encrypted per user in the log)",
      aggregate: 'endUser',
      codec: ChangePersonalDetails,
      type: 'ChangePersonalDetails',
    }),
    get(
      `${A}/users/:userId/readiness`,
      'getUserReadiness',
      'The user-level prerequisites of self-provisioning',
      { userId: UserId },
      async (ctx) => {
        const userId = str(ctx, 'userId');
        const user = await existingUser(userId);
        if (E.isLeft(user)) return user;
        return answer(async () =>
          E.map((items: readonly unknown[]) => ({ userId, ready: items.length === 0, items }))(
            await selfProvisioning.userReadiness(userId)(),
          ),
        );
      },
    ),
  ];
};
