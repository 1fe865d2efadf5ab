import * as assert from 'uvu/assert';
import type { NewEvent } from '../../kernel/eventstore/envelope.js';
import { testEvent, testEvents, uniqueStream } from '../events.js';
import { type ContractKit, errorOf } from './support.js';

/** Bad input: malformed stream ids, expected versions, data, events and read options are refused and write nothing. */
export const badInputCases = ({ test, t, append, read, head, assertNothingWritten }: ContractKit) => {
  const badStreamIds: [string, unknown][] = [
    ['empty', ''],
    ['surrounding whitespace', ' phone-1'],
    ['control character', 'phone\n1'],
    ['reserved $ prefix', '$all'],
    ['lone surrogate', 'phone-\uD800'],
    ['too long', 'x'.repeat(1025)],
    ['not a string', 42],
  ];
  for (const [why, bad] of badStreamIds) {
    test(`a malformed stream id (${why}) is refused and writes nothing`, async ({ store }) => {
      const h = await head(store);
      const e = errorOf(await append(store, bad as string, 'any', testEvents(1)), 'append');
      assert.is(e.code, 'invalid_stream_id');
      assert.is(e.field, 'streamId');
      assert.is(await head(store), h);
    });
  }
  test('negative, fractional or unknown expected versions are refused', async ({ store }) => {
    const id = uniqueStream();
    for (const bad of [-1, -5, 1.5, 'latest', null, Number.NaN]) {
      const e = errorOf(await append(store, id, bad as never, testEvents(1)), `expected ${String(bad)}`);
      assert.is(e.code, 'invalid_expected_version');
      assert.is(e.field, 'expected');
    }
    assert.is((await read(store, id)).currentVersion, -1);
  });
  test('non-serialisable data is refused, naming the path, and writes nothing', async ({ store }) => {
    const id = uniqueStream();
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const cases: [unknown, string][] = [
      [{ f: () => 1 }, 'events[0].data.f'],
      [{ u: undefined }, 'events[0].data.u'],
      [{ big: 10n }, 'events[0].data.big'],
      [{ list: [1, Number.NaN] }, 'events[0].data.list[1]'],
      [{ at: new Date(0) }, 'events[0].data.at'],
      [cyclic, 'events[0].data.self'],
      [{ inf: Number.POSITIVE_INFINITY }, 'events[0].data.inf'],
    ];
    const h = await head(store);
    for (const [data, field] of cases) {
      const e = errorOf(await append(store, id, 'any', [testEvent('Bad', data as never)]), field);
      assert.is(e.code, 'non_serialisable_data');
      assert.is(e.field, field);
    }
    assert.is(await head(store), h);
  });
  test('a bad event in a multi-stream call refuses the whole call', async ({ store }) => {
    const [a, b] = [uniqueStream(), uniqueStream()];
    const h = await head(store);
    const e = errorOf(
      await t(
        store.appendMulti([
          { streamId: a, expected: 'any', events: testEvents(1) },
          { streamId: b, expected: 'any', events: [testEvent('Bad', { f: Symbol('x') } as never)] },
        ])(),
      ),
      'appendMulti',
    );
    assert.is(e.field, 'requests[1].events[0].data.f');
    await assertNothingWritten(store, h, [a, b]);
  });
  test('malformed event type, id, metadata and schema version are refused', async ({ store }) => {
    const id = uniqueStream();
    const base = testEvent('Ok', {});
    const cases: [NewEvent, string, string][] = [
      [{ ...base, type: '' }, 'invalid_event_type', 'events[0].type'],
      [{ ...base, eventId: 'not-a-uuid' }, 'invalid_event_id', 'events[0].eventId'],
      [{ ...base, schemaVersion: 0 }, 'invalid_schema_version', 'events[0].schemaVersion'],
      [{ ...base, occurredAt: 'yesterday' }, 'invalid_occurred_at', 'events[0].occurredAt'],
      [{ ...base, metadata: { ...base.metadata, channel: 'fax' as never } }, 'invalid_metadata', 'events[0].metadata.channel'],
      [{ ...base, metadata: { channel: 'ivr' } as never }, 'invalid_metadata', 'events[0].metadata.actor'],
      [
        { ...base, metadata: { actor: { kind: 'robot', id: 'x' }, channel: 'ivr' } as never },
        'invalid_metadata',
        'events[0].metadata.actor.kind',
      ],
    ];
    for (const [event, code, field] of cases) {
      const e = errorOf(await append(store, id, 'any', [event]), field);
      assert.is(e.code, code, field);
      assert.is(e.field, field);
    }
    assert.is((await read(store, id)).currentVersion, -1);
  });
  test('bad read options are refused with a typed error', async ({ store }) => {
    assert.is(errorOf(await t(store.readStream(uniqueStream(), { maxCount: -1 })()), 'read').code, 'invalid_read_options');
    assert.is(
      errorOf(await t(store.readStream(uniqueStream(), { direction: 'sideways' as never })()), 'read').code,
      'invalid_read_options',
    );
    assert.is(errorOf(await t(store.readAll({ after: -3 })()), 'readAll').code, 'invalid_read_options');
    assert.is(errorOf(await t(store.readStream('', {})()), 'read').code, 'invalid_stream_id');
  });
};
