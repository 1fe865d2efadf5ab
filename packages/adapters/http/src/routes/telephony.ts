import { ClusterId, MacAddress, PhoneModel, Protocol } from '@selfprov/core';
import type { IvrError, IvrTurn } from '@selfprov/ivr';
import * as E from 'fp-ts/lib/Either.js';
import type * as TE from 'fp-ts/lib/TaskEither.js';
import * as t from 'io-ts';
import { objectBody } from '../codecs.js';
import { commandIdOf, defaultCluster, type RouteDeps } from '../deps.js';
import { AutoRegistrationAnswer, IvrTurnAnswer, ok } from '../responses.js';
import type { RouteContext, RouteResult, RouteSpec } from '../route.js';

/**
 * The telephony side: device auto-registration and the IVR webhook transport.
 * A telephony system (media server, SIP front end) drives one IVR call with
 * `POST /api/ivr/calls` then `POST /api/ivr/calls/:callId/dtmf`; each answer
 * holds the prompts to play and the input awaited. Prompts produced between two
 * requests (a timeout's) come with the next answer.
 */

const CallId = t.refinement(t.string, (s) => /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/.test(s), 'CallId');
const DeviceText = t.refinement(t.string, (s) => /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(s), 'IvrDevice');
const Dialled = t.refinement(t.string, (s) => /^[0-9]{1,24}$/.test(s), 'DialledNumber');
const Language = t.refinement(t.string, (s) => /^[a-z]{2,3}_[A-Z]{2}$/.test(s), 'IvrLanguage');
const Digits = t.refinement(t.string, (s) => /^[0-9*#]{1,64}$/.test(s), 'DtmfKeys');

/** `POST /api/devices/autoregister`: the fields the phone reports (the domain's codecs). `clusterId` only when several clusters exist. */
export const AutoRegisterBody = objectBody(
  'AutoRegisterRequest',
  { mac: MacAddress, model: PhoneModel, protocol: Protocol },
  { clusterId: ClusterId },
);

/** `POST /api/ivr/calls`. */
export const StartCallBody = objectBody(
  'StartCallRequest',
  { device: DeviceText },
  { dialled: Dialled, language: Language, callId: CallId },
);

/** `POST /api/ivr/calls/:callId/dtmf`. */
export const DtmfBody = objectBody('DtmfRequest', { digits: Digits });

const turn = async (task: TE.TaskEither<IvrError, IvrTurn>, status?: number): Promise<RouteResult> => {
  const r = await task();
  return E.isLeft(r) ? r : ok(r.right, status);
};

export const telephonyRoutes = (deps: RouteDeps): RouteSpec[] => {
  const callId = (ctx: RouteContext) => String(ctx.params.callId);
  const callParams = { callId: { codec: CallId, description: 'the id answered by POST /api/ivr/calls' } };
  return [
    {
      method: 'POST',
      path: '/api/devices/autoregister',
      operationId: 'autoRegisterDevice',
      summary: 'A new phone registers: device SEP<MAC> with the lowest free DN of the auto-registration range',
      description:
        'Refusals: 409 autoregistration_disabled, mac_already_registered (details.deviceName), dn_range_exhausted; 409 cluster_not_found / cluster_ambiguous when no single cluster applies. An Idempotency-Key header makes a retry answer the first result.',
      tag: 'devices',
      access: 'none',
      body: AutoRegisterBody,
      status: 201,
      response: AutoRegistrationAnswer,
      errors: [409],
      handler: async (ctx) => {
        const commandId = commandIdOf(ctx, 'autoRegisterDevice');
        if (E.isLeft(commandId)) return commandId;
        let clusterId = ctx.body.clusterId as string | undefined;
        if (clusterId === undefined) {
          const found = await defaultCluster(deps);
          if (E.isLeft(found)) return found;
          clusterId = found.right;
        }
        const r = await deps.backend.selfProvisioning.autoRegisterPhone(
          { ...ctx.body, clusterId },
          {
            actor: { kind: 'device', id: `mac:${String(ctx.body.mac)}` },
            // Auto-registration is the registrar's function; this route is its HTTP form.
            channel: 'sip',
            ...(commandId.right === undefined ? {} : { commandId: commandId.right }),
          },
        )();
        if (E.isLeft(r)) return r;
        const { deviceName, directoryNumber } = r.right;
        return ok({ deviceName, directoryNumber, clusterId: r.right.clusterId }, 201);
      },
    },
    {
      method: 'POST',
      path: '/api/ivr/calls',
      operationId: 'startIvrCall',
      summary: 'A phone calls the self-provisioning IVR: answers the prompts and the input awaited',
      description:
        '`dialled` is the number the phone dialled (default: the IVR extension). The call id of the answer names the call in the next requests.',
      tag: 'ivr',
      access: 'ivr',
      body: StartCallBody,
      status: 201,
      response: IvrTurnAnswer,
      errors: [401, 409],
      handler: async (ctx) =>
        turn(
          deps.ivr.startCall({
            device: String(ctx.body.device),
            ...(ctx.body.dialled === undefined ? {} : { dialled: String(ctx.body.dialled) }),
            ...(ctx.body.language === undefined ? {} : { language: String(ctx.body.language) }),
            ...(ctx.body.callId === undefined ? {} : { callId: String(ctx.body.callId) }),
          }),
          201,
        ),
    },
    {
      method: 'GET',
      path: '/api/ivr/calls/:callId',
      operationId: 'getIvrCall',
      summary: "The call's pending prompts and the input awaited (a recorded call is resumed after a restart)",
      tag: 'ivr',
      access: 'ivr',
      params: callParams,
      status: 200,
      response: IvrTurnAnswer,
      errors: [401, 404],
      handler: async (ctx) => turn(deps.ivr.resume(callId(ctx))),
    },
    {
      method: 'POST',
      path: '/api/ivr/calls/:callId/dtmf',
      operationId: 'sendIvrDigits',
      summary: 'The caller pressed keys (0-9, *, #), applied in order: answers the prompts and the input awaited',
      tag: 'ivr',
      access: 'ivr',
      params: callParams,
      body: DtmfBody,
      status: 200,
      response: IvrTurnAnswer,
      errors: [401, 404, 409],
      handler: async (ctx) => turn(deps.ivr.digits(callId(ctx), String(ctx.body.digits))),
    },
    {
      method: 'POST',
      path: '/api/ivr/calls/:callId/timeout',
      operationId: 'ivrCallTimeout',
      summary: "The caller stayed silent: fires the call's pending timer now (for transports that keep their own clock)",
      tag: 'ivr',
      access: 'ivr',
      params: callParams,
      status: 200,
      response: IvrTurnAnswer,
      errors: [401, 404, 409],
      handler: async (ctx) => turn(deps.ivr.timeout(callId(ctx))),
    },
    {
      method: 'DELETE',
      path: '/api/ivr/calls/:callId',
      operationId: 'hangUpIvrCall',
      summary: 'The caller hung up',
      tag: 'ivr',
      access: 'ivr',
      params: callParams,
      status: 200,
      response: IvrTurnAnswer,
      errors: [401, 404, 409],
      handler: async (ctx) => turn(deps.ivr.hangUp(callId(ctx))),
    },
  ];
};
