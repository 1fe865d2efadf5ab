import { decodeWith } from '@selfprov/core';
import { deciderSpec } from '@selfprov/core/testkit';
import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { defaultCatalog } from '../shared/catalog.js';
import { MacAddress } from '../shared/codecs.js';
import { ChangeMacAddressInput, MAX_SPEED_DIALS, SetSpeedDialsInput, SpeedDialNumber } from './codecs.js';
import type { PhoneFacts } from './commands.js';
import { pauseSeconds, phoneSettingsDecider } from './decider.js';
import type { PhoneSettingsEvent } from './events.js';

const spec = deciderSpec(phoneSettingsDecider);
const deviceName = 'SEP001122334455' as never;
const facts: PhoneFacts = { subject: 'alice', owner: 'alice', kind: 'phone', catalog: defaultCatalog, macUsedBy: null };
const bobs: PhoneFacts = { ...facts, owner: 'bob' };
const on = { deviceName: 'SEP001122334455', userId: 'alice' };

test('speed dials: numbered in order, commas kept as 2-second pauses', () => {
  spec
    .given([])
    .when({
      type: 'SetSpeedDials',
      data: { deviceName, speedDials: [{ number: '5551234,,,42#', label: 'Bank' }, { number: '+33123456789' }] },
      facts,
    })
    .thenEvents([
      {
        type: 'SpeedDialsChanged',
        data: {
          ...on,
          speedDials: [
            { position: 1, number: '5551234,,,42#', label: 'Bank' },
            { position: 2, number: '+33123456789', label: '' },
          ],
        },
      },
    ]);
  assert.is(pauseSeconds('5551234,,,42#'), 6);
});

test('speed dials: add up to the maximum, remove renumbers', () => {
  const full: PhoneSettingsEvent = {
    type: 'SpeedDialsChanged',
    data: { ...on, speedDials: Array.from({ length: MAX_SPEED_DIALS }, (_, i) => ({ position: i + 1, number: `${1000 + i}`, label: '' })) },
  };
  spec
    .given([full])
    .when({ type: 'AddSpeedDial', data: { deviceName, number: '42' }, facts })
    .thenError('too_many_speed_dials');
  const two: PhoneSettingsEvent = {
    type: 'SpeedDialsChanged',
    data: {
      ...on,
      speedDials: [
        { position: 1, number: '1', label: 'a' },
        { position: 2, number: '2', label: 'b' },
      ],
    },
  };
  spec
    .given([two])
    .when({ type: 'RemoveSpeedDial', data: { deviceName, position: 1 }, facts })
    .thenState((s) => assert.equal(s.speedDials, [{ position: 1, number: '2', label: 'b' }]));
  spec
    .given([two])
    .when({ type: 'RemoveSpeedDial', data: { deviceName, position: 3 }, facts })
    .thenError('speed_dial_not_found');
});

test('speed-dial numbers: letters and empty refused, any number of commas accepted (property)', () => {
  const ok = (s: string) => E.isRight(decodeWith(SpeedDialNumber)(s));
  assert.not.ok(ok('555-CALL'));
  assert.not.ok(ok(''));
  assert.not.ok(ok(',,,'));
  fc.assert(
    fc.property(fc.stringMatching(/^[0-9]{1,10}$/), fc.nat({ max: 200 }), (digits, commas) => ok(`${digits}${','.repeat(commas)}1`)),
  );
  fc.assert(
    fc.property(
      fc.string({ minLength: 1, maxLength: 20 }).filter((s) => /[A-Za-z]/.test(s)),
      (s) => !ok(s),
    ),
  );
  const r = decodeWith(SetSpeedDialsInput)({ deviceName: 'SEP001122334455', speedDials: [{ number: '12' }, { number: 'abc' }] });
  assert.is(E.isLeft(r) && r.left.field, 'speedDials[1].number');
  const tooMany = decodeWith(SetSpeedDialsInput)({
    deviceName: 'SEP001122334455',
    speedDials: Array.from({ length: 100 }, () => ({ number: '1' })),
  });
  assert.is(E.isLeft(tooMany) && tooMany.left.field, 'speedDials');
  const label = decodeWith(SetSpeedDialsInput)({ deviceName: 'SEP001122334455', speedDials: [{ number: '1', label: 'x'.repeat(31) }] });
  assert.is(E.isLeft(label) && label.left.field, 'speedDials[0].label');
});

test('MAC addresses: separators normalised, malformed refused naming the field (property)', () => {
  assert.equal(decodeWith(MacAddress)('00:11:22:aa:bb:cc'), E.right('001122AABBCC'));
  assert.equal(decodeWith(MacAddress)('0011.22aa.bbcc'), E.right('001122AABBCC'));
  for (const bad of ['00:11:22:33:44', '00112233445G', 'FF:FF:FF:FF:FF:FF', '000000000000', '00:11-22:33:44:55:66x']) {
    const r = decodeWith(ChangeMacAddressInput)({ deviceName: 'SEP001122334455', macAddress: bad });
    assert.is(E.isLeft(r) && r.left.field, 'macAddress', bad);
  }
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 6, maxLength: 6 }), (bytes) => {
      const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(':');
      const r = decodeWith(MacAddress)(hex);
      const flat = hex.replace(/:/g, '').toUpperCase();
      return flat === '000000000000' || flat === 'FFFFFFFFFFFF' ? E.isLeft(r) : E.isRight(r) && r.right === flat;
    }),
  );
});

test("another user's phone is refused for every command", () => {
  const commands = [
    { type: 'ChangeMacAddress', data: { deviceName, macAddress: '001122334466' } },
    { type: 'SetSpeedDials', data: { deviceName, speedDials: [] } },
    { type: 'AddSpeedDial', data: { deviceName, number: '1' } },
    { type: 'RemoveSpeedDial', data: { deviceName, position: 1 } },
    { type: 'SetDoNotDisturb', data: { deviceName, enabled: true } },
    { type: 'SetLocale', data: { deviceName, userLocale: 'French France' } },
    { type: 'SetPhoneMusicOnHold', data: { deviceName, userHoldAudioSource: 'SampleAudioSource' } },
    { type: 'SetPhoneOptions', data: { deviceName, video: false } },
    { type: 'RenamePhone', data: { deviceName, name: 'Desk' } },
    { type: 'SetDisplayLanguage', data: { deviceName, displayLanguage: 'French France' } },
  ] as const;
  for (const c of commands) {
    spec
      .given([])
      .when({ ...c, facts: bobs } as never)
      .thenError('not_owner', { field: 'deviceName' });
    spec
      .given([])
      .when({ ...c, facts: { ...facts, owner: null } } as never)
      .thenError('not_owner');
  }
});

test('MAC: only on a phone, and not one another phone uses', () => {
  spec
    .given([])
    .when({
      type: 'ChangeMacAddress',
      data: { deviceName, macAddress: '001122334466' as never },
      facts: { ...facts, kind: 'extension-mobility-profile' },
    })
    .thenError('not_applicable', { field: 'macAddress' });
  spec
    .given([])
    .when({
      type: 'ChangeMacAddress',
      data: { deviceName, macAddress: '001122334466' as never },
      facts: { ...facts, macUsedBy: 'SEP001122334466' },
    })
    .thenError('mac_in_use', { field: 'macAddress' });
  spec
    .given([])
    .when({ type: 'ChangeMacAddress', data: { deviceName, macAddress: '001122334466' as never }, facts })
    .thenEvents([{ type: 'PhoneMacAddressChanged', data: { ...on, macAddress: '001122334466' } }]);
});

test('phone settings do not apply to a remote destination profile', () => {
  spec
    .given([])
    .when({ type: 'SetDoNotDisturb', data: { deviceName, enabled: true }, facts: { ...facts, kind: 'remote-destination-profile' } })
    .thenError('not_applicable');
});

test('do not disturb: on/off with the incoming-call option kept when not given', () => {
  spec
    .given([])
    .when({ type: 'SetDoNotDisturb', data: { deviceName, enabled: true, incomingCallOption: 'call-reject' }, facts })
    .thenEvents([{ type: 'DoNotDisturbChanged', data: { ...on, enabled: true, incomingCallOption: 'call-reject' } }]);
  spec
    .given([{ type: 'DoNotDisturbChanged', data: { ...on, enabled: true, incomingCallOption: 'beep-only' } }])
    .when({ type: 'SetDoNotDisturb', data: { deviceName, enabled: false }, facts })
    .thenEvents([{ type: 'DoNotDisturbChanged', data: { ...on, enabled: false, incomingCallOption: 'beep-only' } }]);
  spec
    .given([])
    .when({ type: 'SetDoNotDisturb', data: { deviceName, enabled: false }, facts })
    .thenNothing();
});

test('locales and display language must be installed', () => {
  spec
    .given([])
    .when({ type: 'SetLocale', data: { deviceName, userLocale: 'Klingon' as never }, facts })
    .thenError('locale_not_installed', { field: 'userLocale' });
  spec
    .given([])
    .when({ type: 'SetLocale', data: { deviceName, networkLocale: 'Atlantis' as never }, facts })
    .thenError('locale_not_installed', { field: 'networkLocale' });
  spec
    .given([])
    .when({ type: 'SetLocale', data: { deviceName, userLocale: 'French France' as never, networkLocale: 'France' as never }, facts })
    .thenEvents([{ type: 'PhoneLocaleChanged', data: { ...on, userLocale: 'French France', networkLocale: 'France' } }]);
  spec
    .given([])
    .when({ type: 'SetDisplayLanguage', data: { deviceName, displayLanguage: 'Klingon' as never }, facts })
    .thenError('locale_not_installed', { field: 'displayLanguage' });
});

test('music on hold: the audio source must exist', () => {
  spec
    .given([])
    .when({ type: 'SetPhoneMusicOnHold', data: { deviceName, networkHoldAudioSource: 'Radio' as never }, facts })
    .thenError('unknown_audio_source', { field: 'networkHoldAudioSource' });
  spec
    .given([])
    .when({ type: 'SetPhoneMusicOnHold', data: { deviceName, userHoldAudioSource: 'SampleAudioSource' as never }, facts })
    .thenEvents([
      { type: 'PhoneMusicOnHoldChanged', data: { ...on, userHoldAudioSource: 'SampleAudioSource', networkHoldAudioSource: null } },
    ]);
});

test('others: flags merge into the whole set', () => {
  spec
    .given([])
    .when({ type: 'SetPhoneOptions', data: { deviceName, speakerphone: false, extensionMobility: true }, facts })
    .thenEvents([
      {
        type: 'PhoneOptionsChanged',
        data: { ...on, options: { speakerphone: false, speakerphoneAndHeadset: true, video: true, pcPort: true, extensionMobility: true } },
      },
    ]);
});

test('rename', () => {
  spec
    .given([])
    .when({ type: 'RenamePhone', data: { deviceName, name: 'Desk phone' }, facts })
    .thenEvents([{ type: 'PhoneRenamed', data: { ...on, name: 'Desk phone' } }]);
  spec
    .given([{ type: 'PhoneRenamed', data: { ...on, name: 'Desk phone' } }])
    .when({ type: 'RenamePhone', data: { deviceName, name: 'Desk phone' }, facts })
    .thenNothing();
});

test.run();
