import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { failure, fixture, ok } from '../testing/fixture.js';

const PHONE = 'SEP001122334455';
const BOBS = 'SEP0A0B0C0D0E0F';

type F = Awaited<ReturnType<typeof fixture>>;

/**
 * The command is refused with `code` naming `field`, and nothing is appended but the
 * `audited` events, each as `<streamId> <type>` (the credentials port's facts, e.g. the
 * check of the current password that came before the refusal).
 */
const refusedWith = async (f: F, task: () => Promise<unknown>, code: string, field?: string, audited: readonly string[] = []) => {
  const before = (await f.log()).length;
  const e = (await task()) as { code: string; field?: string };
  assert.is(e.code, code, JSON.stringify(e));
  if (field !== undefined) assert.is(e.field, field, JSON.stringify(e));
  const appended = (await f.log()).slice(before).map((ev) => `${ev.streamId} ${ev.type}`);
  assert.equal(appended, audited, audited.length === 0 ? 'nothing appended' : 'only the audit facts appended');
};

test('phone settings: every feature, seen in the carousel', async () => {
  const f = await fixture();
  const p = f.sc.phone;
  await ok(p.changeMacAddress(f.alice, { deviceName: PHONE, macAddress: '00-11-22-33-44-99' }));
  await ok(p.rename(f.alice, { deviceName: PHONE, name: 'Desk' }));
  await ok(p.setDisplayLanguage(f.alice, { deviceName: PHONE, displayLanguage: 'French France' }));
  await ok(p.setSpeedDials(f.alice, { deviceName: PHONE, speedDials: [{ number: '5551234,,,42#', label: 'Bank' }] }));
  await ok(p.addSpeedDial(f.alice, { deviceName: PHONE, number: '2002', label: 'Bob' }));
  await ok(p.setDoNotDisturb(f.alice, { deviceName: PHONE, enabled: true, incomingCallOption: 'call-reject' }));
  await ok(p.setLocale(f.alice, { deviceName: PHONE, userLocale: 'French France', networkLocale: 'France' }));
  await ok(p.setMusicOnHold(f.alice, { deviceName: PHONE, userHoldAudioSource: 'SampleAudioSource' }));
  await ok(p.setOptions(f.alice, { deviceName: PHONE, speakerphone: false, video: false, extensionMobility: true }));
  await ok(p.setSpeedDials(f.alice, { deviceName: 'EMPALICE', speedDials: [{ number: '8000' }] }));
  const view = await ok(f.sc.carousel(f.alice));
  assert.equal(
    view.items.map((i) => `${i.deviceName}:${i.kind}`),
    ['SEP001122334455:phone', 'SEP00AA00BB00CC:phone', 'EMPALICE:extension-mobility-profile', 'RDPALICE:remote-destination-profile'],
  );
  const s = view.items[0]?.settings;
  assert.is(s?.macAddress, '001122334499');
  assert.is(s?.name, 'Desk');
  assert.is(s?.displayLanguage, 'French France');
  assert.equal(s?.speedDials, [
    { position: 1, number: '5551234,,,42#', label: 'Bank' },
    { position: 2, number: '2002', label: 'Bob' },
  ]);
  assert.equal(s?.speedDialPauses, [6, 0]);
  assert.equal(s?.doNotDisturb, { enabled: true, incomingCallOption: 'call-reject' });
  assert.equal(s?.locale, { userLocale: 'French France', networkLocale: 'France' });
  assert.equal(s?.musicOnHold, { userHoldAudioSource: 'SampleAudioSource', networkHoldAudioSource: null });
  assert.equal(s?.options, { speakerphone: false, speakerphoneAndHeadset: true, video: false, pcPort: true, extensionMobility: true });
  assert.is(view.items[2]?.settings.speedDials.length, 1);
});

test("phone settings: another user's phone is not_owner for every command, nothing appended", async () => {
  const f = await fixture();
  const p = f.sc.phone;
  const d = { deviceName: BOBS };
  for (const task of [
    () => failure(p.changeMacAddress(f.alice, { ...d, macAddress: '001122334499' })),
    () => failure(p.rename(f.alice, { ...d, name: 'Mine now' })),
    () => failure(p.setDisplayLanguage(f.alice, { ...d, displayLanguage: 'French France' })),
    () => failure(p.setSpeedDials(f.alice, { ...d, speedDials: [] })),
    () => failure(p.addSpeedDial(f.alice, { ...d, number: '1' })),
    () => failure(p.removeSpeedDial(f.alice, { ...d, position: 1 })),
    () => failure(p.setDoNotDisturb(f.alice, { ...d, enabled: true })),
    () => failure(p.setLocale(f.alice, { ...d, userLocale: 'French France' })),
    () => failure(p.setMusicOnHold(f.alice, { ...d, userHoldAudioSource: null })),
    () => failure(p.setOptions(f.alice, { ...d, video: false })),
    // an unknown device is not the user's either
    () => failure(p.setDoNotDisturb(f.alice, { deviceName: 'SEPFFFFFFFFFFF0', enabled: true })),
    // nor is it for an administrator acting for alice
    () => failure(p.setDoNotDisturb(f.forUser('alice'), { ...d, enabled: true })),
  ])
    await refusedWith(f, task, 'not_owner', 'deviceName');
});

test('phone settings: bad input is refused naming the field, nothing appended', async () => {
  const f = await fixture();
  const p = f.sc.phone;
  const cases: [() => Promise<unknown>, string, string][] = [
    [() => failure(p.changeMacAddress(f.alice, { deviceName: PHONE, macAddress: '00:11:22:33:44' })), 'invalid_input', 'macAddress'],
    [() => failure(p.changeMacAddress(f.alice, { deviceName: PHONE, macAddress: '00AA00BB00CC' })), 'mac_in_use', 'macAddress'],
    [() => failure(p.changeMacAddress(f.alice, { deviceName: 'EMPALICE', macAddress: '001122334499' })), 'not_applicable', 'macAddress'],
    [
      () => failure(p.setSpeedDials(f.alice, { deviceName: PHONE, speedDials: [{ number: '555-CALL-NOW' }] })),
      'invalid_input',
      'speedDials[0].number',
    ],
    [() => failure(p.addSpeedDial(f.alice, { deviceName: PHONE, number: '12', label: 'L'.repeat(31) })), 'invalid_input', 'label'],
    [() => failure(p.setDoNotDisturb(f.alice, { deviceName: PHONE, enabled: 'yes' })), 'invalid_input', 'enabled'],
    [
      () => failure(p.setDoNotDisturb(f.alice, { deviceName: PHONE, enabled: true, incomingCallOption: 'explode' })),
      'invalid_input',
      'incomingCallOption',
    ],
    [() => failure(p.setLocale(f.alice, { deviceName: PHONE, userLocale: 'Klingon Empire' })), 'locale_not_installed', 'userLocale'],
    [
      () => failure(p.setMusicOnHold(f.alice, { deviceName: PHONE, networkHoldAudioSource: 'Radio Nowhere' })),
      'unknown_audio_source',
      'networkHoldAudioSource',
    ],
    [() => failure(p.setDoNotDisturb(f.alice, { deviceName: 'RDPALICE', enabled: true })), 'not_applicable', 'deviceName'],
    [() => failure(p.setDoNotDisturb(f.alice, { deviceName: 'sep-lowercase', enabled: true })), 'invalid_input', 'deviceName'],
  ];
  for (const [task, code, field] of cases) await refusedWith(f, task, code, field);
});

test('line settings: per line, with loops, unknown lines and other users refused', async () => {
  const f = await fixture();
  const l = f.sc.line;
  await ok(l.setCallForward(f.alice, { deviceName: PHONE, lineIndex: 1, all: { to: 'voicemail' } }));
  await ok(
    l.setCallForward(f.alice, {
      deviceName: PHONE,
      lineIndex: 2,
      busy: { internal: { to: 'number', number: '2002' }, external: { to: 'voicemail' } },
    }),
  );
  await ok(l.setCallerId(f.alice, { deviceName: PHONE, lineIndex: 1, displayName: 'Alice', presentation: 'restricted' }));
  await ok(
    l.setNotification(f.alice, {
      deviceName: PHONE,
      lineIndex: 1,
      calls: { audio: 'ring-once', visual: false },
      messages: { visual: 'light-and-prompt' },
    }),
  );
  await ok(l.setMusicOnHold(f.alice, { deviceName: PHONE, lineIndex: 2, networkHoldAudioSource: 'SampleAudioSource' }));
  const view = await ok(f.sc.carousel(f.alice));
  const [line1, line2] = view.items[0]?.lines ?? [];
  assert.equal(line1?.settings.callForward.all, { to: 'voicemail' });
  assert.equal(line2?.settings.callForward.busy, { internal: { to: 'number', number: '2002' }, external: { to: 'voicemail' } });
  assert.equal(line1?.settings.callerId, { displayName: 'Alice', presentation: 'restricted' });
  assert.equal(line1?.settings.notification, {
    calls: { audio: 'ring-once', visual: false },
    messages: { audio: 'default', visual: 'light-and-prompt' },
  });
  assert.is(line2?.settings.musicOnHold.networkHoldAudioSource, 'SampleAudioSource');

  // A forward-all chain through the user's own lines back to the line is a loop.
  await ok(l.setCallForward(f.alice, { deviceName: 'SEP00AA00BB00CC', lineIndex: 1, all: { to: 'number', number: '2101' } }));
  await ok(l.setCallForward(f.alice, { deviceName: PHONE, lineIndex: 2, all: { to: 'number', number: '2001' } }));
  await refusedWith(
    f,
    () => failure(l.setCallForward(f.alice, { deviceName: PHONE, lineIndex: 1, all: { to: 'number', number: '2011' } })),
    'forward_loop',
    'all',
  );
  await refusedWith(
    f,
    () => failure(l.setCallForward(f.alice, { deviceName: PHONE, lineIndex: 1, noAnswer: { internal: { to: 'number', number: '2001' } } })),
    'forward_loop',
    'noAnswer.internal',
  );
  for (const task of [
    () => failure(l.setCallForward(f.alice, { deviceName: PHONE, lineIndex: 7, all: null })),
    () => failure(l.setCallerId(f.alice, { deviceName: PHONE, lineIndex: 7, presentation: 'allowed' })),
    () => failure(l.setNotification(f.alice, { deviceName: PHONE, lineIndex: 7, calls: { visual: true } })),
    () => failure(l.setMusicOnHold(f.alice, { deviceName: PHONE, lineIndex: 7, userHoldAudioSource: null })),
  ])
    await refusedWith(f, task, 'unknown_line', 'lineIndex');
  for (const task of [
    () => failure(l.setCallForward(f.alice, { deviceName: BOBS, lineIndex: 1, all: null })),
    () => failure(l.setCallerId(f.alice, { deviceName: BOBS, lineIndex: 1, presentation: 'allowed' })),
    () => failure(l.setNotification(f.alice, { deviceName: BOBS, lineIndex: 1, calls: { visual: true } })),
    () => failure(l.setMusicOnHold(f.alice, { deviceName: BOBS, lineIndex: 1, userHoldAudioSource: null })),
  ])
    await refusedWith(f, task, 'not_owner', 'deviceName');
  await refusedWith(
    f,
    () => failure(l.setCallForward(f.alice, { deviceName: PHONE, lineIndex: 1, all: { to: 'number', number: 'call-me' } })),
    'invalid_input',
    'all.number',
  );
});

test('user settings: name, email, primary phone', async () => {
  const f = await fixture();
  const u = f.sc.user;
  await ok(u.changeName(f.alice, { firstName: 'Alicia', lastName: 'Anders-Smith' }));
  await ok(u.changeEmail(f.alice, { email: 'alicia@example.com' }));
  await ok(u.changePrimaryPhone(f.alice, { primaryPhone: 'SEP00AA00BB00CC' }));
  const me = await ok(f.sc.userSettings(f.alice));
  assert.equal(me.personal, { firstName: 'Alicia', lastName: 'Anders-Smith', email: 'alicia@example.com' });
  assert.is(me.primaryPhone, 'SEP00AA00BB00CC');
  const named = (await f.log()).filter((e) => e.type === 'NameChanged' || e.type === 'EmailChanged');
  for (const e of named) assert.equal(Object.keys(e.data as object).sort(), ['personal', 'userId']);
  await refusedWith(f, () => failure(u.changeEmail(f.alice, { email: 'alice.example.com' })), 'invalid_input', 'email');
  await refusedWith(f, () => failure(u.changeName(f.alice, { firstName: '', lastName: 'X' })), 'invalid_input', 'firstName');
  await refusedWith(f, () => failure(u.changePrimaryPhone(f.alice, { primaryPhone: BOBS })), 'not_owner', 'primaryPhone');
  await refusedWith(f, () => failure(u.changePrimaryPhone(f.alice, { primaryPhone: 'EMPALICE' })), 'not_owner', 'primaryPhone');
});

test('user settings: password with the current one, policy and history; other sessions end', async () => {
  const f = await fixture();
  const u = f.sc.user;
  const other = await f.loginAs('alice');
  await refusedWith(f, () => failure(u.changePassword(f.alice, { newPassword: 'Another-Pass-77' })), 'invalid_input', 'currentPassword');
  assert.is(
    (await failure(u.changePassword(f.alice, { currentPassword: 'not-it', newPassword: 'Another-Pass-77' }))).code,
    'current_password_wrong',
  );
  await refusedWith(
    f,
    () => failure(u.changePassword(f.alice, { currentPassword: 'Selfcare!2026', newPassword: 'short' })),
    'password_too_short',
    'newPassword',
    // The core module records the successful check of the current password (CredentialVerified); nothing is set.
    ['selfcare-account-alice CredentialVerified'],
  );
  for (const [newPassword, code] of [
    ['Anders-Pass-2026', 'password_contains_name'], // alice's last name
    ['password123', 'password_blocklisted'],
  ] as const)
    await refusedWith(f, () => failure(u.changePassword(f.alice, { currentPassword: 'Selfcare!2026', newPassword })), code, 'newPassword', [
      'selfcare-account-alice CredentialVerified',
    ]);
  await refusedWith(
    f,
    () => failure(u.changePassword(f.alice, { currentPassword: 'Selfcare!2026', newPassword: 'Selfcare!2026' })),
    'credential_reused',
    'newPassword',
    ['selfcare-account-alice CredentialVerified'],
  );
  await ok(u.changePassword(f.alice, { currentPassword: 'Selfcare!2026', newPassword: 'Another-Pass-77' }));
  assert.ok(await ok(f.sc.login({ userId: 'alice', password: 'Another-Pass-77' })));
  // The session that changed it stays; the other one was closed.
  await ok(f.sc.carousel(f.alice));
  assert.is((await failure(f.sc.carousel(other))).code, 'not_authenticated');
  // An administrator acting for the user needs no current password.
  await ok(u.changePassword(f.forUser('alice'), { newPassword: 'Admin-Chosen-55' }));
  const set = (await f.log()).filter((e) => e.type === 'AccountPasswordSet').map((e) => (e.data as { source: string }).source);
  assert.equal(set.slice(-2), ['user', 'administrator']);
});

test('user settings: phone PIN and voicemail PIN are separate, with trivial-PIN and history rules', async () => {
  const f = await fixture();
  const u = f.sc.user;
  await ok(u.changePhonePin(f.alice, { pin: '73915824' }));
  await ok(u.changeVoicemailPin(f.alice, { pin: '73915824' }));
  assert.ok((await f.hasSecret('alice', 'pin')) && (await f.hasSecret('alice', 'voicemail-pin')));
  // Stored as the core module verifies it: the new PIN opens, another does not.
  const check = async (secret: string) =>
    (await ok(f.credentials.verify({ subject: 'alice', kind: 'pin', secret, deviceKey: 'test' }))).result;
  assert.is(await check('73915824'), 'verified');
  assert.is(await check('51739264'), 'wrong_secret');
  const trivial: [string, string][] = [
    ['11123456', 'pin_repeated_digit'],
    ['12345678', 'pin_sequential'],
    ['40814081', 'pin_repeated_group'],
    ['38200147', 'pin_contains_extension'], // contains the extension 2001
    ['147258369', 'pin_keypad_line'], // the keypad's three columns
    ['13579246', 'pin_blocklisted'],
    ['1234', 'pin_too_short'],
    ['12ab5678', 'pin_not_digits'],
  ];
  for (const [pin, code] of trivial) await refusedWith(f, () => failure(u.changePhonePin(f.alice, { pin })), code, 'pin');
  await refusedWith(f, () => failure(u.changeVoicemailPin(f.alice, { pin: '73915824' })), 'credential_reused', 'pin');
  const pins = (await f.log()).filter((e) => e.type === 'PinChanged').map((e) => e.data);
  assert.equal(pins, [
    { userId: 'alice', pin: 'phone', by: 'user' },
    { userId: 'alice', pin: 'voicemail', by: 'user' },
  ]);
});

test('single number reach: add, update, remove; bounds and ownership', async () => {
  const f = await fixture();
  const s = f.sc.snr;
  const added = await ok(
    s.addAlternateNumber(f.alice, {
      number: '+15551234567',
      description: 'Mobile',
      mobile: true,
      timers: { answerTooSoon: 20, answerTooLate: 250, delayBeforeRinging: 30 },
      lines: [{ deviceName: PHONE, lineIndex: 1 }],
    }),
  );
  const data = added.events[0]?.data as { id: string; personal: object };
  const id = data.id;
  assert.equal(Object.keys(data.personal).sort(), ['description', 'number']);
  await ok(s.updateAlternateNumber(f.alice, { id, reachMeAnywhere: false }));
  let list = await ok(f.sc.singleNumberReach(f.alice));
  assert.equal(
    list.map((a) => [a.personal.number, a.reachMeAnywhere, a.mobile, a.timers.answerTooLate]),
    [['+15551234567', false, true, 250]],
  );
  const cases: [() => Promise<unknown>, string, string][] = [
    [() => failure(s.addAlternateNumber(f.alice, { number: '555-1234' })), 'invalid_input', 'number'],
    [
      () => failure(s.addAlternateNumber(f.alice, { number: '5551', timers: { answerTooLate: -1 } })),
      'invalid_input',
      'timers.answerTooLate',
    ],
    [
      () => failure(s.addAlternateNumber(f.alice, { number: '5551', timers: { delayBeforeRinging: 100000 } })),
      'invalid_input',
      'timers.delayBeforeRinging',
    ],
    [
      () => failure(s.addAlternateNumber(f.alice, { number: '5551', timers: { answerTooSoon: 100, answerTooLate: 50 } })),
      'timers_inconsistent',
      'timers.answerTooSoon',
    ],
    [() => failure(s.addAlternateNumber(f.alice, { number: '2001' })), 'alternate_number_is_own_line', 'number'],
    [() => failure(s.addAlternateNumber(f.alice, { number: '+15551234567' })), 'alternate_number_exists', 'number'],
    [
      () => failure(s.addAlternateNumber(f.alice, { number: '5551', lines: [{ deviceName: BOBS, lineIndex: 1 }] })),
      'not_owner',
      'lines[0].deviceName',
    ],
    [
      () => failure(s.addAlternateNumber(f.alice, { number: '5551', lines: [{ deviceName: PHONE, lineIndex: 5 }] })),
      'unknown_line',
      'lines[0].lineIndex',
    ],
    [() => failure(s.removeAlternateNumber(f.alice, { id: 'nope' })), 'alternate_number_not_found', 'id'],
  ];
  for (const [task, code, field] of cases) await refusedWith(f, task, code, field);
  // Bob sees and changes only his own list.
  assert.equal(await ok(f.sc.singleNumberReach(f.bob)), []);
  await refusedWith(f, () => failure(s.removeAlternateNumber(f.bob, { id })), 'alternate_number_not_found', 'id');
  await ok(s.removeAlternateNumber(f.alice, { id }));
  list = await ok(f.sc.singleNumberReach(f.alice));
  assert.equal(list, []);
});

test('hidden features are refused by the commands, naming the feature', async () => {
  const f = await fixture();
  await ok(f.sc.admin.setVisibleFeatures(f.admin, { page: 'phone', features: 'General,SpeedDials,Locale,MusicOnHold,Others#' }));
  await ok(f.sc.admin.setVisibleFeatures(f.admin, { page: 'line', features: ['CallerId'] }));
  await ok(f.sc.admin.setVisibleFeatures(f.admin, { page: 'user', features: ['Information'] }));
  await ok(f.sc.admin.setVisibleFeatures(f.admin, { page: 'snr', features: [] }));
  const hidden: [() => Promise<unknown>, string][] = [
    [() => failure(f.sc.phone.setDoNotDisturb(f.alice, { deviceName: PHONE, enabled: true })), 'DoNotDisturb'],
    [() => failure(f.sc.line.setCallForward(f.alice, { deviceName: PHONE, lineIndex: 1, all: { to: 'voicemail' } })), 'CallForward'],
    [() => failure(f.sc.line.setNotification(f.alice, { deviceName: PHONE, lineIndex: 1, calls: { visual: false } })), 'Notification'],
    [() => failure(f.sc.user.changePhonePin(f.alice, { pin: '73915824' })), 'Pin'],
    [() => failure(f.sc.user.changePassword(f.alice, { currentPassword: 'Selfcare!2026', newPassword: 'Another-Pass-77' })), 'Password'],
    [() => failure(f.sc.snr.addAlternateNumber(f.alice, { number: '5551' })), 'AlternateNumbers'],
    [() => failure(f.sc.phone.setDoNotDisturb(f.forUser('alice'), { deviceName: PHONE, enabled: true })), 'DoNotDisturb'],
  ];
  for (const [task, feature] of hidden) {
    const before = (await f.log()).length;
    const e = (await task()) as { code: string; details?: { feature?: string } };
    assert.is(e.code, 'feature_hidden');
    assert.is(e.details?.feature, feature);
    assert.is((await f.log()).length, before);
  }
  // The hidden PIN was not changed behind the refusal.
  assert.not.ok(await f.hasSecret('alice', 'pin'));
  // Visible features still work, and the view lists what is shown.
  await ok(f.sc.phone.setSpeedDials(f.alice, { deviceName: PHONE, speedDials: [{ number: '1' }] }));
  await ok(f.sc.line.setCallerId(f.alice, { deviceName: PHONE, lineIndex: 1, presentation: 'restricted' }));
  const view = await ok(f.sc.carousel(f.alice));
  assert.equal(view.visible.line, ['CallerId']);
  assert.equal(view.visible.phone, ['General', 'SpeedDials', 'Locale', 'MusicOnHold', 'Others']);
  const bad = await failure(f.sc.admin.setVisibleFeatures(f.admin, { page: 'user', features: 'Information,Teleport' }));
  assert.equal([bad.code, bad.field], ['unknown_feature', 'features[1]']);
});

test('queries are authorized like commands: own data only', async () => {
  const f = await fixture();
  const bobView = await ok(f.sc.carousel(f.bob));
  assert.equal(
    bobView.items.map((i) => i.deviceName),
    [BOBS],
  );
  assert.is((await failure(f.sc.carousel(f.admin))).code, 'subject_required');
  assert.is((await ok(f.sc.userSettings(f.forUser('bob')))).userId, 'bob');
});

test.run();
