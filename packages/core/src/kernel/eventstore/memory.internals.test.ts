/**
 * What the contract suite does not see of the in-memory store: stored events are frozen through, and
 * the id lookups that keep appends O(1) in the number of streams still find caller-chosen ids in long
 * streams.
 */
import * as E from 'fp-ts/lib/Either.js';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { StoreError } from './errors.js';
import { createMemoryEventStore } from './memory.js';

const meta = { actor: { kind: 'device', id: 'SEP001122334455' }, channel: 'sip' } as const;
const right = <A>(r: E.Either<StoreError, A>): A => {
  if (E.isLeft(r)) assert.unreachable(`${r.left.code}: ${r.left.message}`);
  return (r as E.Right<A>).right;
};
const uuid = (n: number) => `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;

test('recorded events are frozen through: envelope, data (nested), metadata and actor', async () => {
  const store = createMemoryEventStore();
  right(await store.append('phone-1', 'no_stream', [{ type: 'LineAdded', data: { lines: [{ dn: '1000' }] }, metadata: meta }])());
  const [e] = right(await store.readStream('phone-1')()).events;
  assert.ok(e);
  for (const part of [
    e,
    e.data,
    (e.data as { lines: unknown[] }).lines,
    (e.data as { lines: object[] }).lines[0],
    e.metadata,
    e.metadata.actor,
  ])
    assert.ok(Object.isFrozen(part));
  assert.throws(() => {
    (e.data as { lines: unknown[] }).lines.push('x');
  });
  assert.equal(right(await store.readStream('phone-1')()).events[0]?.data, { lines: [{ dn: '1000' }] });
});

test('a retry with caller-chosen ids is a replay, also deep in a long stream (the indexed path)', async () => {
  const store = createMemoryEventStore();
  for (let i = 0; i < 40; i++)
    right(
      await store.append('phone-1', i === 0 ? 'no_stream' : i - 1, [{ type: 'Tick', data: { i }, metadata: meta, eventId: uuid(i + 1) }])(),
    );
  // Event 5 again (stale expectation): the original is returned, nothing is written.
  const again = right(await store.append('phone-1', 4, [{ type: 'Tick', data: { i: 4 }, metadata: meta, eventId: uuid(5) }])());
  assert.is(again.idempotentReplay, true);
  assert.is(again.streams[0]?.events[0]?.streamVersion, 4);
  // The same id with another type is a conflict, still found through the index.
  const clash = await store.append('phone-1', 39, [{ type: 'Other', data: {}, metadata: meta, eventId: uuid(30) }])();
  assert.ok(E.isLeft(clash) && clash.left.code === 'idempotency_conflict');
  // New appends after the index was built are found too.
  right(await store.append('phone-1', 39, [{ type: 'Tick', data: {}, metadata: meta, eventId: uuid(100) }])());
  assert.is(
    right(await store.append('phone-1', 0, [{ type: 'Tick', data: {}, metadata: meta, eventId: uuid(100) }])()).idempotentReplay,
    true,
  );
  assert.is(right(await store.readStream('phone-1')()).currentVersion, 40);
});

test('ids the store generates itself are never taken for a retry of an earlier append', async () => {
  // A deterministic id port that repeats itself: only caller-chosen ids mean "the same event".
  const store = createMemoryEventStore({ ids: { uuid: () => uuid(7) } });
  right(await store.append('phone-1', 'no_stream', [{ type: 'Tick', data: { n: 1 }, metadata: meta }])());
  const second = right(await store.append('phone-1', 0, [{ type: 'Tick', data: { n: 2 }, metadata: meta }])());
  assert.is(second.idempotentReplay, false);
  assert.equal(
    right(await store.readStream('phone-1')()).events.map((e) => e.data),
    [{ n: 1 }, { n: 2 }],
  );
});

test.run();
