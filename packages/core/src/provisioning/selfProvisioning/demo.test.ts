import * as E from 'fp-ts/lib/Either.js';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createMemoryEventStore } from '../../kernel/eventstore/memory.js';
import { admin, demoWorld, logLength, ok, refused, testRuntime } from '../../testing/provisioningFixtures.js';
import { streams } from '../shared/streams.js';
import { demo, seedDemo } from './demo.js';
import { createSelfProvisioning } from './facade.js';

test('seedDemo builds the demo configuration through the real commands; seeding again writes nothing', async () => {
  const runtime = testRuntime();
  const store = createMemoryEventStore(runtime);
  const first = await ok(seedDemo({ store, runtime }));
  assert.ok(first.eventsWritten >= 20, String(first.eventsWritten));
  assert.equal(first.users, ['alice', 'bob', 'carol', 'dave']);
  const length = await logLength(store);
  assert.is(length, first.eventsWritten);
  const again = await ok(seedDemo({ store, runtime }));
  assert.is(again.eventsWritten, 0);
  assert.is(await logLength(store), length);
});

test('the demo matches docs/architecture.md section 7', async () => {
  const w = await demoWorld();
  const rm = w.sp.readModels;
  const cluster = rm.cluster(w.clusterId);
  const publisher = cluster?.nodes.find((n) => n.publisher);
  assert.equal(publisher?.services, { selfProvisioningIvr: true, ctiManager: true });
  assert.equal(
    {
      enabled: cluster?.autoRegistration.enabled,
      start: cluster?.autoRegistration.startDn,
      end: cluster?.autoRegistration.endDn,
      sip: cluster?.autoRegistration.sipPorts,
    },
    { enabled: true, start: '1000', end: '1099', sip: { udp: 5060, tcp: 5060, tls: 5061 } },
  );
  assert.equal(cluster?.selfProvisioning, {
    authentication: 'secure-users-and-admins',
    languages: ['en_US', 'fr_FR'],
    ctiRoutePoint: 'SelfProvIVR',
    applicationUser: 'selfprov-ivr',
  });
  assert.is(rm.userProfile('Standard')?.provisioningLimit, 10);
  assert.is(rm.userProfile('Restricted')?.allowProvisioning, false);
  assert.equal(
    rm.users().map((u) => [u.userId, u.primaryExtension ?? null, u.userProfile]),
    [
      ['alice', '2001', 'Standard'],
      ['bob', '2002', 'Standard'],
      ['carol', null, 'Standard'],
      ['dave', '2004', 'Restricted'],
    ],
  );
  // Only the authentication code is missing: it is a secret, set in the credential store, not here.
  assert.equal(
    (await ok(w.sp.systemReadiness(w.clusterId))).map((i) => i.code),
    ['authentication_code_missing'],
  );
  await ok(w.sp.configure('cluster', { type: 'RecordAuthenticationCodeChanged', clusterId: w.clusterId }, admin));
  assert.equal(await ok(w.sp.systemReadiness(w.clusterId)), []);
});

test('the demo seed holds no secret, and personal data only under `personal`', async () => {
  const w = await demoWorld();
  const events = await ok(w.store.readAll({ maxCount: 10_000 }));
  const text = JSON.stringify(events);
  for (const secret of ['4242', '73915824', '51739264', '64718253', 'Selfcare!2026']) assert.not.ok(text.includes(secret), secret);
  for (const e of events.filter((x) => x.type === 'EndUserCreated')) {
    const { personal, ...rest } = e.data as Record<string, unknown>;
    assert.ok(personal !== undefined);
    assert.not.ok(JSON.stringify(rest).includes('@'), 'email outside personal');
    assert.not.ok(
      Object.keys(rest).some((k) => /name|email/i.test(k)),
      Object.keys(rest).join(),
    );
  }
});

test('end-user commands through the facade: references checked, nothing appended on refusal', async () => {
  const w = await demoWorld();
  const before = await logLength(w.store);
  const person = { firstName: 'Erin', lastName: 'Lee' };
  const cases: [Record<string, unknown>, string, string][] = [
    [
      { type: 'CreateEndUser', userId: 'erin', clusterId: w.clusterId, personal: person, userProfile: 'Gold' },
      'user_profile_not_found',
      'userProfile',
    ],
    [
      { type: 'CreateEndUser', userId: 'erin', clusterId: w.clusterId, personal: person, featureGroupTemplate: 'X' },
      'feature_group_template_not_found',
      'featureGroupTemplate',
    ],
    [{ type: 'CreateEndUser', userId: 'erin', clusterId: 'nowhere', personal: person }, 'cluster_not_found', 'clusterId'],
    [
      { type: 'CreateEndUser', userId: 'erin', clusterId: w.clusterId, personal: person, primaryExtension: '2001' },
      'self_provisioning_id_in_use',
      'primaryExtension',
    ],
    [
      { type: 'CreateEndUser', userId: 'erin', clusterId: w.clusterId, personal: person, selfProvisioningId: '2002' },
      'self_provisioning_id_in_use',
      'selfProvisioningId',
    ],
    [{ type: 'CreateEndUser', userId: 'alice', clusterId: w.clusterId, personal: person }, 'user_already_exists', 'userId'],
    [{ type: 'CreateEndUser', userId: 'profile-Standard', clusterId: w.clusterId, personal: person }, 'invalid_input', 'userId'],
    [
      { type: 'CreateEndUser', userId: 'erin', clusterId: w.clusterId, personal: person, primaryExtension: '２００５' },
      'invalid_input',
      'primaryExtension',
    ],
    [{ type: 'AssignPhone', userId: 'alice', deviceName: 'SEP001122334455', limit: 10 }, 'unknown_command', 'type'],
    [{ type: 'ChangeUserProfile', userId: 'zoe', userProfile: 'Standard' }, 'user_not_found', 'userId'],
    [{ type: 'ChangeSelfProvisioningId', userId: 'bob', selfProvisioningId: '2001' }, 'self_provisioning_id_in_use', 'selfProvisioningId'],
  ];
  for (const [command, code, field] of cases) {
    const e = await refused(w.sp.endUser(command, admin));
    assert.is(e.code, code, JSON.stringify(e));
    assert.is(e.field, field, JSON.stringify(e));
  }
  assert.is(await logLength(w.store), before);
  const created = await ok(
    w.sp.endUser({ type: 'CreateEndUser', userId: 'erin', clusterId: w.clusterId, personal: person, primaryExtension: '2005' }, admin),
  );
  assert.equal(
    created.events.map((e) => e.streamId),
    [streams.user('erin')],
  );
  assert.is(created.events[0]?.metadata.actor.kind, 'administrator');
});

test("two facades on one store (two processes) see each other's writes before deciding", async () => {
  const w = await demoWorld();
  const other = createSelfProvisioning({ store: w.store, runtime: w.runtime });
  const a = await ok(w.sp.autoRegisterPhone({ clusterId: w.clusterId, mac: '001122334401', model: 'Cisco 8845', protocol: 'SIP' }));
  const b = await ok(other.autoRegisterPhone({ clusterId: w.clusterId, mac: '001122334402', model: 'Cisco 8845', protocol: 'SIP' }));
  assert.equal([a.directoryNumber, b.directoryNumber], ['1000', '1001']);
  const r = await other.provisionPhone({
    clusterId: w.clusterId,
    deviceName: a.deviceName,
    selfProvisioningId: '2001',
    authentication: { method: 'pin' },
  })();
  assert.ok(E.isRight(r));
  assert.equal((await ok(w.sp.user('alice')))?.phones, [a.deviceName]);
  assert.equal(
    (await ok(other.usersBySelfProvisioningId(w.clusterId, '2001'))).map((u) => u.userId),
    ['alice'],
  );
  assert.equal(
    (await ok(other.usersByPrimaryExtension(w.clusterId, '2004'))).map((u) => u.userId),
    ['dave'],
  );
  assert.is(demo.ivrExtension, '8000');
});

test.run();
