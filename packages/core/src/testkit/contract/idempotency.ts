import * as assert from 'uvu/assert';
import { testEvents, uniqueStream } from '../events.js';
import { type ContractKit, errorOf, ids3, unwrap, withIds } from './support.js';

/** Idempotency by event id: replays return the original result, mixed or retyped ids conflict. */
export const idempotencyCases = ({ test, t, append, read, head }: ContractKit) => {
  test('re-appending the same event ids is a no-op returning the original result', async ({ store }) => {
    const id = uniqueStream();
    const events = withIds(testEvents(3), ids3);
    const first = unwrap(await append(store, id, 'no_stream', events), 'first');
    const h = await head(store);
    const again = unwrap(await append(store, id, 'no_stream', events), 'again');
    assert.is(again.idempotentReplay, true);
    assert.equal(again.streams[0]?.events, first.streams[0]?.events);
    assert.is(again.lastGlobalPosition, first.lastGlobalPosition);
    assert.is(await head(store), h);
    assert.is((await read(store, id)).currentVersion, 2);
  });
  test('a replay succeeds even with a stale expectation', async ({ store }) => {
    const id = uniqueStream();
    const events = withIds(testEvents(2), ids3);
    unwrap(await append(store, id, 'no_stream', events), 'first');
    unwrap(await append(store, id, 1, testEvents(1)), 'someone else');
    const again = unwrap(await append(store, id, 'no_stream', events), 'retry');
    assert.is(again.idempotentReplay, true);
    assert.is((await read(store, id)).currentVersion, 2);
  });
  test('re-using some recorded ids beside new ones is an idempotency conflict, nothing written', async ({ store }) => {
    const id = uniqueStream();
    unwrap(await append(store, id, 'no_stream', withIds(testEvents(1), ids3)), 'first');
    const h = await head(store);
    const e = errorOf(await append(store, id, 'any', withIds(testEvents(2), ids3)), 'mixed');
    assert.is(e.code, 'idempotency_conflict');
    assert.is(await head(store), h);
  });
  test('a recorded id under another event type is an idempotency conflict', async ({ store }) => {
    const id = uniqueStream();
    unwrap(await append(store, id, 'no_stream', withIds(testEvents(1), ids3)), 'first');
    const e = errorOf(await append(store, id, 'any', withIds(testEvents(1, 'Other'), ids3)), 'other type');
    assert.is(e.code, 'idempotency_conflict');
  });
  test('a multi-stream append replays idempotently', async ({ store }) => {
    const [a, b] = [uniqueStream(), uniqueStream()];
    const requests = [
      { streamId: a, expected: 'no_stream' as const, events: withIds(testEvents(1), [ids3[0] as string]) },
      { streamId: b, expected: 'no_stream' as const, events: withIds(testEvents(2), [ids3[1] as string, ids3[2] as string]) },
    ];
    const first = unwrap(await t(store.appendMulti(requests)()), 'first');
    const h = await head(store);
    const again = unwrap(await t(store.appendMulti(requests)()), 'again');
    assert.is(again.idempotentReplay, true);
    assert.equal(
      again.streams.flatMap((s) => s.events.map((e) => e.globalPosition)),
      first.streams.flatMap((s) => s.events.map((e) => e.globalPosition)),
    );
    assert.is(await head(store), h);
  });
  test('the same event id twice in one call is refused', async ({ store }) => {
    const id = uniqueStream();
    const e = errorOf(await append(store, id, 'any', withIds(testEvents(2), [ids3[0] as string, ids3[0] as string])), 'dup');
    assert.is(e.code, 'duplicate_event_id');
    assert.is((await read(store, id)).currentVersion, -1);
  });
};
