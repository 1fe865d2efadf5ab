import * as assert from 'uvu/assert';
import { verifyStore } from '../../kernel/eventstore/chainVerifier.js';
import { eventHashOf } from '../../kernel/eventstore/hashChain.js';
import { testEvent, testEvents, uniqueStream } from '../events.js';
import { assertChained, type ContractKit, errorOf, ids3, unwrap, withIds } from './support.js';

/** Hash chains and the whole log: linked and recomputable per stream, and `verifyStore` after a mix of writes. */
export const hashChainCases = ({ test, t, append, read }: ContractKit) => {
  test('every event carries a hash chain: linked, recomputable, the same in the append result and on read', async ({ store }) => {
    const id = uniqueStream();
    const first = unwrap(await append(store, id, 'no_stream', testEvents(2)), 'first');
    const second = unwrap(await append(store, id, 1, testEvents(3)), 'second');
    const events = (await read(store, id)).events;
    assertChained(events, id);
    assert.is(events[0]?.prevHash, null, 'the first event of a stream links to nothing');
    assert.equal(
      [...(first.streams[0]?.events ?? []), ...(second.streams[0]?.events ?? [])].map((e) => [e.prevHash, e.hash]),
      events.map((e) => [e.prevHash, e.hash]),
    );
    const all = unwrap(await t(store.readAll({ maxCount: 100_000 })()), 'readAll').filter((e) => e.streamId === id);
    assert.equal(
      all.map((e) => e.hash),
      events.map((e) => e.hash),
    );
  });
  test('a multi-stream append chains each stream on its own', async ({ store }) => {
    const [a, b] = [uniqueStream(), uniqueStream()];
    unwrap(await append(store, a, 'no_stream', testEvents(2)), 'seed a');
    const r = unwrap(
      await t(
        store.appendMulti([
          { streamId: a, expected: 1, events: testEvents(2, 'A') },
          { streamId: b, expected: 'no_stream', events: testEvents(3, 'B') },
        ])(),
      ),
      'appendMulti',
    );
    const streamA = (await read(store, a)).events;
    const streamB = (await read(store, b)).events;
    assertChained(streamA, a);
    assertChained(streamB, b);
    assert.is(r.streams[0]?.events[0]?.prevHash, streamA[1]?.hash, 'the new events continue the existing chain');
    assert.is(r.streams[1]?.events[0]?.prevHash, null);
  });
  test('an idempotent replay returns the original chain fields', async ({ store }) => {
    const id = uniqueStream();
    const events = withIds(testEvents(3), ids3);
    const first = unwrap(await append(store, id, 'no_stream', events), 'first');
    const again = unwrap(await append(store, id, 'no_stream', events), 'again');
    assert.equal(
      again.streams[0]?.events.map((e) => e.hash),
      first.streams[0]?.events.map((e) => e.hash),
    );
  });
  test('equal content gives equal hashes in any store (the chain depends on content only)', async ({ store }) => {
    const id = uniqueStream();
    const fixed = (i: number) =>
      testEvent(
        'Fixed',
        { i, nested: { b: [1, 'two', null], a: true } },
        { eventId: `aaaaaaaa-0000-4000-8000-00000000000${i}`, occurredAt: '2026-03-03T10:00:00.000Z' },
      );
    const r = unwrap(await append(store, id, 'no_stream', [fixed(1), fixed(2)]), 'append');
    const [e0, e1] = r.streams[0]?.events ?? [];
    assert.is(e0?.hash, eventHashOf({ ...fixed(1), streamId: id, streamVersion: 0, schemaVersion: 1 } as never, null));
    assert.is(e1?.hash, eventHashOf({ ...fixed(2), streamId: id, streamVersion: 1, schemaVersion: 1 } as never, e0?.hash ?? null));
  });
  test('the whole log verifies (selfprov audit verify) after a mix of writes: expected versions, multi-stream, refused, empty, Unicode, large, concurrent', async ({
    store,
  }) => {
    // One store, the mix of writes the other tests make one at a time: new and existing streams, every
    // expected-version form, multi-stream batches, refused conflicts (which must leave no trace),
    // zero-event appends, Unicode and large payloads, concurrent writers on one stream.
    const before = unwrap(await t(verifyStore(store, { pageSize: 50 })(), 'verify before'), 'verifyStore');
    const [a, b, c] = [uniqueStream(), uniqueStream(), uniqueStream()];
    unwrap(await append(store, a, 'no_stream', testEvents(3)), 'no_stream');
    unwrap(await append(store, a, 'exists', testEvents(1, 'X')), 'exists');
    unwrap(await append(store, a, 3, testEvents(2, 'V')), 'exact version');
    unwrap(
      await append(store, b, 'any', [
        testEvent('Unicode', { text: 'Zoë ☎ 日本語 \ud83d\udcde "quoted" back\\slash', list: [1, 'two', null] }),
      ]),
      'unicode',
    );
    unwrap(await append(store, b, 'any', [testEvent('Large', { blob: 'x'.repeat(200_000) })]), 'large');
    unwrap(await append(store, c, 'any', []), 'zero events');
    const multi = unwrap(
      await t(
        store.appendMulti([
          { streamId: a, expected: 5, events: testEvents(1, 'M') },
          { streamId: c, expected: 'no_stream', events: testEvents(2, 'M') },
        ])(),
      ),
      'appendMulti',
    );
    assert.equal(
      multi.streams.map((r) => r.nextExpectedVersion),
      [6, 1],
    );
    errorOf(await append(store, a, 2, testEvents(1, 'Stale')), 'a stale append');
    errorOf(
      await t(
        store.appendMulti([
          { streamId: b, expected: 'any', events: testEvents(1, 'Half') },
          { streamId: c, expected: 'no_stream', events: testEvents(1, 'Half') },
        ])(),
      ),
      'a refused multi-stream append',
    );
    const racers = await Promise.all(Array.from({ length: 8 }, (_, i) => append(store, b, 'any', testEvents(1, `R${i}-`))));
    for (const r of racers) unwrap(r, 'concurrent append');

    const all = unwrap(await t(store.readAll()()), 'readAll');
    assert.is(all.length - before.events, 7 + 10 + 2, 'every acknowledged event, and none of the refused ones, is in the log');
    assert.not.ok(
      all.some((e) => e.type.startsWith('Stale') || e.type.startsWith('Half')),
      'refused writes left nothing',
    );
    for (const id of [a, b, c]) assertChained((await read(store, id)).events, id);
    const r = unwrap(await t(verifyStore(store, { pageSize: 4 })(), 'verify'), 'verifyStore');
    assert.ok(r.ok, JSON.stringify(r.problems.slice(0, 3)));
    assert.is(r.events, all.length, 'the verifier read the whole log');
    assert.is(r.streams, before.streams + 3);
    assert.is(r.lastPosition, all[all.length - 1]?.globalPosition);
    assert.is(r.problemCount, 0);
  });
};
