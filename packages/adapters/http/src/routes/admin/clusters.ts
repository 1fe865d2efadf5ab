import {
  ActivateService,
  AddNode,
  AuthenticationCode,
  ClusterId,
  ClusterService,
  ConfigureAutoRegistration,
  ConfigureSelfProvisioning,
  CreateCluster,
  CredentialPolicyUpdate,
  NodeName,
  RemoveNode,
  RestartIvrService,
  SetEnterpriseParameters,
  SetSipPorts,
} from '@selfprov/core';
import * as E from 'fp-ts/lib/Either.js';
import * as t from 'io-ts';
import { type BodyCodec, EmptyBody, objectBody } from '../../codecs.js';
import { answer, fail, ok, ReadinessAnswer } from '../../responses.js';
import type { RouteSpec } from '../../route.js';
import { A, type AdminRouteDeps, get, noContent, notFound, secretBody, str } from './kit.js';

/**
 * Clusters, their nodes and services, auto-registration, SIP ports, the
 * self-provisioning settings, the administrators' authentication code, enterprise
 * parameters, the credential policy and the readiness reports (steps 1, 2 and 6).
 */
export const clusterRoutes = (d: AdminRouteDeps): RouteSpec[] => {
  const { selfProvisioning, rm, query, command, byName, withCall } = d;
  const clusterParam = { clusterId: ClusterId };

  const readinessOf = async (clusterId: string) => {
    const items = await selfProvisioning.systemReadiness(clusterId)();
    return E.map((list: readonly { step: unknown; code: string; message: string; fix: string }[]) => ({
      clusterId,
      ready: list.length === 0,
      items: list,
    }))(items);
  };

  return [
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
        withCall(ctx, 'setAuthenticationCode', (call) =>
          noContent(
            d.deps.backend.adminCredentials.setAuthenticationCode({ clusterId: str(ctx, 'clusterId'), code: String(ctx.body.code) }, call),
          ),
        ),
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
  ];
};
