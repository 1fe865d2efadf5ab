import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { demoWorld, deviceOf, logLength, macOf, ok, plugIn, provisionBySpId, refused } from '../../testing/provisioningFixtures.js';
import { streams } from '../shared/streams.js';

const admin = { actor: { kind: 'administrator', id: 'admin' }, channel: 'admin-api' } as const;

test('a new phone auto-registers as SEP<MAC> with the lowest free DN and the auto-registration templates', async () => {
  const w = await demoWorld();
  const result = await plugIn(w, 1);
  assert.equal(result, { deviceName: deviceOf(1), clusterId: w.clusterId, directoryNumber: '1000', alreadyHandled: false });
  const phone = await ok(w.sp.phone(deviceOf(1)));
  assert.is(phone?.state, 'autoregistered');
  assert.is(phone?.mac, macOf(1));
  assert.is(phone?.deviceTemplate, 'Standard Desk Phone');
  assert.equal(phone?.lines, [{ index: 1, dn: '1000', lineTemplate: 'Standard Line' }]);
  assert.is(phone?.registered, true);
  const dn = await ok(w.store.readStream(streams.directoryNumber(w.clusterId, '1000')));
  assert.equal(dn.events[0]?.data, { clusterId: w.clusterId, directoryNumber: '1000', holder: { kind: 'phone', deviceName: deviceOf(1) } });
  // The reservation and the phone were written by one append.
  assert.is(dn.events[0]?.metadata.commandId, (await ok(w.store.readStream(streams.phone(deviceOf(1))))).events[0]?.metadata.commandId);
});

test('each next phone takes the next lowest free DN; a released temporary DN is handed out again', async () => {
  const w = await demoWorld();
  assert.is((await plugIn(w, 1)).directoryNumber, '1000');
  assert.is((await plugIn(w, 2)).directoryNumber, '1001');
  assert.is((await plugIn(w, 3)).directoryNumber, '1002');
  await ok(provisionBySpId(w, 2, '2001'));
  assert.is((await plugIn(w, 4)).directoryNumber, '1001');
  assert.is((await plugIn(w, 5)).directoryNumber, '1003');
});

test('the MAC is normalised: the same phone in another notation is a duplicate (`mac_already_registered`, nothing appended)', async () => {
  const w = await demoWorld();
  await ok(w.sp.autoRegisterPhone({ clusterId: w.clusterId, mac: '00:1b:54:aa:bb:cc', model: 'Cisco 8845', protocol: 'SIP' }));
  const before = await logLength(w.store);
  const e = await refused(w.sp.autoRegisterPhone({ clusterId: w.clusterId, mac: '001B.54AA.BBCC', model: 'Cisco 8845', protocol: 'SIP' }));
  assert.is(e.code, 'mac_already_registered');
  assert.is(e.field, 'mac');
  assert.is(await logLength(w.store), before);
  assert.equal(await ok(w.sp.freeDirectoryNumbers(w.clusterId, 1)), ['1001']);
});

test('auto-registration disabled: `autoregistration_disabled`, nothing appended', async () => {
  const w = await demoWorld();
  await ok(w.sp.configure('cluster', { type: 'DisableAutoRegistration', clusterId: w.clusterId }, admin));
  const before = await logLength(w.store);
  const e = await refused(w.sp.autoRegisterPhone({ clusterId: w.clusterId, mac: macOf(1), model: 'Cisco 8845', protocol: 'SIP' }));
  assert.is(e.code, 'autoregistration_disabled');
  assert.is(await logLength(w.store), before);
});

test('unknown cluster: `cluster_not_found` naming clusterId', async () => {
  const w = await demoWorld();
  const before = await logLength(w.store);
  const e = await refused(w.sp.autoRegisterPhone({ clusterId: 'nowhere', mac: macOf(1), model: 'Cisco 8845', protocol: 'SIP' }));
  assert.is(e.code, 'cluster_not_found');
  assert.is(e.field, 'clusterId');
  assert.is(await logLength(w.store), before);
});

test('range exhausted: exactly the range size registers, then `dn_range_exhausted`', async () => {
  const w = await demoWorld();
  await ok(
    w.sp.configure(
      'cluster',
      {
        type: 'ConfigureAutoRegistration',
        clusterId: w.clusterId,
        startDn: '1000',
        endDn: '1002',
        deviceTemplate: 'Standard Desk Phone',
        lineTemplate: 'Standard Line',
      },
      admin,
    ),
  );
  for (let i = 0; i < 3; i++) await plugIn(w, i);
  const before = await logLength(w.store);
  const e = await refused(w.sp.autoRegisterPhone({ clusterId: w.clusterId, mac: macOf(9), model: 'Cisco 8845', protocol: 'SIP' }));
  assert.is(e.code, 'dn_range_exhausted');
  assert.ok(e.message.includes('1000-1002'), e.message);
  assert.is(await logLength(w.store), before);
});

test("numbers set aside are skipped: the IVR extension and users' primary extensions inside the range", async () => {
  const w = await demoWorld();
  await ok(
    w.sp.configure(
      'cluster',
      {
        type: 'ConfigureAutoRegistration',
        clusterId: w.clusterId,
        startDn: '7999',
        endDn: '8002',
        deviceTemplate: 'Standard Desk Phone',
        lineTemplate: 'Standard Line',
      },
      admin,
    ),
  );
  await ok(
    w.sp.endUser(
      {
        type: 'CreateEndUser',
        userId: 'erin',
        clusterId: w.clusterId,
        personal: { firstName: 'Erin', lastName: 'Lee' },
        primaryExtension: '7999',
        userProfile: 'Standard',
      },
      admin,
    ),
  );
  // 7999 is erin's extension, 8000 the IVR's: the first free number is 8001.
  assert.is((await plugIn(w, 1)).directoryNumber, '8001');
  assert.equal(await ok(w.sp.freeDirectoryNumbers(w.clusterId)), ['8002']);
});

test('the same request (same commandId) twice registers once and answers the same', async () => {
  const w = await demoWorld();
  const request = { clusterId: w.clusterId, mac: macOf(1), model: 'Cisco 8845', protocol: 'SIP' };
  const first = await ok(w.sp.autoRegisterPhone(request, { commandId: 'register-1' }));
  const before = await logLength(w.store);
  const again = await ok(w.sp.autoRegisterPhone(request, { commandId: 'register-1' }));
  assert.is(again.alreadyHandled, true);
  assert.is(again.directoryNumber, first.directoryNumber);
  assert.is(await logLength(w.store), before);
});

test('bad input is refused naming the field, and nothing is appended', async () => {
  const w = await demoWorld();
  const before = await logLength(w.store);
  const cases: [Record<string, unknown>, string][] = [
    [{ clusterId: w.clusterId, mac: '00:11:22:33:44', model: 'Cisco 8845', protocol: 'SIP' }, 'mac'],
    [{ clusterId: w.clusterId, mac: 'GG1122334455', model: 'Cisco 8845', protocol: 'SIP' }, 'mac'],
    [{ clusterId: w.clusterId, mac: '００1122334455', model: 'Cisco 8845', protocol: 'SIP' }, 'mac'],
    [{ clusterId: w.clusterId, mac: '000000000000', model: 'Cisco 8845', protocol: 'SIP' }, 'mac'],
    [{ clusterId: w.clusterId, mac: macOf(1), model: '', protocol: 'SIP' }, 'model'],
    [{ clusterId: w.clusterId, mac: macOf(1), model: 'Cisco 8845', protocol: 'H.323' }, 'protocol'],
    [{ clusterId: '', mac: macOf(1), model: 'Cisco 8845', protocol: 'SIP' }, 'clusterId'],
    [{ mac: macOf(1), model: 'Cisco 8845', protocol: 'SIP' }, 'clusterId'],
  ];
  for (const [input, field] of cases) {
    const e = await refused(w.sp.autoRegisterPhone(input));
    assert.is(e._tag, 'ValidationError', JSON.stringify(e));
    assert.is(e.field, field, JSON.stringify(e));
  }
  assert.is(await logLength(w.store), before);
});

test('registration reports: unregistered and registered again; an unknown phone is refused', async () => {
  const w = await demoWorld();
  await plugIn(w, 1);
  const down = await ok(w.sp.recordRegistration({ deviceName: deviceOf(1), registered: false }));
  assert.equal(down, { deviceName: deviceOf(1), registered: false, changed: true });
  assert.is((await ok(w.sp.phone(deviceOf(1))))?.registered, false);
  assert.is((await ok(w.sp.recordRegistration({ deviceName: deviceOf(1), registered: false }))).changed, false);
  assert.is((await ok(w.sp.recordRegistration({ deviceName: deviceOf(1), registered: true }))).changed, true);
  const e = await refused(w.sp.recordRegistration({ deviceName: deviceOf(7), registered: true }));
  assert.is(e.code, 'phone_not_found');
  const bad = await refused(w.sp.recordRegistration({ deviceName: deviceOf(1), registered: 'yes' }));
  assert.is(bad.field, 'registered');
});

test.run();
