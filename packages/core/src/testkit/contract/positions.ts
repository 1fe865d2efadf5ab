import * as assert from 'uvu/assert';
import type { AppendResult } from '../../kernel/eventstore/port.js';
import { testEvent, testEvents, uniqueStream } from '../events.js';
import { assertChained, type ContractKit, types, unwrap } from './support.js';

/** Stream versions and global positions, the append result and the envelope fields that round-trip. */
export const versionAndPositionCases = ({ test, t, append, read }: ContractKit) => {
  test('stream versions stay contiguous over many appends', async ({ store }) => {
    const id = uniqueStream();
    let expected: number | 'no_stream' = 'no_stream';
    for (let i = 0; i < 5; i++) {
      const r: AppendResult = unwrap(await append(store, id, expected, testEvents(i + 1)), 'append');
      expected = r.streams[0]?.nextExpectedVersion ?? -1;
    }
    const events = (await read(store, id)).events;
    assert.equal(
      events.map((e) => e.streamVersion),
      Array.from({ length: 15 }, (_, i) => i),
    );
    assertChained(events, id);
  });
  test('global positions strictly increase across streams', async ({ store }) => {
    const a = uniqueStream();
    const b = uniqueStream();
    unwrap(await append(store, a, 'no_stream', testEvents(2)), 'a');
    unwrap(await append(store, b, 'no_stream', testEvents(2)), 'b');
    unwrap(await append(store, a, 1, testEvents(2)), 'a again');
    const all = unwrap(await t(store.readAll({ maxCount: 10_000 })()), 'readAll').filter((e) => e.streamId === a || e.streamId === b);
    assert.is(all.length, 6);
    for (let i = 1; i < all.length; i++) assert.ok((all[i]?.globalPosition ?? 0) > (all[i - 1]?.globalPosition ?? 0));
    assert.equal(
      all.map((e) => e.streamId),
      [a, a, b, b, a, a],
    );
  });
  test('the append result holds the recorded events with their envelope', async ({ store }) => {
    const id = uniqueStream();
    const r = unwrap(await append(store, id, 'no_stream', testEvents(2)), 'append');
    const recorded = r.streams[0]?.events ?? [];
    assert.equal(types(recorded), ['E0', 'E1']);
    assert.ok(recorded.every((e) => e.streamId === id && e.globalPosition > 0 && /^[0-9a-f-]{36}$/.test(e.eventId)));
    assert.is(r.lastGlobalPosition, recorded[1]?.globalPosition);
    assert.is(r.idempotentReplay, false);
    assert.equal((await read(store, id)).events, recorded);
  });
  test('metadata, schema version, event id and time round-trip', async ({ store }) => {
    const id = uniqueStream();
    const eventId = '0c6f6a7e-1d2b-4c3d-8e9f-0a1b2c3d4e5f';
    const event = testEvent(
      'Meta',
      { x: 1 },
      {
        eventId,
        schemaVersion: 3,
        occurredAt: '2026-03-03T10:00:00.000Z',
        metadata: {
          actor: { kind: 'administrator', id: 'admin-1', onBehalfOf: 'alice' },
          channel: 'selfcare',
          commandId: 'cmd-1',
          correlationId: 'corr-1',
          causationId: 'cause-1',
        },
      },
    );
    unwrap(await append(store, id, 'no_stream', [event]), 'append');
    const [stored] = (await read(store, id)).events;
    assert.is(stored?.eventId, eventId);
    assert.is(stored?.schemaVersion, 3);
    assert.is(stored?.occurredAt, '2026-03-03T10:00:00.000Z');
    assert.equal(stored?.metadata, event.metadata);
    assert.equal(stored?.data, { x: 1 });
  });
};
