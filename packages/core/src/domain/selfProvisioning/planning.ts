import { applicationUserDecider } from '../applicationUser/decider.js';
import { type ClusterState, clusterDecider } from '../cluster/decider.js';
import { ctiRoutePointDecider } from '../ctiRoutePoint/decider.js';
import { deviceTemplateDecider } from '../deviceTemplate/decider.js';
import { type DirectoryNumberState, directoryNumberDecider } from '../directoryNumber/decider.js';
import { type EndUserState, endUserDecider } from '../endUser/decider.js';
import { featureGroupTemplateDecider } from '../featureGroupTemplate/decider.js';
import { lineTemplateDecider } from '../lineTemplate/decider.js';
import { lineOneDn, type PhoneState, phoneDecider } from '../phone/decider.js';
import { streams } from '../shared/streams.js';
import { userProfileDecider } from '../userProfile/decider.js';
import type { SystemView } from './prerequisites.js';
import type { Decisions, Reader } from './support.js';
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
