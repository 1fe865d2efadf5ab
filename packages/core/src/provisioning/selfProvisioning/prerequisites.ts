import { type DomainError, domainError } from '../../kernel/errors.js';
import type { ApplicationUserState } from '../applicationUser/decider.js';
import type { ClusterState } from '../cluster/decider.js';
import type { CtiRoutePointState } from '../ctiRoutePoint/decider.js';
import { systemReadiness } from '../readiness/systemReadiness.js';
import type { AuthenticationMethod } from './codecs.js';

/**
 * System prerequisites of a self-provisioning request (the vendor's six steps, docs/domain.md "System readiness"),
 * checked on the streams loaded for the decision with the system readiness
 * report, so a refusal and the report agree on the code: a request succeeds only
 * when all six hold.
 */

type Mode = NonNullable<ClusterState['selfProvisioning']>['authentication'];

/** The authentication methods each mode accepts. `none` only in non-secure mode. */
export const allowedAuthenticationMethods: Readonly<Record<Mode, readonly AuthenticationMethod[]>> = {
  'non-secure': ['none', 'pin', 'password', 'authentication-code'],
  'secure-users': ['pin', 'password'],
  'secure-users-and-admins': ['pin', 'password', 'authentication-code'],
};

/**
 * The readiness codes that block a provisioning request (the others are warnings
 * for it: an IVR still running on old settings, the IVR extension inside the
 * auto-registration range, auto-registration templates, a missing authentication
 * code, which the IVR's verification catches before the domain is asked).
 */
export const blockingReadinessCodes: ReadonlySet<string> = new Set([
  'services_inactive',
  'autoregistration_disabled',
  'cti_route_point_missing',
  'cti_route_point_dn_missing',
  'application_user_missing',
  'application_user_not_controlling_route_point',
  'self_provisioning_settings_missing',
  'self_provisioning_route_point_mismatch',
  'self_provisioning_application_user_mismatch',
]);

export interface SystemView {
  readonly cluster: ClusterState | undefined;
  /** The route point and application user the cluster's self-provisioning settings name. */
  readonly routePoint: CtiRoutePointState | undefined;
  readonly applicationUser: ApplicationUserState | undefined;
}

/**
 * The first unmet system prerequisite for a request on `clusterId`, if any, with
 * the code, message and fix of the system readiness report (`details.step`, `details.fix`).
 * An unknown cluster is an input error: `cluster_not_found` naming `clusterId`.
 */
export const systemRefusal = (clusterId: string, view: SystemView): DomainError | undefined => {
  const { cluster, routePoint, applicationUser } = view;
  if (cluster === undefined || !cluster.exists)
    return domainError('cluster_not_found', `cluster ${JSON.stringify(clusterId)} does not exist`, { field: 'clusterId' });
  // Without saved settings no route point or application user is named: report the settings (step 6), not their absence.
  const consequences = cluster.selfProvisioning === undefined ? ['cti_route_point_missing', 'application_user_missing'] : [];
  const blocking = systemReadiness({ cluster, routePoint, applicationUser }).find(
    (i) => blockingReadinessCodes.has(i.code) && !consequences.includes(i.code),
  );
  return blocking === undefined
    ? undefined
    : domainError(blocking.code, blocking.message, { details: { step: blocking.step, fix: blocking.fix } });
};

/** Refuses an authentication method the cluster's mode does not accept. */
export const authenticationRefusal = (mode: Mode, method: AuthenticationMethod): DomainError | undefined => {
  const allowed = allowedAuthenticationMethods[mode];
  if (allowed.includes(method)) return undefined;
  return domainError(
    'authentication_method_not_allowed',
    `authentication by ${method} is not allowed in ${mode} mode (allowed: ${allowed.join(', ')})`,
    { field: 'authentication.method', details: { mode, allowed: [...allowed] } },
  );
};
