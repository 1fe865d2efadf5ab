import * as fc from 'fast-check';
import * as assert from 'uvu/assert';
import type { StoreError } from '../../kernel/eventstore/errors.js';
import { testEvents } from '../events.js';
import { type ContractKit, collect, types, unwrap } from './support.js';

/** Catch-up subscriptions: history then live events, each exactly once, and how they stop. */
export const subscriptionCases = ({ test, numRuns, t, append, read, seeded, eventually }: ContractKit) => {
  test('catch-up from 0 delivers history once, in order, then live events', async ({ store }) => {
    const id = await seeded(store, 7);
    const { seen, sub } = collect(store, 0, id);
    await t(sub.caughtUp, 'caught up');
    assert.equal(types(seen), types((await read(store, id)).events));
    unwrap(await append(store, id, 6, testEvents(2, 'Live')), 'live');
    await eventually(() => seen.length === 9, 'live events');
    assert.equal(types(seen.slice(7)), ['Live0', 'Live1']);
    await t(sub.close(), 'close');
  });
  test('catch-up from any checkpoint delivers exactly the later events (property)', async ({ store }) => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 12 }), fc.nat({ max: 12 }), fc.integer({ min: 0, max: 5 }), async (n, cut, live) => {
        const id = await seeded(store, n);
        const events = (await read(store, id)).events;
        const checkpoint = cut >= n ? (events[n - 1]?.globalPosition ?? 0) : (events[cut]?.globalPosition ?? 1) - 1;
        const { seen, sub } = collect(store, checkpoint, id);
        await t(sub.caughtUp, 'caught up');
        for (let i = 0; i < live; i++) unwrap(await append(store, id, 'any', testEvents(1, `L${i}-`)), 'live');
        const expected = Math.max(0, n - cut) + live;
        await eventually(() => seen.length >= expected, 'delivery');
        await t(sub.close(), 'close');
        assert.is(seen.length, expected, 'each event exactly once');
        assert.equal(
          seen.map((e) => e.streamVersion),
          Array.from({ length: expected }, (_, i) => Math.min(cut, n) + i),
        );
        for (let i = 1; i < seen.length; i++) assert.ok((seen[i]?.globalPosition ?? 0) > (seen[i - 1]?.globalPosition ?? 0));
      }),
      { numRuns: Math.min(numRuns, 15) },
    );
  });
  test('events appended while catching up are delivered exactly once', async ({ store }) => {
    const id = await seeded(store, 20);
    const { seen, sub } = collect(store, 0, id);
    const writes = Array.from({ length: 10 }, (_, i) => append(store, id, 'any', testEvents(1, `C${i}-`)));
    for (const w of await Promise.all(writes)) unwrap(w, 'concurrent');
    await eventually(() => seen.length >= 30, 'all events');
    await t(sub.close(), 'close');
    assert.is(seen.length, 30);
    assert.is(new Set(seen.map((e) => e.eventId)).size, 30);
  });
  test('a closed subscription delivers nothing more', async ({ store }) => {
    const id = await seeded(store, 2);
    const { seen, sub } = collect(store, 0, id);
    await t(sub.caughtUp, 'caught up');
    // A second subscription stays open: once it has the new events, the closed one would have had them too.
    const witness = collect(store, 0, id);
    await t(witness.sub.caughtUp, 'witness caught up');
    await t(sub.close(), 'close');
    unwrap(await append(store, id, 'any', testEvents(3)), 'after close');
    await eventually(() => witness.seen.length === 5, 'the witness to see the events appended after the close');
    await t(witness.sub.close(), 'close witness');
    assert.is(seen.length, 2);
  });
  test('a throwing handler stops the subscription with subscriber_failed', async ({ store }) => {
    const id = await seeded(store, 3);
    const errors: StoreError[] = [];
    let calls = 0;
    const sub = store.subscribe({
      onEvent: (e) => {
        if (e.streamId !== id) return;
        calls += 1;
        if (calls === 2) throw new Error('boom');
      },
      onError: (e) => errors.push(e),
    });
    await eventually(() => errors.length === 1, 'the error');
    assert.is(errors[0]?.code, 'subscriber_failed');
    assert.is(calls, 2);
    await t(sub.close(), 'close');
  });
};
