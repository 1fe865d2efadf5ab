import { CredentialKind, Pin, UserId } from '@selfprov/core';
import { SecretInput } from '@selfprov/selfcare';
import { EmptyBody } from '../../codecs.js';
import { answer } from '../../responses.js';
import type { RouteContext, RouteResult, RouteSpec } from '../../route.js';
import { A, type AdminRouteDeps, noContent, secretBody, str } from './kit.js';

/**
 * A user's credentials: set the phone PIN, the voicemail PIN or the self-care
 * password (never echoed), unlock a credential. The operations are the app's
 * (packages/adapters/app/src/adminCredentials.ts); these routes decode, call and
 * answer. The authentication code is a cluster's (clusters.ts).
 */
export const credentialRoutes = (d: AdminRouteDeps): RouteSpec[] => {
  const { withCall } = d;
  const { adminCredentials } = d.deps.backend;

  /** Sets a user's PIN-like credential; answers 204 (the secret is never echoed). */
  const setPin =
    (kind: 'pin' | 'voicemail-pin', operationId: string) =>
    (ctx: RouteContext): Promise<RouteResult> =>
      withCall(ctx, operationId, (call) =>
        noContent(adminCredentials.setPin({ userId: str(ctx, 'userId'), kind, pin: String(ctx.body.pin) }, call)),
      );
  return [
    {
      method: 'PUT',
      path: `${A}/users/:userId/pin`,
      operationId: 'setUserPin',
      summary: "Set the user's phone PIN (policy applied; stored hashed; never echoed)",
      tag: 'admin',
      access: 'admin',
      params: { userId: { codec: UserId } },
      body: secretBody('PinBody', 'pin', Pin),
      status: 204,
      errors: [401, 404, 409],
      handler: setPin('pin', 'setUserPin'),
    },
    {
      method: 'PUT',
      path: `${A}/users/:userId/voicemail-pin`,
      operationId: 'setUserVoicemailPin',
      summary: "Set the user's voicemail PIN (policy applied; stored hashed; never echoed)",
      tag: 'admin',
      access: 'admin',
      params: { userId: { codec: UserId } },
      body: secretBody('VoicemailPinBody', 'pin', Pin),
      status: 204,
      errors: [401, 404, 409],
      handler: setPin('voicemail-pin', 'setUserVoicemailPin'),
    },
    {
      method: 'PUT',
      path: `${A}/users/:userId/password`,
      operationId: 'setUserPassword',
      summary: "Set the user's self-care password (the account must exist; never echoed)",
      tag: 'admin',
      access: 'admin',
      params: { userId: { codec: UserId } },
      body: secretBody('PasswordBody', 'password', SecretInput),
      status: 204,
      errors: [401, 404, 409],
      handler: (ctx) =>
        withCall(ctx, 'setUserPassword', (call) =>
          noContent(adminCredentials.setPassword({ userId: str(ctx, 'userId'), password: ctx.body.password }, call)),
        ),
    },
    {
      method: 'POST',
      path: `${A}/users/:userId/credentials/:kind/unlock`,
      operationId: 'unlockUserCredential',
      summary: "End a lockout of one of the user's credentials and clear its failure counters",
      tag: 'admin',
      access: 'admin',
      params: { userId: { codec: UserId }, kind: { codec: CredentialKind } },
      body: EmptyBody,
      status: 200,
      errors: [401, 404, 409],
      handler: (ctx) =>
        withCall(ctx, 'unlockUserCredential', (call) =>
          answer(adminCredentials.unlock({ userId: str(ctx, 'userId'), kind: str(ctx, 'kind') as CredentialKind }, call)),
        ),
    },
  ];
};
