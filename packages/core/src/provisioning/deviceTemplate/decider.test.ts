import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { deciderSpec } from '../../testkit/deciderSpec.js';
import { renderDescription } from './codecs.js';
import type { DeviceTemplateCommand } from './commands.js';
import { deviceTemplateDecider } from './decider.js';
import type { DeviceTemplateEvent, DeviceTemplateFieldsData } from './events.js';

const spec = deciderSpec(deviceTemplateDecider);
const cmd = (c: Record<string, unknown>): DeviceTemplateCommand => c as unknown as DeviceTemplateCommand;
const name = 'Standard Desk Phone';
const required = {
  deviceDescription: '#FirstName# #LastName# (#Product# #Protocol#)',
  devicePool: 'Default',
  deviceSecurityProfile: 'Universal Device Template - Model-independent Security Profile',
  sipProfile: 'Standard SIP Profile',
  phoneButtonTemplate: 'Universal Device Template Button Layout',
};
const create = (extra: Record<string, unknown> = {}) => cmd({ type: 'CreateDeviceTemplate', name, clusterId: 'c1', ...required, ...extra });
const update = (extra: Record<string, unknown> = {}) => cmd({ type: 'UpdateDeviceTemplate', name, ...required, ...extra });
const fields: DeviceTemplateFieldsData = {
  ...required,
  speedDials: [],
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
};
const created: DeviceTemplateEvent = { type: 'DeviceTemplateCreated', data: { name, clusterId: 'c1', fields } };

test('a UDT is created with its five required fields; unset optional fields are null in the event', () => {
  spec.given([]).when(create()).thenEvents([created]);
  spec
    .given([])
    .when(create())
    .thenState((s) => {
      assert.ok(s.exists);
      assert.is(s.callingSearchSpace, undefined);
      assert.not.ok('callingSearchSpace' in s, 'absent optional fields are absent from the state');
    });
});

test('each of the five required fields is required', () => {
  for (const field of Object.keys(required)) {
    spec
      .given([])
      .when(create({ [field]: undefined }))
      .thenError('invalid_input', { field });
  }
});

test('a UDT name is unique', () => {
  spec.given([created]).when(create()).thenError('device_template_already_exists', { field: 'name' });
});

test('the optional fields are kept', () => {
  spec
    .given([])
    .when(
      create({
        callingSearchSpace: 'Internal',
        commonPhoneProfile: 'Standard Common Phone Profile',
        commonDeviceConfiguration: 'CDC',
        softkeyTemplate: 'Standard User',
        featureControlPolicy: 'FCP',
        location: 'Hub_None',
        userLocale: 'fr_FR',
        doNotDisturb: true,
        dndOption: 'call-reject',
        extensionMobility: true,
        idleUrl: 'http://apps.example.com/idle',
        servicesUrl: 'https://apps.example.com/services',
        busyLampFields: [{ index: 1, destination: '2002', label: 'Bob', callPickup: true }],
      }),
    )
    .thenState((s) => {
      assert.is(s.userLocale, 'fr_FR');
      assert.is(s.dndOption, 'call-reject');
      assert.is(s.servicesUrl, 'https://apps.example.com/services');
      assert.equal(s.busyLampFields, [{ index: 1, destination: '2002', label: 'Bob', callPickup: true }]);
    });
});

test("the vendor's tip (docs/domain.md): a speed dial to the IVR extension", () => {
  spec
    .given([])
    .when(create({ speedDials: [{ index: 1, number: '8000', label: 'Self-provisioning' }] }))
    .thenState((s) => assert.equal(s.speedDials, [{ index: 1, number: '8000', label: 'Self-provisioning' }]));
});

test('speed dials and busy lamp fields: bad numbers, indexes and repeats name the entry', () => {
  spec
    .given([])
    .when(create({ speedDials: [{ index: 1, number: '80 00' }] }))
    .thenError('invalid_input', { field: 'speedDials[0].number' });
  spec
    .given([])
    .when(create({ speedDials: [{ index: 0, number: '8000' }] }))
    .thenError('invalid_input', { field: 'speedDials[0].index' });
  spec
    .given([])
    .when(
      create({
        speedDials: [
          { index: 1, number: '8000' },
          { index: 1, number: '8001' },
        ],
      }),
    )
    .thenError('duplicate_index', {
      field: 'speedDials[1].index',
    });
  spec
    .given([])
    .when(
      create({
        busyLampFields: [
          { index: 2, destination: '2001' },
          { index: 2, destination: '2002' },
        ],
      }),
    )
    .thenError('duplicate_index', { field: 'busyLampFields[1].index' });
  spec
    .given([])
    .when(create({ speedDials: [{ index: 1, number: '8000', label: 'x'.repeat(31) }] }))
    .thenError('invalid_input', {
      field: 'speedDials[0].label',
    });
});

test('description tags: known tags are accepted, unknown ones name the field', () => {
  spec
    .given([])
    .when(create({ deviceDescription: '#UserID# #DN# phone #2' }))
    .thenMatches((e) => assert.is(e.length, 1));
  spec
    .given([])
    .when(create({ deviceDescription: '#FirstName# #Department#' }))
    .thenError('invalid_input', { field: 'deviceDescription' });
  spec
    .given([])
    .when(create({ deviceDescription: 'x'.repeat(129) }))
    .thenError('invalid_input', { field: 'deviceDescription' });
});

test('bad optional values name the field', () => {
  spec
    .given([])
    .when(create({ userLocale: 'en-US' }))
    .thenError('invalid_input', { field: 'userLocale' });
  spec
    .given([])
    .when(create({ idleUrl: 'ftp://x' }))
    .thenError('invalid_input', { field: 'idleUrl' });
  spec
    .given([])
    .when(create({ dndOption: 'silence' }))
    .thenError('invalid_input', { field: 'dndOption' });
  spec
    .given([])
    .when(create({ devicePool: 'Pool\n2' }))
    .thenError('invalid_input', { field: 'devicePool' });
});

test('the form is saved again as a whole; the same values change nothing', () => {
  spec
    .given([created])
    .when(update({ devicePool: 'HQ' }))
    .thenEvents([{ type: 'DeviceTemplateUpdated', data: { name, fields: { ...fields, devicePool: 'HQ' } } }]);
  spec.given([created]).when(update()).thenNothing();
});

test('an update clears the optional fields it omits', () => {
  spec
    .given([created, { type: 'DeviceTemplateUpdated', data: { name, fields: { ...fields, location: 'Paris' } } }])
    .when(update())
    .thenState((s) => assert.is(s.location, undefined));
});

test('updates of a missing template or naming another are refused', () => {
  spec.given([]).when(update()).thenError('device_template_not_found', { field: 'name' });
  spec
    .given([created])
    .when(update({ name: 'Other' }))
    .thenError('wrong_stream');
});

test('renderDescription fills the tags, tidies spaces and respects the length limit', () => {
  assert.is(
    renderDescription('#FirstName# #LastName# (#Product# #Protocol#)', {
      '#FirstName#': 'Alice',
      '#LastName#': 'Martin',
      '#Product#': 'Cisco 8845',
      '#Protocol#': 'SIP',
    }),
    'Alice Martin (Cisco 8845 SIP)',
  );
  assert.is(renderDescription('#FirstName#  #LastName# desk', { '#LastName#': 'Martin' }), 'Martin desk');
  assert.is(renderDescription('#FirstName#', { '#FirstName#': 'x'.repeat(200) }).length, 128);
});

test.run();
