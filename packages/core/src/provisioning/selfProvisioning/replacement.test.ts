import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  admin,
  type DemoWorld,
  demoWorld,
  deviceOf,
  logLength,
  ok,
  plugIn,
  provisionBySpId,
  refused,
} from '../../testing/provisioningFixtures.js';
import { streams } from '../shared/streams.js';

const replace = (w: DemoWorld, n: number, primaryExtension: string, method = 'pin') =>
  w.sp.replacePhone({ clusterId: w.clusterId, deviceName: deviceOf(n), primaryExtension, authentication: { method } });

const unplug = (w: DemoWorld, n: number) => ok(w.sp.recordRegistration({ deviceName: deviceOf(n), registered: false }));

const setReplacedPhone = (w: DemoWorld, replacedPhone: 'keep' | 'delete') =>
  ok(w.sp.configure('cluster', { type: 'SetEnterpriseParameters', clusterId: w.clusterId, replacedPhone }, admin));

/** Alice owns phone 1 (provisioned), phone 2 is new and auto-registered. */
const aliceWithOldPhone = async () => {
  const w = await demoWorld();
  await plugIn(w, 1);
  await ok(provisionBySpId(w, 1, '2001'));
  await plugIn(w, 2);
  return w;
};

test("replace (keep): the new phone takes the old one's configuration and ownership; the old one is kept without owner or lines", async () => {
  const w = await aliceWithOldPhone();
  await unplug(w, 1);
  const r = await ok(replace(w, 2, '2001'));
  assert.equal(r, {
    deviceName: deviceOf(2),
    replacedPhone: deviceOf(1),
    userId: 'alice',
    oldPhone: 'keep',
    releasedDirectoryNumber: '1000',
    alreadyHandled: false,
  });
  const fresh = await ok(w.sp.phone(deviceOf(2)));
  assert.equal(
    { state: fresh?.state, owner: fresh?.owner, template: fresh?.deviceTemplate, lines: fresh?.lines },
    {
      state: 'provisioned',
      owner: 'alice',
      template: 'Standard Desk Phone',
      lines: [{ index: 1, dn: '2001', lineTemplate: 'Standard Line' }],
    },
  );
  const old = await ok(w.sp.phone(deviceOf(1)));
  assert.equal(
    { owner: old?.owner, lines: old?.lines, replacedBy: old?.replacedBy },
    { owner: undefined, lines: [], replacedBy: deviceOf(2) },
  );
  assert.equal((await ok(w.sp.user('alice')))?.phones, [deviceOf(2)]);
  assert.equal(w.sp.readModels.heldDirectoryNumbers(w.clusterId), { '2001': { kind: 'user-line', userId: 'alice' } });
  const last = (await ok(w.store.readStream(streams.phone(deviceOf(2))))).events.at(-1);
  assert.equal(last?.data, { deviceName: deviceOf(2), reason: 'replaced' });
  // A kept phone may auto-register again later (and gets a fresh temporary number).
  assert.is((await plugIn(w, 1)).directoryNumber, '1000');
});

test('replace (delete): the old phone is removed', async () => {
  const w = await aliceWithOldPhone();
  await setReplacedPhone(w, 'delete');
  await unplug(w, 1);
  assert.is((await ok(replace(w, 2, '2001'))).oldPhone, 'delete');
  assert.is(await ok(w.sp.phone(deviceOf(1))), undefined);
  const types = (await ok(w.store.readStream(streams.phone(deviceOf(1))))).events.map((e) => e.type);
  assert.equal(types.slice(-2), ['PhoneReplaced', 'PhoneRemoved']);
});

test('the old phone must be unregistered: `old_phone_still_registered`, nothing appended', async () => {
  const w = await aliceWithOldPhone();
  const before = await logLength(w.store);
  const e = await refused(replace(w, 2, '2001'));
  assert.is(e.code, 'old_phone_still_registered');
  assert.is(e.field, 'primaryExtension');
  assert.equal(e.details?.phones, [deviceOf(1)]);
  assert.is(await logLength(w.store), before);
});

test('with several unregistered phones, the most recently assigned one is replaced', async () => {
  const w = await demoWorld();
  for (const n of [1, 2, 3, 4]) await plugIn(w, n);
  for (const n of [1, 2, 3]) await ok(provisionBySpId(w, n, '2001'));
  await unplug(w, 1);
  await unplug(w, 2);
  assert.is((await ok(replace(w, 4, '2001'))).replacedPhone, deviceOf(2));
  assert.equal((await ok(w.sp.user('alice')))?.phones, [deviceOf(1), deviceOf(3), deviceOf(4)]);
});

test('a user at the limit can still replace a phone: the replaced phone is not counted twice', async () => {
  const w = await demoWorld();
  for (let i = 0; i < 11; i++) await plugIn(w, i);
  for (let i = 0; i < 10; i++) await ok(provisionBySpId(w, i, '2001'));
  await unplug(w, 4);
  assert.is((await ok(replace(w, 10, '2001'))).replacedPhone, deviceOf(4));
  assert.is((await ok(w.sp.user('alice')))?.phones.length, 10);
});

test('refusals: unknown extension, no phone to replace, new phone already provisioned, unknown new phone, method not allowed', async () => {
  const w = await aliceWithOldPhone();
  await unplug(w, 1);
  const before = await logLength(w.store);
  const cases: [() => ReturnType<typeof replace>, string, string | undefined][] = [
    [() => replace(w, 2, '2999'), 'user_not_found', 'primaryExtension'],
    [() => replace(w, 2, '2002'), 'no_phone_to_replace', 'primaryExtension'],
    [() => replace(w, 1, '2001'), 'phone_already_provisioned', 'deviceName'],
    [() => replace(w, 7, '2001'), 'phone_not_found', 'deviceName'],
    [() => replace(w, 2, '2001', 'none'), 'authentication_method_not_allowed', 'authentication.method'],
    [() => replace(w, 2, '2004'), 'self_provisioning_not_allowed', 'primaryExtension'],
  ];
  for (const [run, code, field] of cases) {
    const e = await refused(run());
    assert.is(e.code, code, JSON.stringify(e));
    assert.is(e.field, field, JSON.stringify(e));
  }
  assert.is(await logLength(w.store), before);
});

test('bad input names the field', async () => {
  const w = await aliceWithOldPhone();
  const cases: [Record<string, unknown>, string][] = [
    [{ clusterId: w.clusterId, deviceName: deviceOf(2), primaryExtension: '20O1', authentication: { method: 'pin' } }, 'primaryExtension'],
    [
      { clusterId: w.clusterId, deviceName: deviceOf(2), primaryExtension: '２００１', authentication: { method: 'pin' } },
      'primaryExtension',
    ],
    [{ clusterId: w.clusterId, deviceName: 'X', primaryExtension: '2001', authentication: { method: 'pin' } }, 'deviceName'],
    [{ clusterId: w.clusterId, deviceName: deviceOf(2), primaryExtension: '2001', authentication: {} }, 'authentication.method'],
  ];
  const before = await logLength(w.store);
  for (const [input, field] of cases) assert.is((await refused(w.sp.replacePhone(input))).field, field);
  assert.is(await logLength(w.store), before);
});

test.run();
