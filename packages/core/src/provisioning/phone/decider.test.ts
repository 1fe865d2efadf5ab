import * as E from 'fp-ts/lib/Either.js';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { deciderSpec } from '../../testkit/index.js';
import { decodePhoneCommand, type PhoneCommand } from './commands.js';
import { phoneDecider } from './decider.js';
import type { PhoneEvent } from './events.js';

const spec = deciderSpec(phoneDecider);

const cmd = (input: Record<string, unknown>): PhoneCommand => {
  const decoded = decodePhoneCommand(input);
  if (E.isLeft(decoded)) throw new Error(`bad test command: ${JSON.stringify(decoded.left)}`);
  return decoded.right;
};

const deviceName = 'SEP00112233AABB';
const autoRegistered: PhoneEvent = {
  type: 'PhoneAutoRegistered',
  data: {
    deviceName,
    mac: '00112233AABB',
    model: 'Cisco 8845',
    protocol: 'SIP',
    clusterId: 'c1',
    directoryNumber: '1000',
    deviceTemplate: 'Auto UDT',
    lineTemplate: 'Auto ULT',
  },
};
const standardLine = { index: 1, dn: '2001', lineTemplate: 'Standard Line' };
const provisionedFor = (owner: string): PhoneEvent => ({
  type: 'PhoneProvisioned',
  data: {
    deviceName,
    clusterId: 'c1',
    owner,
    deviceTemplate: 'Standard Desk Phone',
    lines: [standardLine],
    releasedDirectoryNumber: '1000',
  },
});
const unregistered: PhoneEvent = { type: 'PhoneUnregistered', data: { deviceName } };
const provision = (owner: string, allowOwnedByOtherUser = false, extra: Record<string, unknown> = {}) =>
  cmd({
    type: 'ProvisionPhone',
    deviceName,
    owner,
    deviceTemplate: 'Standard Desk Phone',
    lines: [standardLine],
    allowOwnedByOtherUser,
    ...extra,
  });

test('AutoRegisterPhone creates the phone, auto-registered with the temporary DN on line 1', () => {
  spec
    .given([])
    .when(
      cmd({
        type: 'AutoRegisterPhone',
        deviceName,
        mac: '00:11:22:33:aa:bb',
        model: 'Cisco 8845',
        protocol: 'SIP',
        clusterId: 'c1',
        directoryNumber: '1000',
        deviceTemplate: 'Auto UDT',
        lineTemplate: 'Auto ULT',
      }),
    )
    .thenEvents([autoRegistered]);
  spec
    .given([autoRegistered])
    .when(cmd({ type: 'RecordRegistration', deviceName, registered: true }))
    .thenState((s) => {
      assert.is(s.state, 'autoregistered');
      assert.is(s.registered, true);
      assert.equal(s.lines, [{ index: 1, dn: '1000', lineTemplate: 'Auto ULT' }]);
      assert.is(s.deviceTemplate, 'Auto UDT');
    });
});

test('AutoRegisterPhone of an existing phone is refused: a MAC exists once', () => {
  spec
    .given([autoRegistered])
    .when(
      cmd({
        type: 'AutoRegisterPhone',
        deviceName,
        mac: '00112233AABB',
        model: 'x',
        protocol: 'SIP',
        clusterId: 'c1',
        directoryNumber: '1001',
      }),
    )
    .thenError('mac_already_registered', { field: 'mac' });
});

test('a removed phone, or one replaced and kept, may auto-register again', () => {
  const again = cmd({
    type: 'AutoRegisterPhone',
    deviceName,
    mac: '00112233AABB',
    model: 'x',
    protocol: 'SIP',
    clusterId: 'c1',
    directoryNumber: '1005',
  });
  const replaced = (disposition: 'keep' | 'delete'): PhoneEvent => ({
    type: 'PhoneReplaced',
    data: { deviceName, replacedBy: 'SEP001122334455', disposition },
  });
  spec
    .given([autoRegistered, provisionedFor('alice'), unregistered, replaced('keep')])
    .when(again)
    .thenState((s) => {
      assert.is(s.state, 'autoregistered');
      assert.is(s.owner, undefined);
      assert.is(s.replacedBy, undefined);
      assert.equal(s.lines, [{ index: 1, dn: '1005' }]);
    });
  spec
    .given([
      autoRegistered,
      provisionedFor('alice'),
      unregistered,
      replaced('delete'),
      { type: 'PhoneRemoved', data: { deviceName, reason: 'replaced' } },
    ])
    .when(again)
    .thenState((s) => assert.is(s.exists, true));
});

test('RecordRegistration toggles the SIP status; the same status changes nothing', () => {
  spec
    .given([autoRegistered])
    .when(cmd({ type: 'RecordRegistration', deviceName, registered: false }))
    .thenEvents([unregistered]);
  spec
    .given([autoRegistered])
    .when(cmd({ type: 'RecordRegistration', deviceName, registered: true }))
    .thenNothing();
  spec
    .given([])
    .when(cmd({ type: 'RecordRegistration', deviceName, registered: true }))
    .thenError('phone_not_found', { field: 'deviceName' });
});

test('ProvisionPhone applies the templates, puts the extension on line 1, releases the temporary DN and requests a reset', () => {
  spec
    .given([autoRegistered])
    .when(provision('alice'))
    .thenEvents([provisionedFor('alice'), { type: 'PhoneResetRequested', data: { deviceName, reason: 'provisioned' } }]);
  spec
    .given([autoRegistered])
    .when(provision('alice'))
    .thenState((s) => {
      assert.is(s.state, 'provisioned');
      assert.is(s.owner, 'alice');
      assert.is(s.deviceTemplate, 'Standard Desk Phone');
      assert.equal(s.lines, [standardLine]);
    });
});

test('ProvisionPhone of an already provisioned phone of the same user: "device cannot be provisioned"', () => {
  spec
    .given([autoRegistered, provisionedFor('alice')])
    .when(provision('alice', true))
    .thenError('phone_already_provisioned', {
      field: 'deviceName',
      message: 'device cannot be provisioned: phone SEP00112233AABB is already provisioned',
    });
});

test('ProvisionPhone of a phone owned by another user: refused unless the profile allows it', () => {
  spec
    .given([autoRegistered, provisionedFor('bob')])
    .when(provision('alice'))
    .thenError('phone_owned_by_other_user', { field: 'deviceName' });
  spec
    .given([autoRegistered, provisionedFor('bob')])
    .when(provision('alice', true))
    .thenMatches((events) => {
      const first = events[0];
      assert.is(first?.type, 'PhoneProvisioned');
      if (first?.type === 'PhoneProvisioned') {
        assert.is(first.data.previousOwner, 'bob');
        assert.is(first.data.owner, 'alice');
        // Not auto-registered any more: there is no temporary DN to release.
        assert.is(first.data.releasedDirectoryNumber, undefined);
      }
    });
});

test('ProvisionPhone of an unknown or removed phone is refused', () => {
  spec.given([]).when(provision('alice')).thenError('phone_not_found');
  spec
    .given([autoRegistered, { type: 'PhoneRemoved', data: { deviceName, reason: 'administrator' } }])
    .when(provision('alice'))
    .thenError('phone_not_found');
});

test('ProvisionPhone as a replacement requires an auto-registered phone', () => {
  spec
    .given([autoRegistered, provisionedFor('bob')])
    .when(provision('alice', true, { replaces: 'SEP001122334455' }))
    .thenError('phone_already_provisioned');
  spec
    .given([autoRegistered])
    .when(provision('alice', false, { replaces: 'SEP001122334455' }))
    .thenMatches((events) => assert.equal(events[1], { type: 'PhoneResetRequested', data: { deviceName, reason: 'replaced' } }));
});

test('MarkPhoneReplaced requires the old phone unregistered; delete removes it, keep leaves it ownerless', () => {
  const mark = (disposition: string) => cmd({ type: 'MarkPhoneReplaced', deviceName, replacedBy: 'SEP001122334455', disposition });
  spec
    .given([autoRegistered, provisionedFor('alice')])
    .when(mark('keep'))
    .thenError('old_phone_still_registered');
  spec
    .given([autoRegistered, provisionedFor('alice'), unregistered])
    .when(mark('delete'))
    .thenEvents([
      { type: 'PhoneReplaced', data: { deviceName, replacedBy: 'SEP001122334455', disposition: 'delete' } },
      { type: 'PhoneRemoved', data: { deviceName, reason: 'replaced' } },
    ]);
  spec
    .given([autoRegistered, provisionedFor('alice'), unregistered])
    .when(mark('keep'))
    .thenState((s) => {
      assert.is(s.exists, true);
      assert.is(s.owner, undefined);
      assert.equal(s.lines, []);
      assert.is(s.replacedBy, 'SEP001122334455');
    });
  spec.given([autoRegistered, unregistered]).when(mark('keep')).thenError('phone_not_provisioned');
});

test('a command for another phone than the stream holds is refused', () => {
  spec
    .given([autoRegistered])
    .when(cmd({ type: 'RecordRegistration', deviceName: 'SEP001122334455', registered: false }))
    .thenError('wrong_stream');
});

test('RequestPhoneReset and RemovePhone', () => {
  spec
    .given([autoRegistered])
    .when(cmd({ type: 'RequestPhoneReset', deviceName, reason: 'administrator' }))
    .thenEvents([{ type: 'PhoneResetRequested', data: { deviceName, reason: 'administrator' } }]);
  spec
    .given([autoRegistered])
    .when(cmd({ type: 'RemovePhone', deviceName, reason: 'administrator' }))
    .thenState((s) => {
      assert.is(s.exists, false);
      assert.is(s.removed, true);
    });
});

test('decodePhoneCommand normalises MACs and names the field at fault', () => {
  const ok = decodePhoneCommand({
    type: 'AutoRegisterPhone',
    deviceName,
    mac: '0011.2233.aabb',
    model: 'm',
    protocol: 'SIP',
    clusterId: 'c1',
    directoryNumber: '1000',
  });
  assert.ok(E.isRight(ok));
  if (E.isRight(ok) && ok.right.type === 'AutoRegisterPhone') assert.is(ok.right.mac, '00112233AABB');
  const cases: [Record<string, unknown>, string][] = [
    [
      { type: 'AutoRegisterPhone', deviceName, mac: '00:11:22:33:aa', model: 'm', protocol: 'SIP', clusterId: 'c1', directoryNumber: '1' },
      'mac',
    ],
    [
      {
        type: 'AutoRegisterPhone',
        deviceName,
        mac: 'FF:FF:FF:FF:FF:FF',
        model: 'm',
        protocol: 'SIP',
        clusterId: 'c1',
        directoryNumber: '1',
      },
      'mac',
    ],
    [
      { type: 'AutoRegisterPhone', deviceName, mac: '001122334455', model: 'm', protocol: 'H323', clusterId: 'c1', directoryNumber: '1' },
      'protocol',
    ],
    [
      { type: 'AutoRegisterPhone', deviceName, mac: '001122334455', model: 'm', protocol: 'SIP', clusterId: 'c1', directoryNumber: '１０' },
      'directoryNumber',
    ],
    [{ type: 'RecordRegistration', deviceName: 'sep001122334455', registered: true }, 'deviceName'],
    [
      { type: 'ProvisionPhone', deviceName, owner: 'a', deviceTemplate: 'T', lines: [{ index: 1, dn: 'x' }], allowOwnedByOtherUser: false },
      'lines[0].dn',
    ],
  ];
  for (const [input, field] of cases) {
    const r = decodePhoneCommand(input);
    assert.ok(E.isLeft(r), JSON.stringify(input));
    if (E.isLeft(r)) assert.is(r.left.field, field, JSON.stringify(r.left));
  }
});

test.run();
