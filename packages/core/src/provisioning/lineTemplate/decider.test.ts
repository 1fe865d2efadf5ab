import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { deciderSpec } from '../../testkit/deciderSpec.js';
import type { LineTemplateCommand } from './commands.js';
import { lineTemplateDecider } from './decider.js';
import type { LineTemplateEvent, LineTemplateFieldsData } from './events.js';

const spec = deciderSpec(lineTemplateDecider);
const cmd = (c: Record<string, unknown>): LineTemplateCommand => c as unknown as LineTemplateCommand;
const name = 'Standard Line';
const create = (extra: Record<string, unknown> = {}) => cmd({ type: 'CreateLineTemplate', name, clusterId: 'c1', ...extra });
const update = (extra: Record<string, unknown> = {}) => cmd({ type: 'UpdateLineTemplate', name, ...extra });
const none = { destination: null, callingSearchSpace: null };
const pair = { internal: none, external: none };
const fields: LineTemplateFieldsData = {
  autoAnswer: 'off',
  forwardAll: { ...none, secondaryCallingSearchSpace: null },
  forwardBusy: pair,
  forwardNoAnswer: pair,
  forwardNoCoverage: pair,
  forwardUnregistered: pair,
  routePartition: null,
  lineDescription: null,
  alertingName: null,
  voicemailProfile: null,
  callingSearchSpace: null,
  callPickupGroup: null,
  noAnswerRingDuration: null,
  enterpriseAltNumberMask: null,
  e164AltNumberMask: null,
};
const created: LineTemplateEvent = { type: 'LineTemplateCreated', data: { name, clusterId: 'c1', fields } };

test('a ULT is created with only a name; unset fields are null in the event and absent in the state', () => {
  spec.given([]).when(create()).thenEvents([created]);
  spec
    .given([])
    .when(create())
    .thenState((s) => {
      assert.ok(s.exists);
      assert.equal(s.forwardBusy, { internal: {}, external: {} });
      assert.not.ok('routePartition' in s);
    });
});

test('a ULT name is unique', () => {
  spec.given([created]).when(create()).thenError('line_template_already_exists', { field: 'name' });
});

test('the line fields and forwards are kept', () => {
  spec
    .given([])
    .when(
      create({
        routePartition: 'Internal',
        lineDescription: '#FirstName# #LastName#',
        alertingName: '#FirstName# #LastName#',
        voicemailProfile: 'Default',
        callingSearchSpace: 'National',
        callPickupGroup: 'Sales',
        autoAnswer: 'headset',
        forwardAll: { callingSearchSpace: 'National', secondaryCallingSearchSpace: 'Internal' },
        forwardBusy: { internal: { destination: '8500' }, external: { destination: '8500', callingSearchSpace: 'National' } },
        forwardNoAnswer: { external: { destination: '+33144556677' } },
        noAnswerRingDuration: 20,
        enterpriseAltNumberMask: '44XXXX',
        e164AltNumberMask: '+3314455XXXX',
      }),
    )
    .thenState((s) => {
      assert.is(s.autoAnswer, 'headset');
      assert.equal(s.forwardAll, { callingSearchSpace: 'National', secondaryCallingSearchSpace: 'Internal' });
      assert.equal(s.forwardBusy, { internal: { destination: '8500' }, external: { destination: '8500', callingSearchSpace: 'National' } });
      assert.equal(s.forwardNoAnswer, { internal: {}, external: { destination: '+33144556677' } });
      assert.is(s.noAnswerRingDuration, 20);
      assert.is(s.alertingName, '#FirstName# #LastName#');
    });
});

test('bad values name the field', () => {
  spec
    .given([])
    .when(create({ lineDescription: 'x'.repeat(51) }))
    .thenError('invalid_input', { field: 'lineDescription' });
  spec
    .given([])
    .when(create({ alertingName: '#Nickname#' }))
    .thenError('invalid_input', { field: 'alertingName' });
  spec
    .given([])
    .when(create({ autoAnswer: 'intercom' }))
    .thenError('invalid_input', { field: 'autoAnswer' });
  spec
    .given([])
    .when(create({ noAnswerRingDuration: 0 }))
    .thenError('invalid_input', { field: 'noAnswerRingDuration' });
  spec
    .given([])
    .when(create({ noAnswerRingDuration: 301 }))
    .thenError('invalid_input', { field: 'noAnswerRingDuration' });
  spec
    .given([])
    .when(create({ forwardBusy: { internal: { destination: 'voicemail' } } }))
    .thenError('invalid_input', {
      field: 'forwardBusy.internal.destination',
    });
  spec
    .given([])
    .when(create({ e164AltNumberMask: '3314455XXXX' }))
    .thenError('invalid_input', { field: 'e164AltNumberMask' });
  spec
    .given([])
    .when(create({ enterpriseAltNumberMask: '+44XXXX' }))
    .thenError('invalid_input', { field: 'enterpriseAltNumberMask' });
  spec
    .given([])
    .when(create({ name: '' }))
    .thenError('invalid_input', { field: 'name' });
});

test('the form is saved again as a whole; the same values change nothing', () => {
  spec
    .given([created])
    .when(update({ routePartition: 'Internal' }))
    .thenEvents([{ type: 'LineTemplateUpdated', data: { name, fields: { ...fields, routePartition: 'Internal' } } }]);
  spec.given([created]).when(update()).thenNothing();
  spec
    .given([created, { type: 'LineTemplateUpdated', data: { name, fields: { ...fields, routePartition: 'Internal' } } }])
    .when(update())
    .thenState((s) => assert.is(s.routePartition, undefined));
});

test('updates of a missing template or naming another are refused', () => {
  spec.given([]).when(update()).thenError('line_template_not_found', { field: 'name' });
  spec
    .given([created])
    .when(update({ name: 'Other' }))
    .thenError('wrong_stream');
});

test.run();
