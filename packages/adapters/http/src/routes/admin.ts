import {
  ActivateService,
  AddNode,
  AssignCtiRoutePointLine1Dn,
  AssociateControlledDevice,
  AuthenticationCode,
  ChangePersonalDetails,
  ChangePrimaryExtension,
  ChangeSelfProvisioningId,
  ChangeUserProfile,
  ClusterId,
  ClusterService,
  type ConfigurationAggregate,
  ConfigureAutoRegistration,
  ConfigureCtiRoutePoint,
  ConfigureSelfProvisioning,
  CreateApplicationUser,
  CreateCluster,
  CreateCtiRoutePoint,
  CreateDeviceTemplate,
  CreateEndUser,
  CreateFeatureGroupTemplate,
  CreateLineTemplate,
  CreateUserProfile,
  CredentialKind,
  CredentialPolicyUpdate,
  DeviceName,
  DissociateControlledDevice,
  type EndUserState,
  Name,
  type NewEvent,
  NodeName,
  type PhoneState,
  Pin,
  RemoveCtiRoutePointLine1Dn,
  RemoveNode,
  RequestPhoneReset,
  RestartIvrService,
  RoutePointName,
  SetApplicationUserPresenceGroup,
  SetEnterpriseParameters,
  SetSipPorts,
  setAuthenticationCode,
  setCredential,
  streams,
  UpdateDeviceTemplate,
  UpdateFeatureGroupTemplate,
  UpdateLineTemplate,
  UpdateUserProfile,
  UserId,
  unlockCredential,
  type WorkflowContext,
} from '@selfprov/core';
import {
  administrator,
  CreateAccountInput,
  CreateDomainInput,
  DomainName,
  SecretInput,
  SetCreateSelfCareAccountsInput,
  SetDefaultPasswordRuleInput,
  SetSelfCareRoleInput,
  SettingsPageCodec,
  SetVisibleFeaturesInput,
} from '@selfprov/selfcare';
import * as E from 'fp-ts/lib/Either.js';
import * as t from 'io-ts';
import { type BodyCodec, bodyOf, EmptyBody, objectBody, shapeOf } from '../codecs.js';
import { adminContext, commandIdOf, type RouteDeps } from '../deps.js';
import { type ErrorLike, refusal } from '../errors.js';
import { answer, CommandOutcome, commandAnswer, fail, ok, PhoneAnswer, ReadinessAnswer } from '../responses.js';
import type { Method, ParamSpec, RouteContext, RouteResult, RouteSpec } from '../route.js';
import { pathParams } from '../route.js';

/**
 * The administration API (`/api/admin`, bearer token): the configuration of the
 * six-step task flow, end users, credentials (set, never read back), the
 * readiness report, phones, and the self-care operator settings. Each command
 * route builds the domain command from the URL and the body and hands it to the
 * domain facade, which validates it again and checks references.
 */

const A = '/api/admin';

const notFound = (code: string, what: string, field: string): ErrorLike => ({
  _tag: 'DomainError',
  ...refusal(code, `${what} does not exist`, field),
});

/** Parameter specs of a path, each validated by the codec of the command field of the same name. */
const paramsFrom = (path: string, codec: t.Mixed | undefined, extra: Record<string, t.Mixed> = {}): Record<string, ParamSpec> => {
  const shape = codec === undefined ? undefined : shapeOf(codec);
  const out: Record<string, ParamSpec> = {};
  for (const name of pathParams(path)) {
    const c = extra[name] ?? shape?.required[name] ?? shape?.optional[name];
    if (c === undefined) throw new TypeError(`no codec for path parameter ${name} of ${path}`);
    out[name] = { codec: c };
  }
  return out;
};

export const adminRoutes = (deps: RouteDeps): RouteSpec[] => {
  const { selfProvisioning } = deps.backend;
  const rm = selfProvisioning.readModels;

  /** Reads the read models after catching them up. */
  const query = async <A>(read: () => A): Promise<E.Either<ErrorLike, A>> => {
    const caught = await rm.catchUp()();
    return E.isLeft(caught) ? caught : E.right(read());
  };

  const withContext = async (
    ctx: RouteContext,
    operationId: string,
    run: (context: WorkflowContext) => Promise<RouteResult>,
  ): Promise<RouteResult> => {
    const id = commandIdOf(ctx, operationId);
    return E.isLeft(id) ? id : run(adminContext(deps, id.right));
  };

  interface CommandRoute {
    readonly method: Method;
    readonly path: string;
    readonly operationId: string;
    readonly summary: string;
    readonly description?: string;
    readonly aggregate: ConfigurationAggregate | 'endUser';
    readonly codec: t.Mixed;
    /** The command type, or how to choose it from the body. */
    readonly type: string | ((body: Readonly<Record<string, unknown>>) => string);
    readonly body?: BodyCodec;
    /** Turns the body (and parameters) into the command's fields. */
    readonly fields?: (body: Readonly<Record<string, unknown>>) => Record<string, unknown>;
    readonly extraParams?: Record<string, t.Mixed>;
    readonly status?: number;
  }

  /** A route that sends one domain command: `{ type, ...body, ...params }`. */
  const command = (r: CommandRoute): RouteSpec => {
    const fromPath = pathParams(r.path);
    return {
      method: r.method,
      path: r.path,
      operationId: r.operationId,
      summary: r.summary,
      ...(r.description === undefined ? {} : { description: r.description }),
      tag: 'admin',
      access: 'admin',
      params: paramsFrom(r.path, r.codec, r.extraParams),
      body: r.body ?? bodyOf(`${r.operationId}Body`, r.codec, fromPath),
      status: r.status ?? 200,
      response: CommandOutcome,
      errors: [401, 404, 409],
      handler: (ctx) =>
        withContext(ctx, r.operationId, (context) => {
          const type = typeof r.type === 'string' ? r.type : r.type(ctx.body);
          const input = { type, ...(r.fields ? r.fields(ctx.body) : ctx.body), ...ctx.params };
          return commandAnswer(
            r.aggregate === 'endUser' ? selfProvisioning.endUser(input, context) : selfProvisioning.configure(r.aggregate, input, context),
            r.status,
          );
        }),
    };
  };

  const get = (
    path: string,
    operationId: string,
    summary: string,
    params: Record<string, t.Mixed>,
    handler: (ctx: RouteContext) => Promise<RouteResult>,
    response?: t.Mixed,
  ): RouteSpec => ({
    method: 'GET',
    path,
    operationId,
    summary,
    tag: 'admin',
    access: 'admin',
    params: Object.fromEntries(Object.entries(params).map(([k, codec]) => [k, { codec }])),
    status: 200,
    ...(response === undefined ? {} : { response }),
    errors: [401, 404],
    handler,
  });

  const str = (ctx: RouteContext, name: string): string => String(ctx.params[name]);

  /** A configuration object by name from the read models, or 404 naming the path parameter. */
  const byName =
    <S extends { readonly exists: boolean }>(read: (name: string) => S | undefined, code: string, what: string, param: string) =>
    async (ctx: RouteContext): Promise<RouteResult> => {
      const found = await query(() => read(str(ctx, param)));
      if (E.isLeft(found)) return found;
      return found.right?.exists ? ok(found.right) : fail(notFound(code, `${what} ${str(ctx, param)}`, param));
    };

  const phoneView = (p: PhoneState) => ({
    deviceName: p.deviceName,
    mac: p.mac,
    model: p.model,
    protocol: p.protocol,
    clusterId: p.clusterId,
    owner: p.owner ?? null,
    state: p.state,
    registered: p.registered,
    lines: p.lines.map((l) => ({ index: l.index, directoryNumber: l.dn, lineTemplate: l.lineTemplate ?? null })),
    templates: {
      device: p.deviceTemplate ?? null,
      lines: [...new Set(p.lines.flatMap((l) => (l.lineTemplate === undefined ? [] : [l.lineTemplate])))],
    },
  });
  const listedPhone = (p: PhoneState) => p.exists && !p.removed;

  const readinessOf = async (clusterId: string) => {
    const items = await selfProvisioning.systemReadiness(clusterId)();
    return E.map((list: readonly { step: unknown; code: string; message: string; fix: string }[]) => ({
      clusterId,
      ready: list.length === 0,
      items: list,
    }))(items);
  };

  const existingUser = async (userId: string): Promise<E.Either<ErrorLike, EndUserState>> => {
    const user = await selfProvisioning.user(userId)();
    if (E.isLeft(user)) return user;
    return user.right?.exists ? E.right(user.right) : E.left(notFound('user_not_found', `end user ${userId}`, 'userId'));
  };

  /** Records what the credentials module asks to record (never a secret) in `streamId`. */
  const audit = async (streamId: string, events: readonly { type: string; data: unknown }[], context: WorkflowContext) => {
    if (events.length === 0) return E.right(undefined);
    const metadata = { actor: context.actor ?? { kind: 'administrator', id: deps.adminId }, channel: 'admin-api' as const };
    const appended = await deps.backend.events.append(
      streamId,
      'any',
      events.map((e) => ({ type: e.type, data: e.data, metadata }) as NewEvent),
    )();
    return E.map(() => undefined)(appended);
  };

  /** Sets a user's PIN-like credential through the credentials module; answers 204 (the secret is never echoed). */
  const setUserSecret =
    (kind: 'pin' | 'voicemail-pin', operationId: string) =>
    (ctx: RouteContext): Promise<RouteResult> =>
      withContext(ctx, operationId, async (context) => {
        const userId = str(ctx, 'userId');
        const user = await existingUser(userId);
        if (E.isLeft(user)) return user;
        const u = user.right;
        const owner = {
          userId,
          ...(u.primaryExtension === undefined ? {} : { extension: u.primaryExtension, mailbox: u.primaryExtension }),
          ...(typeof u.personal.firstName === 'string' ? { firstName: u.personal.firstName } : {}),
          ...(typeof u.personal.lastName === 'string' ? { lastName: u.personal.lastName } : {}),
        };
        const set = await setCredential(deps.backend.credentials, {
          subject: userId,
          kind,
          secret: String(ctx.body.pin),
          by: 'administrator',
          owner,
          field: 'pin',
        })();
        if (E.isLeft(set)) return set;
        const audited = await audit(streams.user(userId), set.right.events, context);
        return E.isLeft(audited) ? audited : ok(undefined, 204);
      });

  const admin = () => administrator(deps.adminId, undefined, 'admin-api');
  const selfCareCall = async (ctx: RouteContext, operationId: string) => {
    const id = commandIdOf(ctx, operationId);
    return E.map((commandId: string | undefined) => (commandId === undefined ? undefined : { commandId }))(id);
  };

  const clusterParam = { clusterId: ClusterId };
  const secretBody = (name: string, field: string, codec: t.Mixed) => objectBody(name, { [field]: codec });

  return [
    // --- clusters, nodes and services (steps 1 and 2) -------------------------------------------
    get(`${A}/clusters`, 'listClusters', 'List the clusters', {}, async () => answer(async () => query(() => rm.clusters()))),
    command({
      method: 'POST',
      path: `${A}/clusters`,
      operationId: 'createCluster',
      summary: 'Create a cluster and its publisher node',
      aggregate: 'cluster',
      codec: CreateCluster,
      type: 'CreateCluster',
      status: 201,
    }),
    get(
      `${A}/clusters/:clusterId`,
      'getCluster',
      'A cluster: nodes, services, auto-registration, settings, credential policy',
      clusterParam,
      byName(rm.cluster, 'cluster_not_found', 'cluster', 'clusterId'),
    ),
    command({
      method: 'POST',
      path: `${A}/clusters/:clusterId/nodes`,
      operationId: 'addNode',
      summary: 'Add a subscriber node',
      aggregate: 'cluster',
      codec: AddNode,
      type: 'AddNode',
      status: 201,
    }),
    command({
      method: 'DELETE',
      path: `${A}/clusters/:clusterId/nodes/:node`,
      operationId: 'removeNode',
      summary: 'Remove a subscriber node',
      aggregate: 'cluster',
      codec: RemoveNode,
      type: 'RemoveNode',
    }),
    command({
      method: 'PUT',
      path: `${A}/clusters/:clusterId/nodes/:node/services/:service`,
      operationId: 'setServiceActive',
      summary: 'Activate or deactivate a service on a node (step 1)',
      aggregate: 'cluster',
      codec: ActivateService,
      type: (body) => (body.active === true ? 'ActivateService' : 'DeactivateService'),
      body: objectBody('ServiceState', { active: t.boolean }),
      fields: () => ({}),
      extraParams: { node: NodeName, service: ClusterService },
    }),
    command({
      method: 'POST',
      path: `${A}/clusters/:clusterId/ivr-restart`,
      operationId: 'restartIvrService',
      summary: 'Restart the Self-Provisioning IVR service so changed settings apply',
      aggregate: 'cluster',
      codec: RestartIvrService,
      type: 'RestartIvrService',
      body: EmptyBody,
    }),
    command({
      method: 'PUT',
      path: `${A}/clusters/:clusterId/auto-registration`,
      operationId: 'configureAutoRegistration',
      summary: 'Set the auto-registration DN range and templates (step 2)',
      aggregate: 'cluster',
      codec: ConfigureAutoRegistration,
      type: 'ConfigureAutoRegistration',
    }),
    command({
      method: 'PUT',
      path: `${A}/clusters/:clusterId/auto-registration/enabled`,
      operationId: 'setAutoRegistrationEnabled',
      summary: 'Enable or disable auto-registration (step 2)',
      aggregate: 'cluster',
      codec: CreateCluster,
      type: (body) => (body.enabled === true ? 'EnableAutoRegistration' : 'DisableAutoRegistration'),
      body: objectBody('AutoRegistrationState', { enabled: t.boolean }),
      fields: () => ({}),
    }),
    command({
      method: 'PUT',
      path: `${A}/clusters/:clusterId/sip-ports`,
      operationId: 'setSipPorts',
      summary: 'Set the SIP registration ports',
      aggregate: 'cluster',
      codec: SetSipPorts,
      type: 'SetSipPorts',
    }),
    command({
      method: 'PUT',
      path: `${A}/clusters/:clusterId/self-provisioning`,
      operationId: 'configureSelfProvisioning',
      summary: 'Save the self-provisioning settings: authentication mode, IVR languages, route point, application user (step 6)',
      aggregate: 'cluster',
      codec: ConfigureSelfProvisioning,
      type: 'ConfigureSelfProvisioning',
    }),
    {
      method: 'PUT',
      path: `${A}/clusters/:clusterId/authentication-code`,
      operationId: 'setAuthenticationCode',
      summary: "Set the administrators' authentication code (stored hashed in the credential store; never echoed)",
      tag: 'admin',
      access: 'admin',
      params: { clusterId: { codec: ClusterId } },
      body: secretBody('AuthenticationCodeBody', 'code', AuthenticationCode),
      status: 204,
      errors: [401, 404, 409],
      handler: (ctx) =>
        withContext(ctx, 'setAuthenticationCode', async (context) => {
          const clusterId = str(ctx, 'clusterId');
          const cluster = await query(() => rm.cluster(clusterId));
          if (E.isLeft(cluster)) return cluster;
          if (!cluster.right?.exists) return fail(notFound('cluster_not_found', `cluster ${clusterId}`, 'clusterId'));
          const set = await setAuthenticationCode(deps.backend.credentials, { code: String(ctx.body.code), by: 'administrator' })();
          if (E.isLeft(set)) return set.left.field === 'authenticationCode' ? E.left({ ...set.left, field: 'code' }) : set;
          const audited = await audit(streams.cluster(clusterId), set.right.events, context);
          if (E.isLeft(audited)) return audited;
          const recorded = await selfProvisioning.configure('cluster', { type: 'RecordAuthenticationCodeChanged', clusterId }, context)();
          return E.isLeft(recorded) ? recorded : ok(undefined, 204);
        }),
    },
    command({
      method: 'PATCH',
      path: `${A}/clusters/:clusterId/enterprise-parameters`,
      operationId: 'setEnterpriseParameters',
      summary: 'Set enterprise parameters (only those given change)',
      aggregate: 'cluster',
      codec: SetEnterpriseParameters,
      type: 'SetEnterpriseParameters',
    }),
    command({
      method: 'PATCH',
      path: `${A}/clusters/:clusterId/credential-policy`,
      operationId: 'updateCredentialPolicy',
      summary: 'Update the credential policy (only the fields given change)',
      aggregate: 'cluster',
      codec: CreateCluster,
      type: 'UpdateCredentialPolicy',
      body: CredentialPolicyUpdate as unknown as BodyCodec,
      fields: (body) => ({ policy: body }),
    }),
    get(
      `${A}/clusters/:clusterId/readiness`,
      'getClusterReadiness',
      'The system readiness report of a cluster (the six steps)',
      clusterParam,
      async (ctx) => {
        const clusterId = str(ctx, 'clusterId');
        const cluster = await query(() => rm.cluster(clusterId));
        if (E.isLeft(cluster)) return cluster;
        if (!cluster.right?.exists) return fail(notFound('cluster_not_found', `cluster ${clusterId}`, 'clusterId'));
        return answer(() => readinessOf(clusterId));
      },
      ReadinessAnswer,
    ),
    get(`${A}/readiness`, 'getReadiness', 'The readiness report of every cluster', {}, async () => {
      const clusters = await query(() => rm.clusters().filter((c) => c.exists));
      if (E.isLeft(clusters)) return clusters;
      const reports = [];
      for (const c of clusters.right) {
        const r = await readinessOf(c.clusterId);
        if (E.isLeft(r)) return r;
        reports.push(r.right);
      }
      return ok({ clusters: reports });
    }),

    // --- CTI route point (steps 3 and 4) --------------------------------------------------------
    get(
      `${A}/route-points/:name`,
      'getRoutePoint',
      'A CTI route point',
      { name: RoutePointName },
      byName(rm.ctiRoutePoint, 'cti_route_point_not_found', 'route point', 'name'),
    ),
    command({
      method: 'POST',
      path: `${A}/route-points`,
      operationId: 'createRoutePoint',
      summary: 'Create the CTI route point of the IVR (step 3)',
      aggregate: 'ctiRoutePoint',
      codec: CreateCtiRoutePoint,
      type: 'CreateCtiRoutePoint',
      status: 201,
    }),
    command({
      method: 'PUT',
      path: `${A}/route-points/:name`,
      operationId: 'configureRoutePoint',
      summary: "Save a CTI route point's settings",
      aggregate: 'ctiRoutePoint',
      codec: ConfigureCtiRoutePoint,
      type: 'ConfigureCtiRoutePoint',
    }),
    command({
      method: 'PUT',
      path: `${A}/route-points/:name/line1`,
      operationId: 'assignRoutePointDn',
      summary: 'Give the route point its line 1 DN: the extension users dial (step 4)',
      aggregate: 'ctiRoutePoint',
      codec: AssignCtiRoutePointLine1Dn,
      type: 'AssignCtiRoutePointLine1Dn',
    }),
    command({
      method: 'DELETE',
      path: `${A}/route-points/:name/line1`,
      operationId: 'removeRoutePointDn',
      summary: "Remove the route point's line 1 DN",
      aggregate: 'ctiRoutePoint',
      codec: RemoveCtiRoutePointLine1Dn,
      type: 'RemoveCtiRoutePointLine1Dn',
    }),

    // --- application user (step 5) -----------------------------------------------------------------
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

    // --- templates and profiles ------------------------------------------------------------------------
    ...templateRoutes(
      'device-templates',
      'DeviceTemplate',
      'universal device template',
      'deviceTemplate',
      CreateDeviceTemplate,
      UpdateDeviceTemplate,
      rm.deviceTemplate,
      'device_template_not_found',
    ),
    ...templateRoutes(
      'line-templates',
      'LineTemplate',
      'universal line template',
      'lineTemplate',
      CreateLineTemplate,
      UpdateLineTemplate,
      rm.lineTemplate,
      'line_template_not_found',
    ),
    ...templateRoutes(
      'feature-group-templates',
      'FeatureGroupTemplate',
      'feature group template',
      'featureGroupTemplate',
      CreateFeatureGroupTemplate,
      UpdateFeatureGroupTemplate,
      rm.featureGroupTemplate,
      'feature_group_template_not_found',
    ),
    ...templateRoutes(
      'user-profiles',
      'UserProfile',
      'user profile',
      'userProfile',
      CreateUserProfile,
      UpdateUserProfile,
      rm.userProfile,
      'user_profile_not_found',
    ),

    // --- end users ------------------------------------------------------------------------------------------
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
      handler: setUserSecret('pin', 'setUserPin'),
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
      handler: setUserSecret('voicemail-pin', 'setUserVoicemailPin'),
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
      handler: async (ctx) => {
        const call = await selfCareCall(ctx, 'setUserPassword');
        if (E.isLeft(call)) return call;
        const r = await deps.backend.selfCare.admin.setPassword(
          admin(),
          { userId: str(ctx, 'userId'), password: ctx.body.password },
          call.right,
        )();
        return E.isLeft(r) ? r : ok(undefined, 204);
      },
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
        withContext(ctx, 'unlockUserCredential', async (context) => {
          const userId = str(ctx, 'userId');
          const kind = str(ctx, 'kind') as CredentialKind;
          if (kind === 'authentication-code')
            return fail({ _tag: 'ValidationError', ...refusal('invalid_input', 'kind must be pin, password or voicemail-pin', 'kind') });
          const user = await existingUser(userId);
          if (E.isLeft(user)) return user;
          const r = await unlockCredential(deps.backend.credentials, { subject: userId, kind, by: 'administrator' })();
          if (E.isLeft(r)) return r;
          const audited = await audit(streams.user(userId), r.right.events, context);
          return E.isLeft(audited) ? audited : ok({ wasLocked: r.right.wasLocked });
        }),
    },

    // --- phones ------------------------------------------------------------------------------------------
    get(`${A}/phones`, 'listPhones', 'List the phones (auto-registered and provisioned)', {}, async () =>
      answer(async () => query(() => rm.phones().filter(listedPhone).map(phoneView))),
    ),
    get(
      `${A}/phones/:deviceName`,
      'getPhone',
      'A phone: owner, state (autoregistered or provisioned), lines with their DNs, templates applied',
      { deviceName: DeviceName },
      async (ctx) => {
        const deviceName = str(ctx, 'deviceName');
        const phone = await selfProvisioning.phone(deviceName)();
        if (E.isLeft(phone)) return phone;
        return phone.right && listedPhone(phone.right)
          ? ok(phoneView(phone.right))
          : fail(notFound('phone_not_found', `phone ${deviceName}`, 'deviceName'));
      },
      PhoneAnswer,
    ),
    {
      method: 'POST',
      path: `${A}/phones/:deviceName/reset`,
      operationId: 'resetPhone',
      summary: 'Ask a phone to reset (re-read its configuration)',
      tag: 'admin',
      access: 'admin',
      params: { deviceName: { codec: DeviceName } },
      body: bodyOf('ResetPhoneBody', RequestPhoneReset, ['deviceName']),
      status: 200,
      response: CommandOutcome,
      errors: [401, 404, 409],
      handler: (ctx) =>
        withContext(ctx, 'resetPhone', async (context) => {
          const deviceName = str(ctx, 'deviceName');
          const phone = await selfProvisioning.phone(deviceName)();
          if (E.isLeft(phone)) return phone;
          if (!(phone.right && listedPhone(phone.right))) return fail(notFound('phone_not_found', `phone ${deviceName}`, 'deviceName'));
          return commandAnswer(selfProvisioning.requestPhoneReset({ ...ctx.body, deviceName }, context));
        }),
    },

    // --- self-care operator settings -----------------------------------------------------------------
    get(`${A}/selfcare/domains`, 'listSelfCareDomains', 'Self-care domains and their rules (never the default password)', {}, async () =>
      answer(deps.backend.selfCare.admin.domains()),
    ),
    {
      method: 'POST',
      path: `${A}/selfcare/domains`,
      operationId: 'createSelfCareDomain',
      summary: 'Create a self-care domain (optionally with its default password rule)',
      tag: 'admin',
      access: 'admin',
      body: CreateDomainInput as unknown as BodyCodec,
      status: 201,
      response: CommandOutcome,
      errors: [401, 409],
      handler: async (ctx) => {
        const call = await selfCareCall(ctx, 'createSelfCareDomain');
        if (E.isLeft(call)) return call;
        return commandAnswer(deps.backend.selfCare.admin.createDomain(admin(), ctx.body, call.right), 201);
      },
    },
    {
      method: 'PUT',
      path: `${A}/selfcare/domains/:domain/create-self-care-accounts`,
      operationId: 'setCreateSelfCareAccountsRule',
      summary: "Turn the domain's CreateSelfCareAccounts rule on or off",
      tag: 'admin',
      access: 'admin',
      params: { domain: { codec: DomainName } },
      body: bodyOf('CreateSelfCareAccountsRuleBody', SetCreateSelfCareAccountsInput, ['domain']),
      status: 200,
      response: CommandOutcome,
      errors: [401, 404, 409],
      handler: async (ctx) => {
        const call = await selfCareCall(ctx, 'setCreateSelfCareAccountsRule');
        if (E.isLeft(call)) return call;
        return commandAnswer(
          deps.backend.selfCare.admin.setCreateSelfCareAccountsRule(admin(), { ...ctx.body, ...ctx.params }, call.right),
        );
      },
    },
    {
      method: 'PUT',
      path: `${A}/selfcare/domains/:domain/default-password`,
      operationId: 'setDefaultPasswordRule',
      summary: "Set the domain's DefaultCUPMPassword rule (enabled flag and, optionally, the password; never echoed)",
      tag: 'admin',
      access: 'admin',
      params: { domain: { codec: DomainName } },
      body: bodyOf('DefaultPasswordRuleBody', SetDefaultPasswordRuleInput, ['domain']),
      status: 200,
      response: CommandOutcome,
      errors: [401, 404, 409],
      handler: async (ctx) => {
        const call = await selfCareCall(ctx, 'setDefaultPasswordRule');
        if (E.isLeft(call)) return call;
        return commandAnswer(deps.backend.selfCare.admin.setDefaultPasswordRule(admin(), { ...ctx.body, ...ctx.params }, call.right));
      },
    },
    {
      method: 'POST',
      path: `${A}/selfcare/accounts`,
      operationId: 'createSelfCareAccount',
      summary: 'Create a self-care account of a domain with its roles',
      tag: 'admin',
      access: 'admin',
      body: CreateAccountInput as unknown as BodyCodec,
      status: 201,
      response: CommandOutcome,
      errors: [401, 409],
      handler: async (ctx) => {
        const call = await selfCareCall(ctx, 'createSelfCareAccount');
        if (E.isLeft(call)) return call;
        return commandAnswer(deps.backend.selfCare.admin.createAccount(admin(), ctx.body, call.right), 201);
      },
    },
    {
      method: 'PUT',
      path: `${A}/selfcare/accounts/:userId/role`,
      operationId: 'setSelfCareRole',
      summary: "Give or take away the SelfCareUser role (taking it closes the user's sessions)",
      tag: 'admin',
      access: 'admin',
      params: { userId: { codec: UserId } },
      body: bodyOf('SelfCareRoleBody', SetSelfCareRoleInput, ['userId']),
      status: 200,
      response: CommandOutcome,
      errors: [401, 404, 409],
      handler: async (ctx) => {
        const call = await selfCareCall(ctx, 'setSelfCareRole');
        if (E.isLeft(call)) return call;
        return commandAnswer(deps.backend.selfCare.admin.setSelfCareRole(admin(), { ...ctx.body, ...ctx.params }, call.right));
      },
    },
    get(`${A}/selfcare/visible-features`, 'getVisibleFeatures', 'The features shown per self-care settings page', {}, async () =>
      answer(deps.backend.selfCare.visibleFeatures()),
    ),
    {
      method: 'PUT',
      path: `${A}/selfcare/visible-features/:page`,
      operationId: 'setVisibleFeatures',
      summary: 'Set the features shown on a self-care settings page (the others are hidden AND refused)',
      tag: 'admin',
      access: 'admin',
      params: { page: { codec: SettingsPageCodec } },
      body: bodyOf('VisibleFeaturesBody', SetVisibleFeaturesInput, ['page']),
      status: 200,
      response: CommandOutcome,
      errors: [401, 409],
      handler: async (ctx) => {
        const call = await selfCareCall(ctx, 'setVisibleFeatures');
        if (E.isLeft(call)) return call;
        return commandAnswer(deps.backend.selfCare.admin.setVisibleFeatures(admin(), { ...ctx.body, ...ctx.params }, call.right));
      },
    },
  ];

  function templateRoutes(
    segment: string,
    noun: string,
    what: string,
    aggregate: ConfigurationAggregate,
    create: t.Mixed,
    update: t.Mixed,
    read: (name: string) => { readonly exists: boolean } | undefined,
    code: string,
  ): RouteSpec[] {
    return [
      get(`${A}/${segment}/:name`, `get${noun}`, `A ${what}`, { name: Name }, byName(read, code, what, 'name')),
      command({
        method: 'POST',
        path: `${A}/${segment}`,
        operationId: `create${noun}`,
        summary: `Create a ${what}`,
        aggregate,
        codec: create,
        type: `Create${noun}`,
        status: 201,
      }),
      command({
        method: 'PUT',
        path: `${A}/${segment}/:name`,
        operationId: `update${noun}`,
        summary: `Save a ${what} (a full replacement)`,
        aggregate,
        codec: update,
        type: `Update${noun}`,
      }),
    ];
  }
};
