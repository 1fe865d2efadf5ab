import type { ApplicationUserState } from '../applicationUser/decider.js';
import { type ClusterState, publisherOf } from '../cluster/decider.js';
import type { CtiRoutePointState } from '../ctiRoutePoint/decider.js';
import type { DeviceTemplateState } from '../deviceTemplate/decider.js';
import type { LineTemplateState } from '../lineTemplate/decider.js';

/** A step of the vendor's six-step task flow (docs/domain.md, "System readiness"), or `'user'` for a user-level prerequisite. */
export type ReadinessStep = 1 | 2 | 3 | 4 | 5 | 6 | 'user';

/** One unmet prerequisite: which step, a stable code, what is wrong, and what fixes it. */
export interface ReadinessItem {
  readonly step: ReadinessStep;
  readonly code: string;
  readonly message: string;
  /** The seed's procedure (or the user setting) that fixes it, with the selfprov command. */
  readonly fix: string;
}

/**
 * The configuration a self-provisioning request depends on, each state possibly
 * absent. Pass the route point and application user named by the cluster's
 * self-provisioning settings and the templates named by its auto-registration
 * settings (when the settings are missing, pass the ones being set up, if any).
 */
export interface SystemReadinessInput {
  readonly cluster?: ClusterState | undefined;
  readonly routePoint?: CtiRoutePointState | undefined;
  readonly applicationUser?: ApplicationUserState | undefined;
  readonly deviceTemplate?: DeviceTemplateState | undefined;
  readonly lineTemplate?: LineTemplateState | undefined;
}

/** The fixes, after the vendor's procedures (Cisco menu paths) and the selfprov command that does the same. */
export const readinessFixes = {
  cluster:
    'Create the cluster with its publisher node (System > Cisco Unified CM; selfprov: CreateCluster), then follow the six-step task flow.',
  services:
    'In Cisco Unified Serviceability choose Tools > Service Activation, select the publisher node, check Cisco CTI Manager and Self Provisioning IVR, and save (selfprov: ActivateService on the publisher).',
  restart:
    'Restart the Self Provisioning IVR service on the publisher so that it uses the saved settings (Cisco Unified Serviceability > Tools > Control Center - Feature Services; selfprov: RestartIvrService).',
  autoRegistration:
    'In Cisco Unified CM Administration choose System > Cisco Unified CM, open the publisher, select the universal device and line templates, enter the starting and ending directory numbers, uncheck "Auto-registration Disabled on this Cisco Unified Communications Manager", confirm the SIP ports and save (selfprov: ConfigureAutoRegistration, EnableAutoRegistration).',
  templates:
    'Create the universal device / line template in this cluster (User Management > User/Phone Add > Universal Device Template / Universal Line Template; selfprov: CreateDeviceTemplate, CreateLineTemplate), or select existing ones on the publisher (selfprov: ConfigureAutoRegistration).',
  routePoint:
    'Choose Device > CTI Route Points, click Add New, enter a unique device name, a device pool, a location and the trusted relay point setting, and save (selfprov: CreateCtiRoutePoint).',
  routePointDn:
    'Choose Device > CTI Route Point, select the self-provisioning route point, click Line [1] - Add a new DN, enter the extension users dial to reach the IVR, and save (selfprov: AssignCtiRoutePointLine1Dn).',
  routePointDnInRange:
    'Give the route point an IVR extension outside the auto-registration range, or move the range (selfprov: RemoveCtiRoutePointLine1Dn then AssignCtiRoutePointLine1Dn, or ConfigureAutoRegistration).',
  applicationUser:
    'Choose User > Application User, add (or find) the application user with a unique user id and a BLF presence group, and save (selfprov: CreateApplicationUser).',
  controlledDevice:
    'Choose User > Application User, select the IVR application user, move the CTI route point from Available Devices to Controlled Devices, and save (selfprov: AssociateControlledDevice).',
  settings:
    'Choose User Management > Self-Provisioning, choose the authentication mode and the IVR languages, select the CTI route point and the application user configured for self-provisioning, and save (selfprov: ConfigureSelfProvisioning).',
  authenticationCode:
    'Choose User Management > Self-Provisioning and enter an authentication code (digits, up to 20) for administrators, or choose "Allow authentication for end users only" (selfprov: set the code in the credential store, RecordAuthenticationCodeChanged).',
} as const;

const item = (step: ReadinessStep, code: string, message: string, fix: string): ReadinessItem => ({ step, code, message, fix });

/** Is `dn` inside [start, end]? Only numbers of the range's length can be in it (see checkDnRange). */
export const dnInRange = (dn: string, start: string | undefined, end: string | undefined): boolean =>
  start !== undefined && end !== undefined && dn.length === start.length && BigInt(dn) >= BigInt(start) && BigInt(dn) <= BigInt(end);

/** Why a referenced configuration object does not count: missing, or it belongs to another cluster. */
const unusable = (
  kind: string,
  wanted: string | undefined,
  found: { readonly exists: boolean; readonly clusterId: string } | undefined,
  foundName: string | undefined,
  clusterId: string,
): string | undefined => {
  if (found === undefined || !found.exists) return wanted === undefined ? `no ${kind} exists` : `${kind} ${wanted} does not exist`;
  if (clusterId !== '' && found.clusterId !== clusterId) return `${kind} ${foundName ?? ''} belongs to cluster ${found.clusterId}`;
  return undefined;
};

/** A template counts when it is the one named, exists and is in the cluster. */
const templateProblem = (
  kind: string,
  wanted: string,
  found: { readonly exists: boolean; readonly clusterId: string; readonly name: string } | undefined,
  clusterId: string,
): string | undefined =>
  found?.exists && found.name !== wanted ? `${kind} ${wanted} does not exist` : unusable(kind, wanted, found, found?.name, clusterId);

/**
 * Every unmet step of the six-step task flow (empty = the system is ready for
 * self-provisioning), in step order. Pure: the caller loads the states (e.g. from
 * the configuration read model). Codes:
 * 1 `cluster_missing`, `services_inactive`, `ivr_restart_required`;
 * 2 `autoregistration_disabled`, `autoregistration_range_missing`, `autoregistration_templates_missing`,
 *   `autoregistration_device_template_not_found`, `autoregistration_line_template_not_found`;
 * 3 `cti_route_point_missing`; 4 `cti_route_point_dn_missing`, `cti_route_point_dn_in_autoregistration_range`;
 * 5 `application_user_missing`, `application_user_not_controlling_route_point`;
 * 6 `self_provisioning_settings_missing`, `self_provisioning_route_point_mismatch`,
 *   `self_provisioning_application_user_mismatch`, `authentication_code_missing`.
 */
export const systemReadiness = (input: SystemReadinessInput): ReadinessItem[] => {
  const items: ReadinessItem[] = [];
  const cluster = input.cluster?.exists ? input.cluster : undefined;
  const clusterId = cluster?.clusterId ?? '';
  const settings = cluster?.selfProvisioning;
  const auto = cluster?.autoRegistration;

  // Step 1: services on the publisher.
  if (!cluster) items.push(item(1, 'cluster_missing', 'No cluster is configured.', readinessFixes.cluster));
  const services = cluster ? publisherOf(cluster)?.services : undefined;
  const inactive = [
    ...(services?.selfProvisioningIvr ? [] : ['Self Provisioning IVR']),
    ...(services?.ctiManager ? [] : ['Cisco CTI Manager']),
  ];
  if (inactive.length > 0)
    items.push(item(1, 'services_inactive', `Not active on the publisher: ${inactive.join(' and ')}.`, readinessFixes.services));
  if (cluster?.ivrRestartRequired)
    items.push(
      item(
        1,
        'ivr_restart_required',
        'The self-provisioning settings changed since the IVR service started; it still uses the old ones.',
        readinessFixes.restart,
      ),
    );

  // Step 2: auto-registration on the publisher.
  if (!auto?.enabled)
    items.push(item(2, 'autoregistration_disabled', 'Auto-registration is disabled on the publisher.', readinessFixes.autoRegistration));
  if (auto?.startDn === undefined || auto.endDn === undefined)
    items.push(
      item(2, 'autoregistration_range_missing', 'No auto-registration directory number range is set.', readinessFixes.autoRegistration),
    );
  const missingTemplates = [
    ...(auto?.deviceTemplate === undefined ? ['universal device template'] : []),
    ...(auto?.lineTemplate === undefined ? ['universal line template'] : []),
  ];
  if (missingTemplates.length > 0)
    items.push(
      item(
        2,
        'autoregistration_templates_missing',
        `Auto-registration has no ${missingTemplates.join(' and no ')}.`,
        readinessFixes.autoRegistration,
      ),
    );
  if (auto?.deviceTemplate !== undefined) {
    const why = templateProblem('universal device template', auto.deviceTemplate, input.deviceTemplate, clusterId);
    if (why) items.push(item(2, 'autoregistration_device_template_not_found', `Auto-registration's ${why}.`, readinessFixes.templates));
  }
  if (auto?.lineTemplate !== undefined) {
    const why = templateProblem('universal line template', auto.lineTemplate, input.lineTemplate, clusterId);
    if (why) items.push(item(2, 'autoregistration_line_template_not_found', `Auto-registration's ${why}.`, readinessFixes.templates));
  }

  // Step 3: the route point given (a different name than the settings' is reported at step 6).
  const routePointProblem = unusable('CTI route point', settings?.ctiRoutePoint, input.routePoint, input.routePoint?.name, clusterId);
  const routePoint = routePointProblem === undefined ? input.routePoint : undefined;
  if (routePointProblem)
    items.push(item(3, 'cti_route_point_missing', `The self-provisioning ${routePointProblem}.`, readinessFixes.routePoint));

  // Step 4: its line 1 DN, outside the auto-registration range.
  if (routePoint && routePoint.line1Dn === undefined)
    items.push(
      item(
        4,
        'cti_route_point_dn_missing',
        `CTI route point ${routePoint.name} has no directory number on line 1.`,
        readinessFixes.routePointDn,
      ),
    );
  if (routePoint?.line1Dn !== undefined && dnInRange(routePoint.line1Dn, auto?.startDn, auto?.endDn))
    items.push(
      item(
        4,
        'cti_route_point_dn_in_autoregistration_range',
        `The IVR extension ${routePoint.line1Dn} lies in the auto-registration range ${auto?.startDn}-${auto?.endDn}.`,
        readinessFixes.routePointDnInRange,
      ),
    );

  // Step 5: the application user controlling the route point.
  const userProblem = unusable(
    'application user',
    settings?.applicationUser,
    input.applicationUser,
    input.applicationUser?.userId,
    clusterId,
  );
  const appUser = userProblem === undefined ? input.applicationUser : undefined;
  if (userProblem) items.push(item(5, 'application_user_missing', `The self-provisioning ${userProblem}.`, readinessFixes.applicationUser));
  if (appUser && routePoint && !appUser.controlledDevices.includes(routePoint.name))
    items.push(
      item(
        5,
        'application_user_not_controlling_route_point',
        `Application user ${appUser.userId} does not control CTI route point ${routePoint.name}.`,
        readinessFixes.controlledDevice,
      ),
    );

  // Step 6: the system's self-provisioning settings.
  if (!settings)
    items.push(item(6, 'self_provisioning_settings_missing', 'The self-provisioning settings were never saved.', readinessFixes.settings));
  if (settings && input.routePoint?.exists && input.routePoint.name !== settings.ctiRoutePoint)
    items.push(
      item(
        6,
        'self_provisioning_route_point_mismatch',
        `The self-provisioning settings name CTI route point ${settings.ctiRoutePoint}, not ${input.routePoint.name}.`,
        readinessFixes.settings,
      ),
    );
  if (settings && input.applicationUser?.exists && input.applicationUser.userId !== settings.applicationUser)
    items.push(
      item(
        6,
        'self_provisioning_application_user_mismatch',
        `The self-provisioning settings name application user ${settings.applicationUser}, not ${input.applicationUser.userId}.`,
        readinessFixes.settings,
      ),
    );
  if (settings?.authentication === 'secure-users-and-admins' && !cluster?.authenticationCodeSet)
    items.push(
      item(
        6,
        'authentication_code_missing',
        'Administrators authenticate with the authentication code, but none is set.',
        readinessFixes.authenticationCode,
      ),
    );
  return items;
};
