import * as E from 'fp-ts/lib/Either.js';
import type { LoadedStream, StreamDecision } from '../../kernel/command/handler.js';
import {
  type Decisions,
  decideOn,
  discoverStreams,
  loadedSource,
  type Reader,
  type StreamSource,
  stalePlan,
  type WorkflowCommand,
} from '../../kernel/command/workflow.js';
import { type DomainError, domainError } from '../../kernel/errors.js';
import { applicationUserDecider } from '../applicationUser/decider.js';
import { type ClusterState, clusterDecider } from '../cluster/decider.js';
import { ctiRoutePointDecider } from '../ctiRoutePoint/decider.js';
import { deviceTemplateDecider } from '../deviceTemplate/decider.js';
import { type DirectoryNumberState, directoryNumberDecider } from '../directoryNumber/decider.js';
import { type EndUserState, endUserDecider } from '../endUser/decider.js';
import { featureGroupTemplateDecider } from '../featureGroupTemplate/decider.js';
import { lineTemplateDecider } from '../lineTemplate/decider.js';
import { lineOneDn, type PhoneState, phoneDecider } from '../phone/decider.js';
import type { ClusterId, DeviceName, DirectoryNumber, UserId } from '../shared/codecs.js';
import { streams } from '../shared/streams.js';
import { userProfileDecider } from '../userProfile/decider.js';
import type { AuthenticationMethod } from './codecs.js';
import { authenticationRefusal, type SystemView, systemRefusal } from './prerequisites.js';
import { type PlanError, recorded, type WorkflowDeps } from './support.js';
import { type ConfigurationLookups, resolveUserSetup, type UserSetup, type UserSetupOptions } from './userReadiness.js';

/**
 * Planning helpers shared by `provisionPhone` and `replacePhone`: they read, through
 * a `Reader`, every stream a decision depends on (following references: cluster ->
 * route point and application user; user -> profile or feature group template ->
 * templates; phone -> previous owner and temporary DN).
 */

/** Configuration looked up through the reader (each lookup becomes a loaded, guarded stream). */
export const readerLookups = (r: Reader): ConfigurationLookups => ({
  userProfile: (name) => r.state(userProfileDecider, streams.userProfile(name)),
  featureGroupTemplate: (name) => r.state(featureGroupTemplateDecider, streams.featureGroupTemplate(name)),
  deviceTemplate: (name) => r.state(deviceTemplateDecider, streams.deviceTemplate(name)),
  lineTemplate: (name) => r.state(lineTemplateDecider, streams.lineTemplate(name)),
});

export interface SystemPlan extends SystemView {
  readonly cluster: ClusterState | undefined;
}

/** The cluster, and the route point and application user its self-provisioning settings name. */
export const planSystem = (r: Reader, clusterId: string): SystemPlan => {
  const cluster = r.state(clusterDecider, streams.cluster(clusterId));
  const settings = cluster?.exists ? cluster.selfProvisioning : undefined;
  return {
    cluster,
    routePoint: settings ? r.state(ctiRoutePointDecider, streams.ctiRoutePoint(settings.ctiRoutePoint)) : undefined,
    applicationUser: settings ? r.state(applicationUserDecider, streams.applicationUser(settings.applicationUser)) : undefined,
  };
};

/** Guards every configuration stream a decision read: a concurrent change to any of them forces a re-decision. */
export const guardConfiguration = (plan: Decisions, clusterId: string, system: SystemPlan, setup: UserSetup | undefined): void => {
  plan.guard(streams.cluster(clusterId));
  const settings = system.cluster?.selfProvisioning;
  if (settings) {
    plan.guard(streams.ctiRoutePoint(settings.ctiRoutePoint));
    plan.guard(streams.applicationUser(settings.applicationUser));
  }
  if (setup?.featureGroupTemplate) plan.guard(streams.featureGroupTemplate(setup.featureGroupTemplate.name));
  if (setup?.profileName !== undefined) plan.guard(streams.userProfile(setup.profileName));
  if (setup?.deviceTemplate) plan.guard(streams.deviceTemplate(setup.deviceTemplate.name));
  if (setup?.lineTemplate) plan.guard(streams.lineTemplate(setup.lineTemplate.name));
};

export interface UserPlan {
  readonly user: EndUserState | undefined;
  readonly setup: UserSetup | undefined;
  /** The reservation of the user's primary extension (held by the user's line once provisioned). */
  readonly userLineDn: DirectoryNumberState | undefined;
}

export const planUser = (r: Reader, clusterId: string, userId: string | undefined, options?: UserSetupOptions): UserPlan => {
  const user = userId === undefined ? undefined : r.state(endUserDecider, streams.user(userId));
  const setup = user?.exists ? resolveUserSetup(user, readerLookups(r), options) : undefined;
  const userLineDn =
    user?.exists && user.primaryExtension !== undefined
      ? r.state(directoryNumberDecider, streams.directoryNumber(clusterId, user.primaryExtension))
      : undefined;
  return { user, setup, userLineDn };
};

export interface PhonePlan {
  readonly phone: PhoneState | undefined;
  /** The temporary auto-registration DN's reservation, while the phone is auto-registered. */
  readonly temporaryDn: { readonly dn: string; readonly state: DirectoryNumberState | undefined } | undefined;
}

export const planPhone = (r: Reader, deviceName: string): PhonePlan => {
  const phone = r.state(phoneDecider, streams.phone(deviceName));
  const dn = phone?.exists && phone.state === 'autoregistered' ? lineOneDn(phone) : undefined;
  return {
    phone,
    temporaryDn:
      phone && dn !== undefined ? { dn, state: r.state(directoryNumberDecider, streams.directoryNumber(phone.clusterId, dn)) } : undefined,
  };
};

/** How the request named the user, resolved through the users read model. */
export type Identity =
  | { readonly kind: 'user'; readonly userId: string }
  | { readonly kind: 'unknown' }
  | { readonly kind: 'ambiguous'; readonly count: number };

export const identityOf = (matches: readonly { readonly userId: string }[]): Identity => {
  const [only] = matches;
  if (matches.length === 1 && only !== undefined) return { kind: 'user', userId: only.userId };
  return matches.length === 0 ? { kind: 'unknown' } : { kind: 'ambiguous', count: matches.length };
};

/**
 * The multi-stream command of a workflow that names its user through a read
 * model: each attempt catches the read models up, resolves the identity, and
 * discovers the streams the planner reads; the decision re-plans over the loaded
 * streams and answers `stale` (so the handler retries) when one is missing.
 */
export const identityCommand = <P extends { readonly missing: ReadonlySet<string> }>(
  deps: WorkflowDeps,
  resolveIdentity: () => Identity,
  plan: (identity: Identity, source: StreamSource) => P,
  decide: (identity: Identity, p: P, loaded: ReadonlyMap<string, LoadedStream>) => E.Either<PlanError, readonly StreamDecision[]>,
): WorkflowCommand<DomainError> => {
  let identity: Identity = { kind: 'unknown' };
  return {
    streams: () => async () => {
      const caught = await deps.readModels.catchUp()();
      if (E.isLeft(caught)) return caught;
      identity = resolveIdentity();
      return discoverStreams(deps.store, (source) => plan(identity, source))();
    },
    decide: (loaded) => {
      const p = plan(identity, loadedSource(loaded));
      if (p.missing.size > 0) return E.left(stalePlan(`not loaded: ${[...p.missing].join(', ')}`));
      return decide(identity, p, loaded);
    },
  };
};

/**
 * The first checks of both workflows, in order: the system prerequisites, then
 * the authentication method against the cluster's mode. Answers the cluster.
 */
export const checkSystemAndAuthentication = (
  clusterId: string,
  system: SystemPlan,
  method: AuthenticationMethod,
): E.Either<PlanError, ClusterState> => {
  const refusal = systemRefusal(clusterId, system);
  if (refusal) return E.left(refusal);
  const cluster = system.cluster;
  const mode = cluster?.selfProvisioning?.authentication;
  if (cluster === undefined || mode === undefined) return E.left(stalePlan('cluster settings vanished'));
  const auth = authenticationRefusal(mode, method);
  return auth ? E.left(auth) : E.right(cluster);
};

/** The phone the request names, if it exists in the cluster; `phone_not_found` on `deviceName` otherwise. */
export const phoneInCluster = (phone: PhonePlan, clusterId: string, deviceName: string): E.Either<PlanError, PhoneState> => {
  const state = phone.phone;
  if (state === undefined || !state.exists || state.clusterId !== clusterId)
    return E.left(
      domainError('phone_not_found', `phone ${deviceName} is not registered in cluster ${JSON.stringify(clusterId)}`, {
        field: 'deviceName',
      }),
    );
  return E.right(state);
};

/** Gives the phone's temporary auto-registration DN back to the pool, when the phone still holds one. */
export const releaseTemporaryDn = (
  plan: Decisions,
  loaded: ReadonlyMap<string, LoadedStream>,
  phone: PhonePlan,
  phoneClusterId: string,
  deviceName: string,
): E.Either<PlanError, unknown> => {
  const temporary = phone.temporaryDn;
  if (temporary === undefined || temporary.state?.holder === undefined) return E.right(undefined);
  return decideOn(plan, loaded, directoryNumberDecider, streams.directoryNumber(phoneClusterId, temporary.dn), {
    type: 'ReleaseDirectoryNumber',
    clusterId: recorded<ClusterId>(phoneClusterId),
    directoryNumber: recorded<DirectoryNumber>(temporary.dn),
    holder: { kind: 'phone', deviceName: recorded<DeviceName>(deviceName) },
  });
};

/**
 * Reserves the user's primary extension for the user's line (`stale` when its
 * reservation was not loaded); `held` words the refusal when another line or
 * phone holds it.
 */
export const reserveUserLine = (
  plan: Decisions,
  loaded: ReadonlyMap<string, LoadedStream>,
  user: UserPlan,
  line: { readonly clusterId: ClusterId; readonly primaryExtension: string; readonly userId: string },
  held: (refusal: DomainError) => DomainError,
): E.Either<PlanError, unknown> => {
  if (user.userLineDn === undefined) return E.left(stalePlan('user line reservation not loaded'));
  const reserved = decideOn(plan, loaded, directoryNumberDecider, streams.directoryNumber(line.clusterId, line.primaryExtension), {
    type: 'ReserveDirectoryNumber',
    clusterId: line.clusterId,
    directoryNumber: recorded<DirectoryNumber>(line.primaryExtension),
    holder: { kind: 'user-line', userId: recorded<UserId>(line.userId) },
  });
  return E.isLeft(reserved) ? E.left(held(reserved.left)) : reserved;
};
