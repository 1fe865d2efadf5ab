import * as fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { defaultCredentialPolicy as DEFAULT_CREDENTIAL_POLICY } from '../../credentials/codecs.js';
import { handleCommand } from '../../kernel/command/handler.js';
import { foldEvents } from '../../kernel/decider.js';
import { createMemoryEventStore } from '../../kernel/eventstore/memory.js';
import { validateJson } from '../../kernel/json.js';
import { systemRuntime } from '../../kernel/runtime/ports.js';
import { deciderSpec } from '../../testkit/deciderSpec.js';
import { streams } from '../shared/streams.js';
import { MAX_AUTOREGISTRATION_RANGE } from './codecs.js';
import { type ClusterCommand, decodeClusterCommand } from './commands.js';
import { clusterDecider } from './decider.js';
import type { ClusterEvent } from './events.js';

const spec = deciderSpec(clusterDecider);
/** Commands as untrusted input: the decider validates them itself. */
const cmd = (c: Record<string, unknown>): ClusterCommand => c as unknown as ClusterCommand;
const clusterId = 'c1';

const created: ClusterEvent = { type: 'ClusterCreated', data: { clusterId, name: 'Main', publisher: 'pub.example.com' } };
const subscriberAdded: ClusterEvent = { type: 'NodeAdded', data: { clusterId, node: 'sub1.example.com' } };
const ivrOn: ClusterEvent = { type: 'ServiceActivated', data: { clusterId, node: 'pub.example.com', service: 'selfProvisioningIvr' } };
const range = (extra: Partial<Record<string, string | null>> = {}): ClusterEvent => ({
  type: 'AutoRegistrationConfigured',
  data: {
    clusterId,
    startDn: '1000',
    endDn: '1099',
    deviceTemplate: 'Standard Desk Phone',
    lineTemplate: 'Standard Line',
    routePartition: null,
    e164Mask: null,
    ...extra,
  },
});
const enabled: ClusterEvent = { type: 'AutoRegistrationEnabled', data: { clusterId } };
const settings = {
  authentication: 'secure-users-and-admins',
  languages: ['en_US', 'fr_FR'],
  ctiRoutePoint: 'SelfProvIVR',
  applicationUser: 'selfprov-ivr',
};
const spConfigured: ClusterEvent = { type: 'SelfProvisioningConfigured', data: { clusterId, ...settings } as never };

// --- creation and streams ---------------------------------------------------------

test('a cluster is created with its publisher and the vendor defaults', () => {
  spec
    .given([])
    .when(cmd({ type: 'CreateCluster', clusterId, name: 'Main', publisher: 'pub.example.com' }))
    .thenState((s) => {
      assert.ok(s.exists);
      assert.equal(s.nodes, [{ name: 'pub.example.com', publisher: true, services: { selfProvisioningIvr: false, ctiManager: false } }]);
      assert.equal(s.autoRegistration, { enabled: false, sipPorts: { udp: 5060, tcp: 5060, tls: 5061 } });
      assert.equal(s.enterpriseParameters, { legacyAutoRegistration: false, replacedPhone: 'keep' });
      assert.equal(s.credentialPolicy, DEFAULT_CREDENTIAL_POLICY);
      assert.is(s.selfProvisioning, undefined);
      assert.is(s.authenticationCodeSet, false);
    });
});

test('a cluster cannot be created twice', () => {
  spec
    .given([created])
    .when(cmd({ type: 'CreateCluster', clusterId, name: 'Other', publisher: 'p2' }))
    .thenError('cluster_already_exists', {
      field: 'clusterId',
    });
});

test('commands on a missing cluster are refused', () => {
  spec
    .given([])
    .when(cmd({ type: 'AddNode', clusterId, node: 'sub1' }))
    .thenError('cluster_not_found', { field: 'clusterId' });
  spec
    .given([])
    .when(cmd({ type: 'EnableAutoRegistration', clusterId }))
    .thenError('cluster_not_found');
});

test('a command naming another cluster than the stream is refused', () => {
  spec
    .given([created])
    .when(cmd({ type: 'AddNode', clusterId: 'c2', node: 'sub1' }))
    .thenError('wrong_stream', { field: 'clusterId' });
});

test('several clusters live side by side as distinct streams', async () => {
  const store = createMemoryEventStore();
  const deps = { store, runtime: systemRuntime() };
  const ctx = (commandId: string) => ({ commandId, actor: { kind: 'administrator' as const, id: 'admin' }, channel: 'admin-api' as const });
  const create = (id: string, n: string) =>
    handleCommand(
      deps,
      clusterDecider,
      streams.cluster(id),
      cmd({ type: 'CreateCluster', clusterId: id, name: id, publisher: 'pub' }),
      ctx(n),
    )();
  assert.ok(E.isRight(await create('paris', 'a')));
  assert.ok(E.isRight(await create('london', 'b')));
  const again = await create('paris', 'c');
  assert.ok(E.isLeft(again) && again.left.code === 'cluster_already_exists');
  const paris = await store.readStream(streams.cluster('paris'))();
  const london = await store.readStream(streams.cluster('london'))();
  assert.is(E.isRight(paris) && paris.right.events.length, 1);
  assert.is(
    E.isRight(london) && london.right.events[0]?.data && (london.right.events[0].data as { clusterId: string }).clusterId,
    'london',
  );
});

// --- nodes --------------------------------------------------------------------------

test('a subscriber node is added; a node name (case-insensitive) exists once', () => {
  spec
    .given([created])
    .when(cmd({ type: 'AddNode', clusterId, node: 'sub1.example.com' }))
    .thenEvents([subscriberAdded]);
  spec
    .given([created, subscriberAdded])
    .when(cmd({ type: 'AddNode', clusterId, node: 'SUB1.example.com' }))
    .thenError('node_already_exists', {
      field: 'node',
    });
  spec
    .given([created])
    .when(cmd({ type: 'AddNode', clusterId, node: 'pub.example.com' }))
    .thenError('node_already_exists');
});

test('added nodes are subscribers: the cluster keeps exactly one publisher', () => {
  spec
    .given([created])
    .when(cmd({ type: 'AddNode', clusterId, node: 'sub2' }))
    .thenState((s) => assert.is(s.nodes.filter((n) => n.publisher).length, 1));
});

test('a subscriber can be removed, the publisher cannot', () => {
  spec
    .given([created, subscriberAdded])
    .when(cmd({ type: 'RemoveNode', clusterId, node: 'sub1.example.com' }))
    .thenEvents([{ type: 'NodeRemoved', data: { clusterId, node: 'sub1.example.com' } }]);
  spec
    .given([created])
    .when(cmd({ type: 'RemoveNode', clusterId, node: 'pub.example.com' }))
    .thenError('publisher_required', { field: 'node' });
  spec
    .given([created])
    .when(cmd({ type: 'RemoveNode', clusterId, node: 'nowhere' }))
    .thenError('node_not_found', { field: 'node' });
});

// --- services -----------------------------------------------------------------------

test('the Self-Provisioning IVR is activated on the publisher only', () => {
  spec
    .given([created])
    .when(cmd({ type: 'ActivateService', clusterId, node: 'pub.example.com', service: 'selfProvisioningIvr' }))
    .thenEvents([ivrOn]);
  spec
    .given([created, subscriberAdded])
    .when(cmd({ type: 'ActivateService', clusterId, node: 'sub1.example.com', service: 'selfProvisioningIvr' }))
    .thenError('service_not_on_publisher', { field: 'node' });
});

test('CTI Manager can run on any node', () => {
  spec
    .given([created, subscriberAdded])
    .when(cmd({ type: 'ActivateService', clusterId, node: 'sub1.example.com', service: 'ctiManager' }))
    .thenState((s) => assert.is(s.nodes.find((n) => n.name === 'sub1.example.com')?.services.ctiManager, true));
});

test('activating an active service or deactivating an inactive one changes nothing', () => {
  spec
    .given([created, ivrOn])
    .when(cmd({ type: 'ActivateService', clusterId, node: 'pub.example.com', service: 'selfProvisioningIvr' }))
    .thenNothing();
  spec
    .given([created])
    .when(cmd({ type: 'DeactivateService', clusterId, node: 'pub.example.com', service: 'ctiManager' }))
    .thenNothing();
});

test('a service is deactivated', () => {
  spec
    .given([created, ivrOn])
    .when(cmd({ type: 'DeactivateService', clusterId, node: 'pub.example.com', service: 'selfProvisioningIvr' }))
    .thenState((s) => assert.is(s.nodes[0]?.services.selfProvisioningIvr, false));
});

test('services on an unknown node or an unknown service are refused', () => {
  spec
    .given([created])
    .when(cmd({ type: 'ActivateService', clusterId, node: 'ghost', service: 'ctiManager' }))
    .thenError('node_not_found');
  spec
    .given([created])
    .when(cmd({ type: 'DeactivateService', clusterId, node: 'ghost', service: 'ctiManager' }))
    .thenError('node_not_found');
  spec
    .given([created])
    .when(cmd({ type: 'ActivateService', clusterId, node: 'pub.example.com', service: 'tftp' }))
    .thenError('invalid_input', { field: 'service' });
});

// --- auto-registration --------------------------------------------------------------

test('auto-registration settings are configured on the publisher', () => {
  spec
    .given([created])
    .when(
      cmd({
        type: 'ConfigureAutoRegistration',
        clusterId,
        startDn: '1000',
        endDn: '1099',
        deviceTemplate: 'Standard Desk Phone',
        lineTemplate: 'Standard Line',
      }),
    )
    .thenEvents([range()]);
});

test('the same auto-registration settings again change nothing', () => {
  spec
    .given([created, range()])
    .when(
      cmd({
        type: 'ConfigureAutoRegistration',
        clusterId,
        startDn: '1000',
        endDn: '1099',
        deviceTemplate: 'Standard Desk Phone',
        lineTemplate: 'Standard Line',
      }),
    )
    .thenNothing();
});

test('enabling auto-registration needs a DN range', () => {
  spec
    .given([created])
    .when(cmd({ type: 'EnableAutoRegistration', clusterId }))
    .thenError('autoregistration_range_required', { field: 'startDn' });
});

test('enabling auto-registration needs both templates', () => {
  spec
    .given([created, range({ deviceTemplate: null })])
    .when(cmd({ type: 'EnableAutoRegistration', clusterId }))
    .thenError('autoregistration_templates_required', { field: 'deviceTemplate' });
  spec
    .given([created, range({ lineTemplate: null })])
    .when(cmd({ type: 'EnableAutoRegistration', clusterId }))
    .thenError('autoregistration_templates_required', { field: 'lineTemplate' });
});

test('auto-registration is enabled once its range and templates are set; enabling twice changes nothing', () => {
  spec
    .given([created, range()])
    .when(cmd({ type: 'EnableAutoRegistration', clusterId }))
    .thenEvents([enabled]);
  spec
    .given([created, range(), enabled])
    .when(cmd({ type: 'EnableAutoRegistration', clusterId }))
    .thenNothing();
});

test('while enabled, the templates cannot be removed', () => {
  spec
    .given([created, range(), enabled])
    .when(cmd({ type: 'ConfigureAutoRegistration', clusterId, startDn: '1000', endDn: '1099', lineTemplate: 'Standard Line' }))
    .thenError('autoregistration_templates_required', { field: 'deviceTemplate' });
  spec
    .given([created, range(), enabled])
    .when(cmd({ type: 'ConfigureAutoRegistration', clusterId, startDn: '1000', endDn: '1099', deviceTemplate: 'X' }))
    .thenError('autoregistration_templates_required', { field: 'lineTemplate' });
});

test('while enabled, the range can move when the templates stay', () => {
  spec
    .given([created, range(), enabled])
    .when(
      cmd({
        type: 'ConfigureAutoRegistration',
        clusterId,
        startDn: '3000',
        endDn: '3999',
        deviceTemplate: 'Standard Desk Phone',
        lineTemplate: 'Standard Line',
      }),
    )
    .thenState((s) => {
      assert.is(s.autoRegistration.enabled, true);
      assert.is(s.autoRegistration.startDn, '3000');
      assert.is(s.autoRegistration.endDn, '3999');
    });
});

test('disabling auto-registration keeps its settings; disabling twice changes nothing', () => {
  spec
    .given([created, range(), enabled])
    .when(cmd({ type: 'DisableAutoRegistration', clusterId }))
    .thenState((s) => {
      assert.is(s.autoRegistration.enabled, false);
      assert.is(s.autoRegistration.startDn, '1000');
      assert.is(s.autoRegistration.deviceTemplate, 'Standard Desk Phone');
    });
  spec
    .given([created, range()])
    .when(cmd({ type: 'DisableAutoRegistration', clusterId }))
    .thenNothing();
});

test('route partition and E.164 mask are kept; a bad mask names its field', () => {
  spec
    .given([created])
    .when(
      cmd({
        type: 'ConfigureAutoRegistration',
        clusterId,
        startDn: '1000',
        endDn: '1099',
        routePartition: 'Internal',
        e164Mask: '+3314455XXXX',
      }),
    )
    .thenState((s) => {
      assert.is(s.autoRegistration.routePartition, 'Internal');
      assert.is(s.autoRegistration.e164Mask, '+3314455XXXX');
      assert.is(s.autoRegistration.deviceTemplate, undefined);
    });
  spec
    .given([created])
    .when(cmd({ type: 'ConfigureAutoRegistration', clusterId, startDn: '1000', endDn: '1099', e164Mask: '33-1-44' }))
    .thenError('invalid_input', { field: 'e164Mask' });
});

const autoreg = (startDn: unknown, endDn: unknown) => cmd({ type: 'ConfigureAutoRegistration', clusterId, startDn, endDn });

test('DN range: non-digits, unicode digits, signs and empty strings are refused, naming the field', () => {
  spec.given([created]).when(autoreg('10a0', '1099')).thenError('invalid_input', { field: 'startDn' });
  spec.given([created]).when(autoreg('100', '١٢٣')).thenError('invalid_input', { field: 'endDn' });
  spec.given([created]).when(autoreg('+100', '199')).thenError('invalid_input', { field: 'startDn' });
  spec.given([created]).when(autoreg('', '199')).thenError('invalid_input', { field: 'startDn' });
  spec.given([created]).when(autoreg(1000, '1099')).thenError('invalid_input', { field: 'startDn' });
});

test('DN range: start after end is refused', () => {
  spec.given([created]).when(autoreg('1099', '1000')).thenError('dn_range_invalid', { field: 'startDn' });
});

test('DN range: both ends have the same number of digits', () => {
  spec.given([created]).when(autoreg('999', '1000')).thenError('dn_range_invalid', { field: 'endDn' });
  spec
    .given([created])
    .when(autoreg('0100', '0199'))
    .thenState((s) => assert.is(s.autoRegistration.startDn, '0100'));
});

test('DN range: a single number is a valid range', () => {
  spec
    .given([created])
    .when(autoreg('5000', '5000'))
    .thenMatches((events) => assert.is(events.length, 1));
});

test('DN range: at most MAX_AUTOREGISTRATION_RANGE numbers', () => {
  spec
    .given([created])
    .when(autoreg('10000', '19999'))
    .thenMatches((events) => assert.is(events.length, 1));
  assert.is(MAX_AUTOREGISTRATION_RANGE, 10_000);
  spec.given([created]).when(autoreg('10000', '20000')).thenError('dn_range_too_large', { field: 'endDn' });
});

test('DN range: 24-digit numbers compare exactly (beyond a double)', () => {
  spec.given([created]).when(autoreg('100000000000000000000001', '100000000000000000000000')).thenError('dn_range_invalid');
  spec
    .given([created])
    .when(autoreg('100000000000000000000000', '100000000000000000000999'))
    .thenMatches((e) => assert.is(e.length, 1));
});

test('property: a same-length digit range is accepted iff start <= end and it holds at most 10000 numbers', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 8 }), fc.nat(), fc.nat(), (len, a, b) => {
      const max = 10 ** len;
      const start = String(a % max).padStart(len, '0');
      const end = String(b % max).padStart(len, '0');
      const r = decodeClusterCommand(autoreg(start, end));
      const s = a % max;
      const e = b % max;
      const expected = s <= e && e - s + 1 <= MAX_AUTOREGISTRATION_RANGE;
      assert.is(E.isRight(r), expected, `${start}..${end}`);
    }),
  );
});

// --- SIP ports ----------------------------------------------------------------------

test('SIP ports default to 5060/5060/5061 and can be changed', () => {
  spec
    .given([created])
    .when(cmd({ type: 'SetSipPorts', clusterId, udp: 5070, tcp: 5070, tls: 5071 }))
    .thenEvents([{ type: 'SipPortsSet', data: { clusterId, udp: 5070, tcp: 5070, tls: 5071 } }]);
  spec
    .given([created])
    .when(cmd({ type: 'SetSipPorts', clusterId, udp: 5060, tcp: 5060, tls: 5061 }))
    .thenNothing();
});

test('SIP ports: out of range, fractional or textual ports name the field', () => {
  spec
    .given([created])
    .when(cmd({ type: 'SetSipPorts', clusterId, udp: 0, tcp: 5060, tls: 5061 }))
    .thenError('invalid_input', { field: 'udp' });
  spec
    .given([created])
    .when(cmd({ type: 'SetSipPorts', clusterId, udp: 5060, tcp: 5060.5, tls: 5061 }))
    .thenError('invalid_input', { field: 'tcp' });
  spec
    .given([created])
    .when(cmd({ type: 'SetSipPorts', clusterId, udp: 5060, tcp: 5060, tls: 65536 }))
    .thenError('invalid_input', { field: 'tls' });
  spec
    .given([created])
    .when(cmd({ type: 'SetSipPorts', clusterId, udp: '5060', tcp: 5060, tls: 5061 }))
    .thenError('invalid_input', { field: 'udp' });
});

test('SIP ports: TLS and TCP cannot share a port', () => {
  spec
    .given([created])
    .when(cmd({ type: 'SetSipPorts', clusterId, udp: 5060, tcp: 5060, tls: 5060 }))
    .thenError('sip_ports_conflict', { field: 'tls' });
});

// --- self-provisioning settings -----------------------------------------------------

test('self-provisioning settings default to non-secure and English (United States)', () => {
  spec
    .given([created])
    .when(cmd({ type: 'ConfigureSelfProvisioning', clusterId, ctiRoutePoint: 'SelfProvIVR', applicationUser: 'selfprov-ivr' }))
    .thenState((s) =>
      assert.equal(s.selfProvisioning, {
        authentication: 'non-secure',
        languages: ['en_US'],
        ctiRoutePoint: 'SelfProvIVR',
        applicationUser: 'selfprov-ivr',
      }),
    );
});

test('self-provisioning settings keep the languages in priority order', () => {
  spec
    .given([created])
    .when(cmd({ type: 'ConfigureSelfProvisioning', clusterId, ...settings }))
    .thenEvents([spConfigured]);
  spec
    .given([created])
    .when(cmd({ type: 'ConfigureSelfProvisioning', clusterId, ...settings, languages: ['fr_FR', 'en_US'] }))
    .thenState((s) => assert.equal(s.selfProvisioning?.languages, ['fr_FR', 'en_US']));
});

test('the same self-provisioning settings again change nothing', () => {
  spec
    .given([created, spConfigured])
    .when(cmd({ type: 'ConfigureSelfProvisioning', clusterId, ...settings }))
    .thenNothing();
});

test('IVR languages: at most 9, known locales, no repeats, not empty', () => {
  const ten = ['en_US', 'en_GB', 'fr_FR', 'fr_CA', 'de_DE', 'es_ES', 'it_IT', 'nl_NL', 'pt_PT', 'pt_BR'];
  const sp = (languages: unknown) => cmd({ type: 'ConfigureSelfProvisioning', clusterId, ...settings, languages });
  spec
    .given([created])
    .when(sp(ten.slice(0, 9)))
    .thenMatches((e) => assert.is(e.length, 1));
  spec.given([created]).when(sp(ten)).thenError('invalid_input', { field: 'languages' });
  spec
    .given([created])
    .when(sp(['en_US', 'xx_XX']))
    .thenError('invalid_input', { field: 'languages[1]' });
  spec
    .given([created])
    .when(sp(['en_US', 'en_US']))
    .thenError('invalid_input', { field: 'languages' });
  spec.given([created]).when(sp([])).thenError('invalid_input', { field: 'languages' });
  spec.given([created]).when(sp('en_US')).thenError('invalid_input', { field: 'languages' });
});

test('self-provisioning settings: bad authentication mode, route point or application user name the field', () => {
  const sp = (extra: Record<string, unknown>) => cmd({ type: 'ConfigureSelfProvisioning', clusterId, ...settings, ...extra });
  spec
    .given([created])
    .when(sp({ authentication: 'secure' }))
    .thenError('invalid_input', { field: 'authentication' });
  spec
    .given([created])
    .when(sp({ ctiRoutePoint: 'Self Prov IVR' }))
    .thenError('invalid_input', { field: 'ctiRoutePoint' });
  spec
    .given([created])
    .when(sp({ applicationUser: '' }))
    .thenError('invalid_input', { field: 'applicationUser' });
});

test('changing IVR settings while the IVR runs records that it needs a restart', () => {
  spec
    .given([created, ivrOn])
    .when(cmd({ type: 'ConfigureSelfProvisioning', clusterId, ...settings }))
    .thenEvents([spConfigured, { type: 'IvrRestartRequired', data: { clusterId, node: 'pub.example.com' } }]);
  spec
    .given([created, ivrOn, spConfigured, { type: 'IvrRestartRequired', data: { clusterId, node: 'pub.example.com' } }])
    .when(cmd({ type: 'ConfigureSelfProvisioning', clusterId, ...settings, languages: ['fr_FR'] }))
    .thenMatches((events) =>
      assert.equal(
        events.map((e) => e.type),
        ['SelfProvisioningConfigured'],
      ),
    );
});

test('changing IVR settings while the IVR is stopped needs no restart', () => {
  spec
    .given([created])
    .when(cmd({ type: 'ConfigureSelfProvisioning', clusterId, ...settings }))
    .thenState((s) => assert.is(s.ivrRestartRequired, false));
});

test('restarting the IVR clears the pending restart; it must be active', () => {
  const pending: ClusterEvent = { type: 'IvrRestartRequired', data: { clusterId, node: 'pub.example.com' } };
  spec
    .given([created, ivrOn, spConfigured, pending])
    .when(cmd({ type: 'RestartIvrService', clusterId }))
    .thenState((s) => assert.is(s.ivrRestartRequired, false));
  spec
    .given([created])
    .when(cmd({ type: 'RestartIvrService', clusterId }))
    .thenError('service_inactive');
  // Stopping the IVR also drops the pending restart: it starts with the current settings.
  spec
    .given([created, ivrOn, spConfigured, pending])
    .when(cmd({ type: 'DeactivateService', clusterId, node: 'pub.example.com', service: 'selfProvisioningIvr' }))
    .thenState((s) => assert.is(s.ivrRestartRequired, false));
});

// --- authentication code, enterprise parameters, credential policy --------------------

test('the authentication code change is recorded without the code', () => {
  spec
    .given([created])
    .when(cmd({ type: 'RecordAuthenticationCodeChanged', clusterId, code: '4242' }))
    .thenMatches((events) => {
      assert.equal(events, [{ type: 'AuthenticationCodeChanged', data: { clusterId } }]);
      assert.not.ok(JSON.stringify(events).includes('4242'));
    });
  spec
    .given([created, { type: 'AuthenticationCodeChanged', data: { clusterId } }])
    .when(cmd({ type: 'RecordAuthenticationCodeChanged', clusterId }))
    .thenState((s) => assert.is(s.authenticationCodeSet, true));
});

test('enterprise parameters: only the given ones change; the same values change nothing', () => {
  spec
    .given([created])
    .when(cmd({ type: 'SetEnterpriseParameters', clusterId, replacedPhone: 'delete' }))
    .thenEvents([{ type: 'EnterpriseParametersSet', data: { clusterId, legacyAutoRegistration: false, replacedPhone: 'delete' } }]);
  spec
    .given([created, { type: 'EnterpriseParametersSet', data: { clusterId, legacyAutoRegistration: false, replacedPhone: 'delete' } }])
    .when(cmd({ type: 'SetEnterpriseParameters', clusterId, legacyAutoRegistration: true }))
    .thenState((s) => assert.equal(s.enterpriseParameters, { legacyAutoRegistration: true, replacedPhone: 'delete' }));
  spec
    .given([created])
    .when(cmd({ type: 'SetEnterpriseParameters', clusterId, replacedPhone: 'keep' }))
    .thenNothing();
  spec
    .given([created])
    .when(cmd({ type: 'SetEnterpriseParameters', clusterId, replacedPhone: 'archive' }))
    .thenError('invalid_input', {
      field: 'replacedPhone',
    });
});

test('credential policy: updated field by field, the event holds the whole policy', () => {
  spec
    .given([created])
    .when(cmd({ type: 'UpdateCredentialPolicy', clusterId, policy: { lockoutThreshold: 5, lockoutDurationMinutes: 0 } }))
    .thenEvents([
      {
        type: 'CredentialPolicySet',
        data: { clusterId, policy: { ...DEFAULT_CREDENTIAL_POLICY, lockoutThreshold: 5, lockoutDurationMinutes: 0 } },
      },
    ]);
  spec
    .given([created])
    .when(cmd({ type: 'UpdateCredentialPolicy', clusterId, policy: { minLength: 8 } }))
    .thenNothing();
});

test('credential policy: values out of the vendor ranges name the field', () => {
  const p = (policy: unknown) => cmd({ type: 'UpdateCredentialPolicy', clusterId, policy });
  spec
    .given([created])
    .when(p({ lockoutThreshold: 101 }))
    .thenError('invalid_input', { field: 'policy.lockoutThreshold' });
  spec
    .given([created])
    .when(p({ failureResetMinutes: 0 }))
    .thenError('invalid_input', { field: 'policy.failureResetMinutes' });
  spec
    .given([created])
    .when(p({ lockoutDurationMinutes: 1441 }))
    .thenError('invalid_input', { field: 'policy.lockoutDurationMinutes' });
  spec
    .given([created])
    .when(p({ trivialCheck: 'yes' }))
    .thenError('invalid_input', { field: 'policy.trivialCheck' });
});

// --- malformed input ----------------------------------------------------------------

test('malformed ids and names are refused, naming the field', () => {
  spec
    .given([])
    .when(cmd({ type: 'CreateCluster', clusterId: 'bad id', name: 'Main', publisher: 'pub' }))
    .thenError('invalid_input', {
      field: 'clusterId',
    });
  spec
    .given([])
    .when(cmd({ type: 'CreateCluster', clusterId, name: ' Main', publisher: 'pub' }))
    .thenError('invalid_input', { field: 'name' });
  spec
    .given([])
    .when(cmd({ type: 'CreateCluster', clusterId, name: 'Main', publisher: 'pub_1' }))
    .thenError('invalid_input', {
      field: 'publisher',
    });
  spec
    .given([])
    .when(cmd({ type: 'CreateCluster', clusterId, name: 'Main' }))
    .thenError('invalid_input', { field: 'publisher' });
});

test('unknown commands and non-objects are refused', () => {
  spec
    .given([created])
    .when(cmd({ type: 'DropCluster', clusterId }))
    .thenError('unknown_command', { field: 'type' });
  spec
    .given([created])
    .when(null as unknown as ClusterCommand)
    .thenError('unknown_command');
});

test('every event of a full configuration is JSON and folds back into the same state', () => {
  const script: Record<string, unknown>[] = [
    { type: 'CreateCluster', clusterId, name: 'Main', publisher: 'pub.example.com' },
    { type: 'AddNode', clusterId, node: 'sub1.example.com' },
    { type: 'ActivateService', clusterId, node: 'pub.example.com', service: 'selfProvisioningIvr' },
    { type: 'ActivateService', clusterId, node: 'pub.example.com', service: 'ctiManager' },
    { type: 'ConfigureAutoRegistration', clusterId, startDn: '1000', endDn: '1099', deviceTemplate: 'UDT', lineTemplate: 'ULT' },
    { type: 'EnableAutoRegistration', clusterId },
    { type: 'ConfigureSelfProvisioning', clusterId, ...settings },
    { type: 'RestartIvrService', clusterId },
    { type: 'RecordAuthenticationCodeChanged', clusterId },
    { type: 'UpdateCredentialPolicy', clusterId, policy: { minLength: 10 } },
  ];
  let state = clusterDecider.initialState();
  const all: ClusterEvent[] = [];
  for (const c of script) {
    const r = clusterDecider.decide(cmd(c), state);
    assert.ok(E.isRight(r), `${String(c.type)}: ${JSON.stringify(r)}`);
    if (E.isLeft(r)) return;
    for (const e of r.right) assert.ok(E.isRight(validateJson(e, 'event')), e.type);
    all.push(...r.right);
    state = foldEvents(clusterDecider, r.right, state);
  }
  const replayed = foldEvents(clusterDecider, JSON.parse(JSON.stringify(all)) as ClusterEvent[]);
  assert.equal(replayed, state);
  assert.is(state.ivrRestartRequired, false);
  assert.is(state.autoRegistration.enabled, true);
});

test.run();
