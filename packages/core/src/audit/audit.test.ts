import * as E from 'fp-ts/lib/Either.js';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { EventMetadata, NewEvent, RecordedEvent } from '../kernel/eventstore/envelope.js';
import { createMemoryEventStore } from '../kernel/eventstore/memory.js';
import type { JsonValue } from '../kernel/json.js';
import { manualClock, sequentialIds, systemRuntime } from '../kernel/runtime/ports.js';
import { mergeStreamCatalogues } from '../kernel/streamCatalogue.js';
import { createReadModels } from '../provisioning/readModels/index.js';
import { seedDemo } from '../provisioning/selfProvisioning/demo.js';
import { provisioningStreamCatalogue } from '../provisioning/shared/streams.js';
import { auditView, createReplay, replayAt } from './replay.js';
import { concerns, describeActor, describeEvent, findTrail } from './trail.js';

const D = 'SEP001122334455';
const at = (day: number, hour = 12) => `2026-03-0${day}T${String(hour).padStart(2, '0')}:00:00.000Z`;
const meta = (actor: EventMetadata['actor'], channel: EventMetadata['channel']): EventMetadata => ({ actor, channel });
const ev = (type: string, data: JsonValue, occurredAt: string, metadata = meta({ kind: 'system', id: 'test' }, 'system')): NewEvent => ({
  type,
  data,
  occurredAt,
  metadata,
});
const line = (dn: string) => [{ index: 1, dn, lineTemplate: 'Standard Line' }];

/** A phone's life: auto-registered on the 2nd, alice's on the 3rd, taken over by bob on the 5th, removed on the 7th. */
const story = async () => {
  const store = createMemoryEventStore();
  const phone = `phone-${D}`;
  const base = { deviceName: D, clusterId: 'cluster-1' };
  const steps: [string, NewEvent[]][] = [
    [
      phone,
      [
        ev(
          'PhoneAutoRegistered',
          { ...base, mac: '001122334455', model: 'Cisco 8845', protocol: 'SIP', directoryNumber: '1000' },
          at(2),
          meta({ kind: 'device', id: D }, 'sip'),
        ),
      ],
    ],
    [
      phone,
      [
        ev(
          'PhoneProvisioned',
          { ...base, owner: 'alice', deviceTemplate: 'UDT', lines: line('2001'), releasedDirectoryNumber: '1000' },
          at(3, 10),
          meta({ kind: 'user', id: 'alice' }, 'ivr'),
        ),
      ],
    ],
    [phone, [ev('PhoneUnregistered', { deviceName: D }, at(4), meta({ kind: 'device', id: D }, 'sip'))]],
    [
      phone,
      [
        ev(
          'PhoneProvisioned',
          { ...base, owner: 'bob', previousOwner: 'alice', deviceTemplate: 'UDT', lines: line('2002') },
          at(5, 9),
          meta({ kind: 'administrator', id: 'helpdesk', onBehalfOf: 'bob' }, 'admin-api'),
        ),
      ],
    ],
    [phone, [ev('PhoneRemoved', { deviceName: D, reason: 'broken' }, at(7), meta({ kind: 'administrator', id: 'helpdesk' }, 'admin-api'))]],
  ];
  for (const [stream, events] of steps) await store.append(stream, 'any', events)();
  return store;
};

const owner = async (store: Awaited<ReturnType<typeof story>>, instant: string) => {
  const state = await replayAt(store, instant, { pageSize: 2 })();
  if (E.isLeft(state)) return assert.unreachable(state.left.message);
  return auditView(state.right, instant).phones.find((p) => p.deviceName === D);
};

test('replayAt: the phone as it was at each instant, with its owner since when and how', async () => {
  const store = await story();
  assert.is(await owner(store, at(1)), undefined, 'nothing before the first event');
  const on2 = await owner(store, at(2, 23));
  assert.is(on2?.state, 'autoregistered');
  assert.is(on2?.owner, undefined);
  const on4 = await owner(store, at(4));
  assert.is(on4?.owner, 'alice');
  assert.is(on4?.ownerSince, at(3, 10), 'since the event that gave it to her, not the later unregistration');
  assert.is(on4?.ownerBy?.eventType, 'PhoneProvisioned');
  assert.is(on4?.ownerBy && describeActor(on4.ownerBy.actor), 'user:alice');
  assert.is(on4?.registered, false);
  const on6 = await owner(store, at(6));
  assert.is(on6?.owner, 'bob');
  assert.is(on6?.ownerSince, at(5, 9));
  assert.is(on6?.ownerBy && describeActor(on6.ownerBy.actor), 'administrator:helpdesk for bob');
  assert.equal(
    on6?.lines.map((l) => l.dn),
    ['2002'],
  );
  assert.is(await owner(store, at(8)), undefined, 'removed phones leave the view');
});

test('replayAt counts an event from the time it says it happened, wherever it sits in the log', async () => {
  const store = await story();
  // Imported late: recorded after everything else, but it happened on the 1st.
  await store.append('phone-SEP0000000000AA', 'no_stream', [
    ev(
      'PhoneAutoRegistered',
      {
        deviceName: 'SEP0000000000AA',
        mac: '0000000000AA',
        model: 'Cisco 7841',
        protocol: 'SIP',
        clusterId: 'cluster-1',
        directoryNumber: '1001',
      },
      at(1),
    ),
  ])();
  const state = await replayAt(store, at(1, 23))();
  if (E.isLeft(state)) return assert.unreachable(state.left.message);
  assert.equal(
    auditView(state.right).phones.map((p) => p.deviceName),
    ['SEP0000000000AA'],
  );
  assert.is(state.right.eventsApplied, 1);
  assert.is(state.right.eventsRead, 6);
});

test('the replay folds exactly what the running read models fold (the demo, a phone auto-registered and provisioned)', async () => {
  const clock = manualClock('2026-03-01T09:00:00.000Z');
  const runtime = { ...systemRuntime(), clock, ids: sequentialIds() };
  const store = createMemoryEventStore(runtime);
  const seeded = await seedDemo({ store, runtime })();
  assert.ok(E.isRight(seeded));
  const models = createReadModels({ store });
  assert.ok(E.isRight(await models.start()()));
  const all = await store.readAll({ maxCount: 10_000 })();
  const replay = createReplay();
  for (const e of E.isRight(all) ? all.right : []) replay.apply(e);
  const state = replay.state();
  assert.equal(state.users, models.models.users());
  assert.equal(state.configuration, models.models.configuration());
  assert.equal(state.phones, models.models.phones());
  assert.equal(state.directoryNumbers, models.models.directoryNumbers());
  assert.is(state.userSince.get('alice'), '2026-03-01T09:00:00.000Z');
});

test('describeEvent: one line per change, the telling fields of each domain event', () => {
  const cases: [string, JsonValue, string][] = [
    [
      'PhoneProvisioned',
      { deviceName: D, owner: 'alice', lines: line('2001'), releasedDirectoryNumber: '1000', deviceTemplate: 'Standard Desk Phone' },
      `PhoneProvisioned device=${D} owner=alice line1=2001 released=1000 template="Standard Desk Phone"`,
    ],
    [
      'EndUserCreated',
      {
        userId: 'alice',
        clusterId: 'c1',
        personal: { firstName: 'Alice', lastName: 'Martin', email: 'a@x.org' },
        primaryExtension: '2001',
      },
      'EndUserCreated user=alice name="Alice Martin" email=a@x.org ext=2001 cluster=c1',
    ],
    [
      'EndUserCreated',
      { userId: 'alice', clusterId: 'c1', personal: { firstName: '[erased]', lastName: '[erased]', $erased: true } },
      'EndUserCreated user=alice name="[erased] [erased]" cluster=c1',
    ],
    [
      'EndUserCreated',
      { userId: 'alice', clusterId: 'c1', personal: { $encrypted: 'v1', subject: 'alice', fields: {} } },
      'EndUserCreated user=alice personal=(encrypted) cluster=c1',
    ],
    ['PrimaryExtensionChanged', { userId: 'bob' }, 'PrimaryExtensionChanged user=bob ext=(none)'],
    [
      'DirectoryNumberReserved',
      { clusterId: 'c1', directoryNumber: '1000', holder: { kind: 'phone', deviceName: D } },
      `DirectoryNumberReserved dn=1000 holder=phone:${D} cluster=c1`,
    ],
    ['SomethingElse', { a: 1, b: 'two words', c: [1, 2], d: { nested: true } }, 'SomethingElse a=1 b="two words" c=1,2 d=…'],
  ];
  for (const [type, data, expected] of cases) assert.is(describeEvent({ type, data }), expected);
});

// Core knows only its own streams; the app merges in self-care's (packages/selfcare/src/shared/streamCatalogue.ts).
// These two stand for them here, so the trail is shown to follow whatever streams a package declares.
const withSelfCareStreams = E.getOrElseW((e: { message: string }) => assert.unreachable(e.message) as never)(
  mergeStreamCatalogues(provisioningStreamCatalogue, [
    { prefix: 'selfcare-account-', kind: 'account', subject: 'user' },
    { prefix: 'line-settings-', kind: 'lineSettings', subject: 'device', subjectId: (rest) => rest.slice(0, rest.lastIndexOf('-')) },
  ]),
);

test('concerns: a user, a device and a directory number, by stream and by what events say', () => {
  const e = (streamId: string, data: JsonValue, actor: EventMetadata['actor'] = { kind: 'system', id: 's' }) =>
    ({ streamId, data, metadata: { actor, channel: 'system' }, type: 'T' }) as unknown as RecordedEvent;
  const user = { kind: 'user', userId: 'alice' } as const;
  const device = { kind: 'device', deviceName: D } as const;
  const dn = { kind: 'dn', directoryNumber: '2001' } as const;
  assert.ok(concerns(e('user-alice', {}), user, withSelfCareStreams));
  assert.ok(concerns(e('selfcare-account-alice', {}), user, withSelfCareStreams));
  assert.ok(concerns(e(`phone-${D}`, { owner: 'bob', previousOwner: 'alice' }), user, withSelfCareStreams));
  assert.ok(concerns(e('x', {}, { kind: 'administrator', id: 'h', onBehalfOf: 'alice' }), user, withSelfCareStreams));
  assert.ok(concerns(e('dn-c1-2001', { holder: { kind: 'user-line', userId: 'alice' } }), user, withSelfCareStreams));
  assert.not.ok(concerns(e('user-alicia', { userId: 'alicia' }), user, withSelfCareStreams));
  assert.ok(concerns(e(`line-settings-${D}-1`, {}), device, withSelfCareStreams));
  assert.ok(concerns(e('phone-SEP999', { replacedBy: D }), device, withSelfCareStreams));
  assert.not.ok(concerns(e(`phone-${D}0`, {}), device, withSelfCareStreams));
  assert.ok(concerns(e('dn-cluster-1-2001', {}), dn, withSelfCareStreams));
  assert.ok(concerns(e(`phone-${D}`, { lines: line('2001') }), dn, withSelfCareStreams));
  assert.ok(concerns(e('user-bob', { primaryExtension: '2001' }), dn, withSelfCareStreams));
  assert.not.ok(concerns(e('dn-cluster-1-20011', {}), dn, withSelfCareStreams));
});

test('findTrail streams the log and bounds it by --since / --until', async () => {
  const store = await story();
  const seen: RecordedEvent[] = [];
  const n = await findTrail(store, { kind: 'user', userId: 'alice' }, { pageSize: 2, onEvents: (es) => void seen.push(...es) })();
  assert.equal(n, E.right(2));
  assert.equal(
    seen.map((e) => (e.data as { owner?: string }).owner),
    ['alice', 'bob'],
    'her provisioning, and bob taking the phone over from her',
  );
  const bounded: RecordedEvent[] = [];
  await findTrail(
    store,
    { kind: 'device', deviceName: D },
    { since: at(3, 0), until: at(5, 23), onEvents: (es) => void bounded.push(...es) },
  )();
  assert.equal(
    bounded.map((e) => e.occurredAt),
    [at(3, 10), at(4), at(5, 9)],
  );
});

test.run();
