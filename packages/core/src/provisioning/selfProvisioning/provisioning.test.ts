import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { ErrorShape } from '../../kernel/errors.js';
import {
  admin,
  createUser,
  type DemoWorld,
  demoWorld,
  deviceOf,
  logLength,
  ok,
  partialDemoWorld,
  plugIn,
  provisionBySpId,
  refused,
} from '../../testing/provisioningFixtures.js';
import { streams } from '../shared/streams.js';

/** Expects a refusal with `code` (and `field`), and that nothing was appended. */
const expectRefusal = async (w: DemoWorld, run: () => Promise<ErrorShape>, code: string, field?: string): Promise<ErrorShape> => {
  const before = await logLength(w.store);
  const e = await run();
  assert.is(e.code, code, JSON.stringify(e));
  if (field !== undefined) assert.is(e.field, field, JSON.stringify(e));
  assert.is(await logLength(w.store), before, 'nothing appended');
  return e;
};

const provision = (w: DemoWorld, input: Record<string, unknown>) =>
  refused(w.sp.provisionPhone({ clusterId: w.clusterId, authentication: { method: 'pin' }, ...input }));

const setProfile = (w: DemoWorld, name: string, settings: Record<string, unknown>) =>
  ok(
    w.sp.configure(
      'userProfile',
      { type: 'UpdateUserProfile', name, deskPhoneTemplate: 'Standard Desk Phone', lineTemplate: 'Standard Line', ...settings },
      admin,
    ),
  );

test('provisioning by self-provisioning id: templates, extension on line 1, owner, temporary DN released, reset, one append', async () => {
  const w = await demoWorld();
  const { deviceName } = await plugIn(w, 1);
  const result = await ok(provisionBySpId(w, 1, '2001'));
  assert.equal(result, {
    deviceName,
    userId: 'alice',
    directoryNumber: '2001',
    deviceTemplate: 'Standard Desk Phone',
    lineTemplate: 'Standard Line',
    releasedDirectoryNumber: '1000',
    alreadyHandled: false,
  });
  const phone = await ok(w.sp.phone(deviceName));
  assert.is(phone?.state, 'provisioned');
  assert.is(phone?.owner, 'alice');
  assert.equal(phone?.lines, [{ index: 1, dn: '2001', lineTemplate: 'Standard Line' }]);
  assert.equal((await ok(w.sp.user('alice')))?.phones, [deviceName]);
  assert.equal(w.sp.readModels.heldDirectoryNumbers(w.clusterId), { '2001': { kind: 'user-line', userId: 'alice' } });
  const phoneEvents = (await ok(w.store.readStream(streams.phone(deviceName)))).events;
  assert.equal(
    phoneEvents.map((e) => e.type),
    ['PhoneAutoRegistered', 'PhoneProvisioned', 'PhoneResetRequested'],
  );
  // Phone, user, released DN and user-line DN: contiguous positions of one command.
  const commandId = phoneEvents[1]?.metadata.commandId;
  const all = (await ok(w.store.readAll({ after: (phoneEvents[1]?.globalPosition ?? 1) - 1 }))).filter(
    (e) => e.metadata.commandId === commandId,
  );
  assert.equal(all.map((e) => e.streamId).sort(), [
    streams.directoryNumber(w.clusterId, '1000'),
    streams.directoryNumber(w.clusterId, '2001'),
    streams.phone(deviceName),
    streams.phone(deviceName),
    streams.user('alice'),
  ]);
  assert.equal(
    all.map((e) => e.globalPosition),
    all.map((_, i) => (all[0]?.globalPosition ?? 0) + i),
  );
  assert.is(all[0]?.metadata.channel, 'ivr');
});

test('provisioning by user id, by an administrator with the authentication code', async () => {
  const w = await demoWorld();
  await plugIn(w, 1);
  const r = await ok(
    w.sp.provisionPhone(
      { clusterId: w.clusterId, deviceName: deviceOf(1), userId: 'bob', authentication: { method: 'authentication-code' } },
      { ...admin, actor: { kind: 'administrator', id: 'admin', onBehalfOf: 'bob' } },
    ),
  );
  assert.is(r.userId, 'bob');
  assert.is(r.directoryNumber, '2002');
});

test('a custom self-provisioning id replaces the default (the primary extension)', async () => {
  const w = await demoWorld();
  await ok(w.sp.endUser({ type: 'ChangeSelfProvisioningId', userId: 'alice', selfProvisioningId: '5555' }, admin));
  await plugIn(w, 1);
  await expectRefusal(w, () => refused(provisionBySpId(w, 1, '2001')), 'user_not_found', 'selfProvisioningId');
  assert.is((await ok(provisionBySpId(w, 1, '5555'))).userId, 'alice');
});

test('system prerequisites: each unmet step is refused with the readiness code and step, nothing appended', async () => {
  const cases: [string, Record<string, unknown>, string, number][] = [
    ['cluster', { type: 'DeactivateService', node: 'cucm-pub.example.com', service: 'ctiManager' }, 'services_inactive', 1],
    ['cluster', { type: 'DeactivateService', node: 'cucm-pub.example.com', service: 'selfProvisioningIvr' }, 'services_inactive', 1],
    ['cluster', { type: 'DisableAutoRegistration' }, 'autoregistration_disabled', 2],
    ['ctiRoutePoint', { type: 'RemoveCtiRoutePointLine1Dn', name: 'SelfProvIVR' }, 'cti_route_point_dn_missing', 4],
    [
      'applicationUser',
      { type: 'DissociateControlledDevice', userId: 'selfprov-ivr', device: 'SelfProvIVR' },
      'application_user_not_controlling_route_point',
      5,
    ],
  ];
  for (const [aggregate, change, code, step] of cases) {
    const w = await demoWorld();
    await plugIn(w, 1);
    await ok(w.sp.configure(aggregate as 'cluster', aggregate === 'cluster' ? { clusterId: w.clusterId, ...change } : change, admin));
    const e = await expectRefusal(w, () => refused(provisionBySpId(w, 1, '2001')), code);
    assert.equal(e.details?.step, step, code);
    assert.type(e.details?.fix, 'string');
    // The readiness report names the same code.
    assert.ok(
      (await ok(w.sp.systemReadiness(w.clusterId))).some((i) => i.code === code),
      code,
    );
  }
});

test('self-provisioning settings never saved: `self_provisioning_settings_missing`', async () => {
  const w = await partialDemoWorld((s) => s.command.type === 'ConfigureSelfProvisioning' || s.command.type === 'RestartIvrService');
  await plugIn(w, 1);
  const e = await expectRefusal(w, () => refused(provisionBySpId(w, 1, '2001')), 'self_provisioning_settings_missing');
  assert.is(e.details?.step, 6);
  const items = await ok(w.sp.systemReadiness(w.clusterId));
  assert.ok(items.some((i) => i.code === 'self_provisioning_settings_missing'));
});

test('unknown cluster: `cluster_not_found` naming clusterId', async () => {
  const w = await demoWorld();
  await plugIn(w, 1);
  await expectRefusal(
    w,
    () => provision(w, { clusterId: 'other', deviceName: deviceOf(1), selfProvisioningId: '2001' }),
    'cluster_not_found',
    'clusterId',
  );
});

test('authentication method against the cluster mode: non-secure any; secure-users pin/password; with admins also the code', async () => {
  const w = await demoWorld();
  const table: [string, Record<string, boolean>][] = [
    ['non-secure', { none: true, pin: true, password: true, 'authentication-code': true }],
    ['secure-users', { none: false, pin: true, password: true, 'authentication-code': false }],
    ['secure-users-and-admins', { none: false, pin: true, password: true, 'authentication-code': true }],
  ];
  let n = 0;
  for (const [mode, methods] of table) {
    await ok(
      w.sp.configure(
        'cluster',
        {
          type: 'ConfigureSelfProvisioning',
          clusterId: w.clusterId,
          authentication: mode,
          languages: ['en_US'],
          ctiRoutePoint: 'SelfProvIVR',
          applicationUser: 'selfprov-ivr',
        },
        admin,
      ),
    );
    for (const [method, allowed] of Object.entries(methods)) {
      n += 1;
      await plugIn(w, n);
      const input = { clusterId: w.clusterId, deviceName: deviceOf(n), userId: 'bob', authentication: { method } };
      if (allowed) assert.is((await ok(w.sp.provisionPhone(input))).userId, 'bob', `${mode}/${method}`);
      else {
        const e = await expectRefusal(
          w,
          () => refused(w.sp.provisionPhone(input)),
          'authentication_method_not_allowed',
          'authentication.method',
        );
        assert.equal(e.details?.mode, mode);
      }
    }
  }
});

test('user-level refusals name the setting that fixes them', async () => {
  const w = await demoWorld();
  await plugIn(w, 1);
  await expectRefusal(
    w,
    () => provision(w, { deviceName: deviceOf(1), selfProvisioningId: '2999' }),
    'user_not_found',
    'selfProvisioningId',
  );
  await expectRefusal(w, () => provision(w, { deviceName: deviceOf(1), userId: 'nobody' }), 'user_not_found', 'userId');
  const carol = await expectRefusal(
    w,
    () => provision(w, { deviceName: deviceOf(1), userId: 'carol' }),
    'user_has_no_primary_extension',
    'userId',
  );
  assert.is(carol.details?.setting, 'primaryExtension');
  const dave = await expectRefusal(
    w,
    () => provision(w, { deviceName: deviceOf(1), selfProvisioningId: '2004' }),
    'self_provisioning_not_allowed',
  );
  assert.is(dave.details?.setting, 'userProfile.allowProvisioning');
  assert.match(String(dave.details?.fix), 'Allow End User to Provision their own phones');

  await ok(
    w.sp.configure('userProfile', { type: 'CreateUserProfile', name: 'Bare', clusterId: w.clusterId, allowProvisioning: true }, admin),
  );
  await createUser(w, 'frank', { primaryExtension: '2006', userProfile: 'Bare' });
  await expectRefusal(w, () => provision(w, { deviceName: deviceOf(1), userId: 'frank' }), 'user_profile_has_no_device_template');
  await createUser(w, 'hugo', { primaryExtension: '2008' });
  await expectRefusal(w, () => provision(w, { deviceName: deviceOf(1), userId: 'hugo' }), 'user_has_no_user_profile');
});

test('a feature group template supplies the profile when the user has none', async () => {
  const w = await demoWorld();
  await ok(
    w.sp.configure(
      'featureGroupTemplate',
      { type: 'CreateFeatureGroupTemplate', name: 'Sales', clusterId: w.clusterId, userProfile: 'Standard' },
      admin,
    ),
  );
  await ok(w.sp.configure('featureGroupTemplate', { type: 'CreateFeatureGroupTemplate', name: 'Empty', clusterId: w.clusterId }, admin));
  await createUser(w, 'gina', { primaryExtension: '2007', featureGroupTemplate: 'Sales' });
  await createUser(w, 'ivan', { primaryExtension: '2009', featureGroupTemplate: 'Empty' });
  await plugIn(w, 1);
  assert.is(
    (await ok(w.sp.provisionPhone({ clusterId: w.clusterId, deviceName: deviceOf(1), userId: 'gina', authentication: { method: 'pin' } })))
      .deviceTemplate,
    'Standard Desk Phone',
  );
  await plugIn(w, 2);
  const e = await expectRefusal(w, () => provision(w, { deviceName: deviceOf(2), userId: 'ivan' }), 'user_has_no_user_profile');
  assert.is(e.details?.setting, 'featureGroupTemplate.userProfile');
});

test('phone refusals: unknown phone, already provisioned ("device cannot be provisioned"), owned by another user', async () => {
  const w = await demoWorld();
  await expectRefusal(w, () => provision(w, { deviceName: deviceOf(1), selfProvisioningId: '2001' }), 'phone_not_found', 'deviceName');
  await plugIn(w, 1);
  await ok(provisionBySpId(w, 1, '2001'));
  const again = await expectRefusal(
    w,
    () => provision(w, { deviceName: deviceOf(1), selfProvisioningId: '2001' }),
    'phone_already_provisioned',
    'deviceName',
  );
  assert.match(again.message, 'device cannot be provisioned');
  await expectRefusal(
    w,
    () => provision(w, { deviceName: deviceOf(1), selfProvisioningId: '2002' }),
    'phone_owned_by_other_user',
    'deviceName',
  );
});

test("taking over a phone owned by another user, when the new owner's profile allows it: the previous owner's stream records it atomically", async () => {
  const w = await demoWorld();
  await plugIn(w, 1);
  await ok(provisionBySpId(w, 1, '2001'));
  await setProfile(w, 'Standard', { allowProvisioning: true, allowProvisioningOfPhoneOwnedByOtherUser: true });
  const r = await ok(provisionBySpId(w, 1, '2002'));
  assert.is(r.previousOwner, 'alice');
  assert.is(r.releasedDirectoryNumber, undefined);
  assert.is(r.directoryNumber, '2002');
  assert.equal((await ok(w.sp.user('alice')))?.phones, []);
  assert.equal((await ok(w.sp.user('bob')))?.phones, [deviceOf(1)]);
  const alice = (await ok(w.store.readStream(streams.user('alice')))).events.at(-1);
  assert.equal(alice?.data, { userId: 'alice', deviceName: deviceOf(1), reason: 'provisioned-by-other-user', newOwner: 'bob' });
});

test('the limit: a user with 9 phones and limit 10 adds exactly one more; the next is refused and leaves no trace', async () => {
  const w = await demoWorld();
  for (let i = 0; i < 11; i++) await plugIn(w, i);
  for (let i = 0; i < 9; i++) await ok(provisionBySpId(w, i, '2001'));
  assert.is((await ok(w.sp.user('alice')))?.phones.length, 9);
  assert.equal(await ok(w.sp.userReadiness('alice')), []);
  await ok(provisionBySpId(w, 9, '2001'));
  const e = await expectRefusal(w, () => refused(provisionBySpId(w, 10, '2001')), 'provisioning_limit_reached', 'selfProvisioningId');
  assert.equal({ limit: e.details?.limit, phones: e.details?.phones }, { limit: 10, phones: 10 });
  assert.is((await ok(w.sp.phone(deviceOf(10))))?.state, 'autoregistered');
  assert.ok(Object.hasOwn(w.sp.readModels.heldDirectoryNumbers(w.clusterId), '1010'));
  const readiness = await ok(w.sp.userReadiness('alice'));
  assert.equal(
    readiness.map((i) => i.code),
    ['provisioning_limit_reached'],
  );
});

test('a raised limit (up to 20) lets the user add more', async () => {
  const w = await demoWorld();
  await setProfile(w, 'Standard', { allowProvisioning: true, provisioningLimit: 2 });
  for (let i = 0; i < 3; i++) await plugIn(w, i);
  await ok(provisionBySpId(w, 0, '2001'));
  await ok(provisionBySpId(w, 1, '2001'));
  await expectRefusal(w, () => refused(provisionBySpId(w, 2, '2001')), 'provisioning_limit_reached');
  await setProfile(w, 'Standard', { allowProvisioning: true, provisioningLimit: 3 });
  await ok(provisionBySpId(w, 2, '2001'));
});

test("the user's line DN: held by another phone or user -> `directory_number_in_use`; held by the very phone being provisioned -> moved", async () => {
  const w = await demoWorld();
  await plugIn(w, 1); // takes 1000
  await plugIn(w, 2); // takes 1001
  // erin's extension is 1000, which phone 1 holds as its temporary number.
  await createUser(w, 'erin', { primaryExtension: '1000', userProfile: 'Standard' });
  const e = await expectRefusal(w, () => provision(w, { deviceName: deviceOf(2), userId: 'erin' }), 'directory_number_in_use', 'userId');
  assert.is(e.details?.setting, 'primaryExtension');
  const r = await ok(
    w.sp.provisionPhone({ clusterId: w.clusterId, deviceName: deviceOf(1), userId: 'erin', authentication: { method: 'pin' } }),
  );
  assert.equal({ dn: r.directoryNumber, released: r.releasedDirectoryNumber }, { dn: '1000', released: '1000' });
  assert.equal(w.sp.readModels.heldDirectoryNumbers(w.clusterId)['1000'], { kind: 'user-line', userId: 'erin' });
  // Now phone 2 can be erin's too: the user's line is shared by all of the user's phones.
  assert.is(
    (await ok(w.sp.provisionPhone({ clusterId: w.clusterId, deviceName: deviceOf(2), userId: 'erin', authentication: { method: 'pin' } })))
      .directoryNumber,
    '1000',
  );

  // Two users with one primary extension: the second one's line cannot hold it.
  await createUser(w, 'bob2', { primaryExtension: '2002', selfProvisioningId: '9002', userProfile: 'Standard' });
  await plugIn(w, 3);
  await plugIn(w, 4);
  await ok(provisionBySpId(w, 3, '2002'));
  await expectRefusal(w, () => refused(provisionBySpId(w, 4, '9002')), 'directory_number_in_use', 'selfProvisioningId');
});

test('bad input is refused naming the field, with nothing appended', async () => {
  const w = await demoWorld();
  await plugIn(w, 1);
  const base = { clusterId: w.clusterId, deviceName: deviceOf(1), authentication: { method: 'pin' } };
  const cases: [Record<string, unknown>, string][] = [
    [{ ...base, selfProvisioningId: '20*1' }, 'selfProvisioningId'],
    [{ ...base, selfProvisioningId: '٢٠٠١' }, 'selfProvisioningId'],
    [{ ...base, selfProvisioningId: '２００１' }, 'selfProvisioningId'],
    [{ ...base, selfProvisioningId: '' }, 'selfProvisioningId'],
    [{ ...base }, 'selfProvisioningId'],
    [{ ...base, selfProvisioningId: '2001', userId: 'alice' }, 'selfProvisioningId'],
    [{ ...base, userId: 'al ice' }, 'userId'],
    [{ ...base, deviceName: 'sep00ab00000002', userId: 'alice' }, 'deviceName'],
    [{ ...base, authentication: { method: 'fingerprint' }, userId: 'alice' }, 'authentication.method'],
    [{ ...base, authentication: undefined, userId: 'alice' }, 'authentication'],
    [{ ...base, clusterId: 'bad cluster', userId: 'alice' }, 'clusterId'],
  ];
  const before = await logLength(w.store);
  for (const [input, field] of cases) {
    const e = await refused(w.sp.provisionPhone(input));
    assert.is(e._tag, 'ValidationError', JSON.stringify(e));
    assert.is(e.field, field, JSON.stringify(e));
  }
  assert.is(await logLength(w.store), before);
});

test('the same request (same commandId) twice provisions once', async () => {
  const w = await demoWorld();
  await plugIn(w, 1);
  const input = { clusterId: w.clusterId, deviceName: deviceOf(1), selfProvisioningId: '2001', authentication: { method: 'pin' } };
  await ok(w.sp.provisionPhone(input, { commandId: 'call-42' }));
  const before = await logLength(w.store);
  const again = await ok(w.sp.provisionPhone(input, { commandId: 'call-42' }));
  assert.is(again.alreadyHandled, true);
  assert.is(again.userId, 'alice');
  assert.is(await logLength(w.store), before);
});

test('an administrator can request a reset; the phone stream records it', async () => {
  const w = await demoWorld();
  await plugIn(w, 1);
  await ok(w.sp.requestPhoneReset({ deviceName: deviceOf(1), reason: 'administrator' }, admin));
  const last = (await ok(w.store.readStream(streams.phone(deviceOf(1))))).events.at(-1);
  assert.equal({ type: last?.type, actor: last?.metadata.actor.kind }, { type: 'PhoneResetRequested', actor: 'administrator' });
  const e = await refused(w.sp.requestPhoneReset({ deviceName: deviceOf(1), reason: 'because' }));
  assert.is(e.field, 'reason');
});

test.run();
