import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { foldEvents } from '../../kernel/decider.js';
import { applicationUserDecider } from '../applicationUser/decider.js';
import type { ApplicationUserEvent } from '../applicationUser/events.js';
import { type ClusterState, clusterDecider } from '../cluster/decider.js';
import type { ClusterEvent } from '../cluster/events.js';
import { ctiRoutePointDecider } from '../ctiRoutePoint/decider.js';
import type { CtiRoutePointEvent } from '../ctiRoutePoint/events.js';
import { deviceTemplateDecider } from '../deviceTemplate/decider.js';
import type { DeviceTemplateEvent } from '../deviceTemplate/events.js';
import { lineTemplateDecider } from '../lineTemplate/decider.js';
import type { LineTemplateEvent } from '../lineTemplate/events.js';
import { dnInRange, type SystemReadinessInput, systemReadiness } from './systemReadiness.js';

// The demo configuration (packages/core/src/provisioning/selfProvisioning/demo.ts), built by folding real events.
const clusterId = 'demo';
const pub = 'cucm-pub';
const clusterEvents: ClusterEvent[] = [
  { type: 'ClusterCreated', data: { clusterId, name: 'Demo', publisher: pub } },
  { type: 'ServiceActivated', data: { clusterId, node: pub, service: 'selfProvisioningIvr' } },
  { type: 'ServiceActivated', data: { clusterId, node: pub, service: 'ctiManager' } },
  {
    type: 'AutoRegistrationConfigured',
    data: {
      clusterId,
      startDn: '1000',
      endDn: '1099',
      deviceTemplate: 'Standard Desk Phone',
      lineTemplate: 'Standard Line',
      routePartition: null,
      e164Mask: null,
    },
  },
  { type: 'AutoRegistrationEnabled', data: { clusterId } },
  {
    type: 'SelfProvisioningConfigured',
    data: {
      clusterId,
      authentication: 'secure-users-and-admins',
      languages: ['en_US', 'fr_FR'],
      ctiRoutePoint: 'SelfProvIVR',
      applicationUser: 'selfprov-ivr',
    },
  },
  { type: 'AuthenticationCodeChanged', data: { clusterId } },
];
const routePointEvents: CtiRoutePointEvent[] = [
  {
    type: 'CtiRoutePointCreated',
    data: { name: 'SelfProvIVR', clusterId, devicePool: 'Default', location: 'Hub_None', trustedRelayPoint: 'default' },
  },
  { type: 'CtiRoutePointLine1DnAssigned', data: { name: 'SelfProvIVR', clusterId, dn: '8000' } },
];
const appUserEvents: ApplicationUserEvent[] = [
  { type: 'ApplicationUserCreated', data: { userId: 'selfprov-ivr', clusterId, presenceGroup: 'Standard Presence group' } },
  { type: 'ControlledDeviceAssociated', data: { userId: 'selfprov-ivr', device: 'SelfProvIVR' } },
];
const udtEvents: DeviceTemplateEvent[] = [
  {
    type: 'DeviceTemplateCreated',
    data: {
      name: 'Standard Desk Phone',
      clusterId,
      fields: {
        deviceDescription: '#FirstName# #LastName# (#Product#)',
        devicePool: 'Default',
        deviceSecurityProfile: 'Model-independent Security Profile',
        sipProfile: 'Standard SIP Profile',
        phoneButtonTemplate: 'Universal Device Template Button Layout',
        speedDials: [{ index: 1, number: '8000', label: 'Self-provisioning' }],
        busyLampFields: [],
        doNotDisturb: false,
        dndOption: 'use-common-profile',
        extensionMobility: false,
        callingSearchSpace: null,
        commonPhoneProfile: null,
        commonDeviceConfiguration: null,
        softkeyTemplate: null,
        featureControlPolicy: null,
        location: null,
        userLocale: null,
        idleUrl: null,
        servicesUrl: null,
      },
    },
  },
];
const none = { destination: null, callingSearchSpace: null };
const ultEvents: LineTemplateEvent[] = [
  {
    type: 'LineTemplateCreated',
    data: {
      name: 'Standard Line',
      clusterId,
      fields: {
        autoAnswer: 'off',
        forwardAll: { ...none, secondaryCallingSearchSpace: null },
        forwardBusy: { internal: none, external: none },
        forwardNoAnswer: { internal: none, external: none },
        forwardNoCoverage: { internal: none, external: none },
        forwardUnregistered: { internal: none, external: none },
        routePartition: null,
        lineDescription: '#FirstName# #LastName#',
        alertingName: null,
        voicemailProfile: null,
        callingSearchSpace: null,
        callPickupGroup: null,
        noAnswerRingDuration: null,
        enterpriseAltNumberMask: null,
        e164AltNumberMask: null,
      },
    },
  },
];

const ready = (): Required<{ [K in keyof SystemReadinessInput]: NonNullable<SystemReadinessInput[K]> }> => ({
  cluster: foldEvents(clusterDecider, clusterEvents),
  routePoint: foldEvents(ctiRoutePointDecider, routePointEvents),
  applicationUser: foldEvents(applicationUserDecider, appUserEvents),
  deviceTemplate: foldEvents(deviceTemplateDecider, udtEvents),
  lineTemplate: foldEvents(lineTemplateDecider, ultEvents),
});
const withCluster = (...events: ClusterEvent[]): ClusterState => foldEvents(clusterDecider, events, ready().cluster);
const codes = (input: SystemReadinessInput) => systemReadiness(input).map((i) => `${i.step}:${i.code}`);

test('the demo configuration is ready: no unmet step', () => {
  assert.equal(systemReadiness(ready()), []);
});

test('nothing configured: every step is reported, in order, each with a message and a fix', () => {
  const items = systemReadiness({});
  assert.equal(
    items.map((i) => `${i.step}:${i.code}`),
    [
      '1:cluster_missing',
      '1:services_inactive',
      '2:autoregistration_disabled',
      '2:autoregistration_range_missing',
      '2:autoregistration_templates_missing',
      '3:cti_route_point_missing',
      '5:application_user_missing',
      '6:self_provisioning_settings_missing',
    ],
  );
  for (const i of items) assert.ok(i.message.length > 0 && i.fix.length > 0, i.code);
});

test('step 1: inactive services are named, with the Serviceability fix', () => {
  const cluster = withCluster({ type: 'ServiceDeactivated', data: { clusterId, node: pub, service: 'ctiManager' } });
  const [item, ...rest] = systemReadiness({ ...ready(), cluster });
  assert.equal(rest, []);
  assert.is(item?.code, 'services_inactive');
  assert.is(item?.step, 1);
  assert.match(item?.message ?? '', 'Cisco CTI Manager');
  assert.not.match(item?.message ?? '', 'Self Provisioning IVR');
  assert.match(item?.fix ?? '', 'Service Activation');
  const both = withCluster(
    { type: 'ServiceDeactivated', data: { clusterId, node: pub, service: 'ctiManager' } },
    { type: 'ServiceDeactivated', data: { clusterId, node: pub, service: 'selfProvisioningIvr' } },
  );
  assert.match(systemReadiness({ ...ready(), cluster: both })[0]?.message ?? '', /Self Provisioning IVR and Cisco CTI Manager/);
});

test('step 1: services running on a subscriber only do not count', () => {
  const cluster = foldEvents(clusterDecider, [
    ...clusterEvents.filter((e) => e.type !== 'ServiceActivated'),
    { type: 'NodeAdded', data: { clusterId, node: 'sub1' } },
    { type: 'ServiceActivated', data: { clusterId, node: 'sub1', service: 'ctiManager' } },
    { type: 'ServiceActivated', data: { clusterId, node: pub, service: 'selfProvisioningIvr' } },
  ]);
  assert.equal(codes({ ...ready(), cluster }), ['1:services_inactive']);
});

test('step 1: changed IVR settings waiting for a restart', () => {
  const cluster = withCluster({ type: 'IvrRestartRequired', data: { clusterId, node: pub } });
  const items = systemReadiness({ ...ready(), cluster });
  assert.equal(
    items.map((i) => i.code),
    ['ivr_restart_required'],
  );
  assert.match(items[0]?.fix ?? '', 'RestartIvrService');
});

test('step 2: auto-registration disabled (its settings kept)', () => {
  assert.equal(codes({ ...ready(), cluster: withCluster({ type: 'AutoRegistrationDisabled', data: { clusterId } }) }), [
    '2:autoregistration_disabled',
  ]);
});

test('step 2: no range or no templates', () => {
  const cluster = foldEvents(clusterDecider, [
    clusterEvents[0],
    clusterEvents[1],
    clusterEvents[2],
    clusterEvents[5],
    clusterEvents[6],
  ] as ClusterEvent[]);
  assert.equal(codes({ ...ready(), cluster }), [
    '2:autoregistration_disabled',
    '2:autoregistration_range_missing',
    '2:autoregistration_templates_missing',
  ]);
  const noUlt = withCluster({
    type: 'AutoRegistrationConfigured',
    data: {
      clusterId,
      startDn: '1000',
      endDn: '1099',
      deviceTemplate: 'Standard Desk Phone',
      lineTemplate: null,
      routePartition: null,
      e164Mask: null,
    },
  });
  const items = systemReadiness({ ...ready(), cluster: noUlt });
  assert.equal(
    items.map((i) => i.code),
    ['autoregistration_templates_missing'],
  );
  assert.match(items[0]?.message ?? '', 'no universal line template');
});

test('step 2: the templates named by auto-registration must exist in this cluster', () => {
  assert.equal(codes({ ...ready(), deviceTemplate: undefined }), ['2:autoregistration_device_template_not_found']);
  assert.equal(codes({ ...ready(), lineTemplate: undefined }), ['2:autoregistration_line_template_not_found']);
  const other = foldEvents(lineTemplateDecider, [
    { ...ultEvents[0], data: { ...ultEvents[0]?.data, clusterId: 'elsewhere' } } as LineTemplateEvent,
  ]);
  const items = systemReadiness({ ...ready(), lineTemplate: other });
  assert.equal(
    items.map((i) => i.code),
    ['autoregistration_line_template_not_found'],
  );
  assert.match(items[0]?.message ?? '', 'elsewhere');
  const renamed = foldEvents(deviceTemplateDecider, [
    { ...udtEvents[0], data: { ...udtEvents[0]?.data, name: 'Other UDT' } } as DeviceTemplateEvent,
  ]);
  assert.equal(codes({ ...ready(), deviceTemplate: renamed }), ['2:autoregistration_device_template_not_found']);
});

test('step 3: no route point, or one of another cluster', () => {
  const items = systemReadiness({ ...ready(), routePoint: undefined });
  assert.equal(
    items.map((i) => `${i.step}:${i.code}`),
    ['3:cti_route_point_missing'],
  );
  assert.match(items[0]?.message ?? '', 'SelfProvIVR');
  const foreign = foldEvents(ctiRoutePointDecider, [
    { ...routePointEvents[0], data: { ...routePointEvents[0]?.data, clusterId: 'elsewhere' } } as CtiRoutePointEvent,
    routePointEvents[1] as CtiRoutePointEvent,
  ]);
  assert.equal(codes({ ...ready(), routePoint: foreign }), ['3:cti_route_point_missing']);
});

test('step 4: the route point has no DN on line 1', () => {
  const routePoint = foldEvents(ctiRoutePointDecider, routePointEvents.slice(0, 1));
  const items = systemReadiness({ ...ready(), routePoint });
  assert.equal(
    items.map((i) => `${i.step}:${i.code}`),
    ['4:cti_route_point_dn_missing'],
  );
  assert.match(items[0]?.fix ?? '', 'Line [1] - Add a new DN');
});

test('step 4: the IVR extension must not lie in the auto-registration range', () => {
  const routePoint = foldEvents(ctiRoutePointDecider, [
    routePointEvents[0] as CtiRoutePointEvent,
    { type: 'CtiRoutePointLine1DnAssigned', data: { name: 'SelfProvIVR', clusterId, dn: '1050' } },
  ]);
  assert.equal(codes({ ...ready(), routePoint }), ['4:cti_route_point_dn_in_autoregistration_range']);
});

test('dnInRange compares numbers of the range length only', () => {
  assert.ok(dnInRange('1000', '1000', '1099'));
  assert.ok(dnInRange('1099', '1000', '1099'));
  assert.not.ok(dnInRange('1100', '1000', '1099'));
  assert.not.ok(dnInRange('10500', '1000', '1099'));
  assert.not.ok(dnInRange('1050', undefined, undefined));
});

test('step 5: no application user, or one not controlling the route point', () => {
  const items = systemReadiness({ ...ready(), applicationUser: undefined });
  assert.equal(
    items.map((i) => `${i.step}:${i.code}`),
    ['5:application_user_missing'],
  );
  assert.match(items[0]?.message ?? '', 'selfprov-ivr');
  const idle = foldEvents(applicationUserDecider, appUserEvents.slice(0, 1));
  assert.equal(codes({ ...ready(), applicationUser: idle }), ['5:application_user_not_controlling_route_point']);
});

test('step 6: settings never saved', () => {
  const cluster = foldEvents(
    clusterDecider,
    clusterEvents.filter((e) => e.type !== 'SelfProvisioningConfigured'),
  );
  assert.equal(codes({ ...ready(), cluster }), ['6:self_provisioning_settings_missing']);
});

test('step 6: settings naming another route point or application user', () => {
  const cluster = withCluster({
    type: 'SelfProvisioningConfigured',
    data: { clusterId, authentication: 'secure-users', languages: ['en_US'], ctiRoutePoint: 'OldIVR', applicationUser: 'old-ivr' },
  });
  assert.equal(codes({ ...ready(), cluster }), [
    '6:self_provisioning_route_point_mismatch',
    '6:self_provisioning_application_user_mismatch',
  ]);
});

test('step 6: administrators need an authentication code in secure-users-and-admins mode', () => {
  const cluster = foldEvents(
    clusterDecider,
    clusterEvents.filter((e) => e.type !== 'AuthenticationCodeChanged'),
  );
  assert.equal(codes({ ...ready(), cluster }), ['6:authentication_code_missing']);
  const usersOnly = foldEvents(clusterDecider, [
    ...clusterEvents.filter((e) => e.type !== 'AuthenticationCodeChanged'),
    {
      type: 'SelfProvisioningConfigured',
      data: {
        clusterId,
        authentication: 'secure-users',
        languages: ['en_US'],
        ctiRoutePoint: 'SelfProvIVR',
        applicationUser: 'selfprov-ivr',
      },
    },
  ]);
  assert.equal(systemReadiness({ ...ready(), cluster: usersOnly }), []);
});

test('several problems at once are all reported', () => {
  const routePoint = foldEvents(ctiRoutePointDecider, routePointEvents.slice(0, 1));
  const applicationUser = foldEvents(applicationUserDecider, appUserEvents.slice(0, 1));
  const cluster = withCluster(
    { type: 'AutoRegistrationDisabled', data: { clusterId } },
    { type: 'ServiceDeactivated', data: { clusterId, node: pub, service: 'selfProvisioningIvr' } },
  );
  assert.equal(codes({ ...ready(), cluster, routePoint, applicationUser }), [
    '1:services_inactive',
    '2:autoregistration_disabled',
    '4:cti_route_point_dn_missing',
    '5:application_user_not_controlling_route_point',
  ]);
});

test.run();
