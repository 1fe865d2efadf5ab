import { decodeWith } from '@selfprov/core';
import { deciderSpec } from '@selfprov/core/testkit';
import * as E from 'fp-ts/lib/Either.js';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { defaultCatalog } from '../shared/catalog.js';
import { SetCallerIdInput, SetCallForwardInput } from './codecs.js';
import type { LineFacts } from './commands.js';
import { lineSettingsDecider } from './decider.js';

const spec = deciderSpec(lineSettingsDecider);
const deviceName = 'SEP001122334455' as never;
const facts: LineFacts = {
  subject: 'alice',
  owner: 'alice',
  kind: 'phone',
  lines: [
    { index: 1, directoryNumber: '2001' },
    { index: 2, directoryNumber: '2101' },
  ],
  ownLines: [
    { deviceName: 'SEP001122334455', lineIndex: 1, directoryNumber: '2001', forwardAllNumber: null },
    { deviceName: 'SEP001122334455', lineIndex: 2, directoryNumber: '2101', forwardAllNumber: null },
  ],
  catalog: defaultCatalog,
};
const on = { deviceName: 'SEP001122334455', lineIndex: 1, userId: 'alice' };
const none = { internal: null, external: null };

test('call forward: all to voicemail, internal and external separately', () => {
  spec
    .given([])
    .when({
      type: 'SetCallForward',
      data: {
        deviceName,
        lineIndex: 1,
        all: { to: 'voicemail' },
        busy: { internal: { to: 'number', number: '2002' }, external: { to: 'voicemail' } },
      },
      facts,
    })
    .thenEvents([
      {
        type: 'CallForwardChanged',
        data: {
          ...on,
          callForward: {
            all: { to: 'voicemail' },
            busy: { internal: { to: 'number', number: '2002' }, external: { to: 'voicemail' } },
            noAnswer: none,
            unregistered: none,
          },
        },
      },
    ]);
});

test('call forward: absent conditions unchanged, null clears', () => {
  spec
    .given([
      {
        type: 'CallForwardChanged',
        data: {
          ...on,
          callForward: {
            all: { to: 'voicemail' },
            busy: { internal: { to: 'voicemail' }, external: null },
            noAnswer: none,
            unregistered: none,
          },
        },
      },
    ])
    .when({
      type: 'SetCallForward',
      data: { deviceName, lineIndex: 1, all: null, noAnswer: { external: { to: 'number', number: '+4420' } } },
      facts,
    })
    .thenState((s) =>
      assert.equal(s.callForward, {
        all: null,
        busy: { internal: { to: 'voicemail' }, external: null },
        noAnswer: { internal: null, external: { to: 'number', number: '+4420' } },
        unregistered: none,
      }),
    );
});

test('call forward to the line itself is a loop, in any condition', () => {
  spec
    .given([])
    .when({
      type: 'SetCallForward',
      data: { deviceName, lineIndex: 1, unregistered: { external: { to: 'number', number: '2001' } } },
      facts,
    })
    .thenError('forward_loop', { field: 'unregistered.external' });
  spec
    .given([])
    .when({ type: 'SetCallForward', data: { deviceName, lineIndex: 1, all: { to: 'number', number: '2001' } }, facts })
    .thenError('forward_loop', { field: 'all' });
});

test('forward-all chains through own lines back to the line are loops', () => {
  const chained: LineFacts = {
    ...facts,
    ownLines: [
      { deviceName: 'SEP001122334455', lineIndex: 1, directoryNumber: '2001', forwardAllNumber: null },
      { deviceName: 'SEP001122334455', lineIndex: 2, directoryNumber: '2101', forwardAllNumber: '2011' },
      { deviceName: 'SEP00AA00BB00CC', lineIndex: 1, directoryNumber: '2011', forwardAllNumber: '2001' },
    ],
  };
  spec
    .given([])
    .when({ type: 'SetCallForward', data: { deviceName, lineIndex: 1, all: { to: 'number', number: '2101' } }, facts: chained })
    .thenError('forward_loop');
  // Forwarding all to another own line that does not come back is fine.
  spec
    .given([])
    .when({ type: 'SetCallForward', data: { deviceName, lineIndex: 1, all: { to: 'number', number: '2101' } }, facts })
    .thenMatches((events) => assert.is(events.length, 1));
});

test('unknown line and not owner are refused for every line command', () => {
  const commands = [
    { type: 'SetCallForward', data: { deviceName, lineIndex: 3, all: null } },
    { type: 'SetCallerId', data: { deviceName, lineIndex: 3, presentation: 'restricted' } },
    { type: 'SetNotification', data: { deviceName, lineIndex: 3, calls: { visual: false } } },
    { type: 'SetLineMusicOnHold', data: { deviceName, lineIndex: 3, userHoldAudioSource: null } },
  ] as const;
  for (const c of commands) {
    spec
      .given([])
      .when({ ...c, facts } as never)
      .thenError('unknown_line', { field: 'lineIndex' });
    spec
      .given([])
      .when({ ...c, data: { ...c.data, lineIndex: 1 }, facts: { ...facts, owner: 'bob' } } as never)
      .thenError('not_owner', { field: 'deviceName' });
  }
});

test('caller ID, notification and music on hold', () => {
  spec
    .given([])
    .when({ type: 'SetCallerId', data: { deviceName, lineIndex: 1, displayName: 'Alice A.', presentation: 'restricted' }, facts })
    .thenEvents([{ type: 'CallerIdChanged', data: { ...on, callerId: { displayName: 'Alice A.', presentation: 'restricted' } } }]);
  spec
    .given([])
    .when({
      type: 'SetNotification',
      data: { deviceName, lineIndex: 1, calls: { audio: 'flash-only' }, messages: { visual: 'prompt-only', audio: 'on' } },
      facts,
    })
    .thenEvents([
      {
        type: 'LineNotificationChanged',
        data: { ...on, notification: { calls: { audio: 'flash-only', visual: true }, messages: { audio: 'on', visual: 'prompt-only' } } },
      },
    ]);
  spec
    .given([])
    .when({ type: 'SetLineMusicOnHold', data: { deviceName, lineIndex: 1, networkHoldAudioSource: 'Radio' as never }, facts })
    .thenError('unknown_audio_source', { field: 'networkHoldAudioSource' });
});

test('forward targets and caller ID are validated at the boundary, naming the field', () => {
  const r = decodeWith(SetCallForwardInput)({
    deviceName: 'SEP001122334455',
    lineIndex: 1,
    busy: { internal: { to: 'number', number: '12ab' } },
  });
  assert.is(E.isLeft(r) && r.left.field, 'busy.internal.number');
  const r2 = decodeWith(SetCallForwardInput)({ deviceName: 'SEP001122334455', lineIndex: 1, all: { to: 'somewhere' } });
  assert.is(E.isLeft(r2) && r2.left.field, 'all');
  const r3 = decodeWith(SetCallForwardInput)({ deviceName: 'SEP001122334455', lineIndex: 0 });
  assert.is(E.isLeft(r3) && r3.left.field, 'lineIndex');
  const r4 = decodeWith(SetCallerIdInput)({ deviceName: 'SEP001122334455', lineIndex: 1, displayName: 'x'.repeat(31) });
  assert.is(E.isLeft(r4) && r4.left.field, 'displayName');
});

test.run();
