import * as assert from 'uvu/assert';
import { testEvents, uniqueStream } from '../events.js';
import { type ContractKit, errorOf, unwrap } from './support.js';

/** Multi-stream appends: all or nothing, event-less guards, one stream at most once per call. */
export const multiStreamCases = ({ test, t, read, head, assertNothingWritten, seeded }: ContractKit) => {
  test('a multi-stream append writes every stream', async ({ store }) => {
    const [a, b, c] = [uniqueStream(), uniqueStream(), uniqueStream()];
    const r = unwrap(
      await t(
        store.appendMulti([
          { streamId: a, expected: 'no_stream', events: testEvents(1) },
          { streamId: b, expected: 'no_stream', events: testEvents(2) },
          { streamId: c, expected: 'any', events: testEvents(1) },
        ])(),
      ),
      'appendMulti',
    );
    assert.equal(
      r.streams.map((s) => s.nextExpectedVersion),
      [0, 1, 0],
    );
    const positions = r.streams.flatMap((s) => s.events.map((e) => e.globalPosition));
    assert.equal(
      positions,
      [...positions].sort((x, y) => x - y),
    );
  });
  test('one failed expectation writes nothing of the whole call', async ({ store }) => {
    const existing = await seeded(store, 1);
    const [a, b] = [uniqueStream(), uniqueStream()];
    const before = await head(store);
    const e = errorOf(
      await t(
        store.appendMulti([
          { streamId: a, expected: 'no_stream', events: testEvents(2) },
          { streamId: existing, expected: 'no_stream', events: testEvents(1) },
          { streamId: b, expected: 'any', events: testEvents(1) },
        ])(),
      ),
      'appendMulti',
    );
    assert.is(e._tag === 'WrongExpectedVersion' && e.streamId, existing);
    await assertNothingWritten(store, before, [a, b]);
    assert.is((await read(store, existing)).currentVersion, 0);
  });
  test('an event-less request guards the call: holds', async ({ store }) => {
    const guard = await seeded(store, 2);
    const a = uniqueStream();
    unwrap(
      await t(
        store.appendMulti([
          { streamId: guard, expected: 1, events: [] },
          { streamId: a, expected: 'no_stream', events: testEvents(1) },
        ])(),
      ),
      'appendMulti',
    );
    assert.is((await read(store, a)).currentVersion, 0);
    assert.is((await read(store, guard)).currentVersion, 1);
  });
  test('an event-less request guards the call: moved, nothing written', async ({ store }) => {
    const guard = await seeded(store, 3);
    const a = uniqueStream();
    const before = await head(store);
    const e = errorOf(
      await t(
        store.appendMulti([
          { streamId: a, expected: 'no_stream', events: testEvents(1) },
          { streamId: guard, expected: 1, events: [] },
        ])(),
      ),
      'appendMulti',
    );
    assert.is(e.code, 'wrong_expected_version');
    await assertNothingWritten(store, before, [a]);
  });
  test('the same stream twice in one call is refused', async ({ store }) => {
    const a = uniqueStream();
    const e = errorOf(
      await t(
        store.appendMulti([
          { streamId: a, expected: 'any', events: testEvents(1) },
          { streamId: a, expected: 'any', events: testEvents(1) },
        ])(),
      ),
      'appendMulti',
    );
    assert.is(e.code, 'duplicate_stream');
    assert.is(e.field, 'requests[1].streamId');
    assert.is((await read(store, a)).currentVersion, -1);
  });
};
