import * as fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { verifyStore } from '../kernel/eventstore/chainVerifier.js';
import type { NewEvent, RecordedEvent } from '../kernel/eventstore/envelope.js';
import type { StoreError } from '../kernel/eventstore/errors.js';
import { eventHashOf } from '../kernel/eventstore/hashChain.js';
import type { AppendResult, EventStore } from '../kernel/eventstore/port.js';
import { testEvent, testEvents, uniqueStream, withTimeout } from './events.js';

/** What an adapter author supplies to run the contract suite against their store. */
export interface ContractHarness {
  /** A store for one test. It may share a database with other tests: the suite uses fresh stream ids,
   *  but global-log assertions assume nobody else writes to the store during a test. */
  create(): Promise<EventStore>;
  /** Called after each test with the store it used (drop files, schemas...). The suite closes the store itself. */
  dispose?(store: EventStore): Promise<void>;
  /** Optional: make the backing database fail underneath an open store (kill the connection, remove the file...). */
  breakStore?(store: EventStore): Promise<void>;
  /** Per-operation timeout in ms (default 10,000): a hang fails the test. */
  timeoutMs?: number;
  /** fast-check runs per property (default 25). */
  numRuns?: number;
}

const sleep = (ms: number) =>
  new Promise<void>((r) => (globalThis as unknown as { setTimeout(f: () => void, ms: number): void }).setTimeout(r, ms));

const unwrap = <A>(r: E.Either<StoreError, A>, what: string): A => {
  if (E.isLeft(r)) assert.unreachable(`${what} failed: ${r.left.code}: ${r.left.message}`);
  return (r as E.Right<A>).right;
};

const errorOf = <A>(r: E.Either<StoreError, A>, what: string): StoreError => {
  if (E.isRight(r)) assert.unreachable(`${what} should have failed, got ${JSON.stringify(r.right).slice(0, 200)}`);
  return (r as E.Left<StoreError>).left;
};

/**
 * The EventStore adapter contract: every guarantee of the port, as a uvu suite.
 *
 * ```ts
 * import { defineEventStoreContract } from '@selfprov/core/testkit';
 * defineEventStoreContract('my store', { create: async () => createMyStore() }).run();
 * ```
 */
export const defineEventStoreContract = (name: string, harness: ContractHarness) => {
  const timeout = harness.timeoutMs ?? 10_000;
  const numRuns = harness.numRuns ?? 25;
  const test = suite<{ store: EventStore }>(`EventStore contract: ${name}`, { store: undefined as unknown as EventStore });
  const closed = new WeakSet<EventStore>();

  test.before.each(async (ctx) => {
    ctx.store = await withTimeout(harness.create(), timeout, 'create store');
  });
  test.after.each(async (ctx) => {
    if (!closed.has(ctx.store)) await withTimeout(ctx.store.close(), timeout, 'close store');
    await harness.dispose?.(ctx.store);
  });

  const t = <A>(p: Promise<A>, what = 'operation') => withTimeout(p, timeout, what);
  const append = (s: EventStore, id: string, expected: Parameters<EventStore['append']>[1], events: NewEvent[]) =>
    t(s.append(id, expected, events)(), `append ${id}`);
  const read = async (s: EventStore, id: string, o?: Parameters<EventStore['readStream']>[1]) =>
    unwrap(await t(s.readStream(id, o)(), `read ${id}`), 'readStream');
  const head = async (s: EventStore): Promise<number> => {
    const last = unwrap(await t(s.readAll({ direction: 'backward', maxCount: 1 })()), 'readAll');
    return last[0]?.globalPosition ?? 0;
  };
  const types = (events: readonly RecordedEvent[]) => events.map((e) => e.type);
  const assertNothingWritten = async (s: EventStore, headBefore: number, streams: string[]) => {
    assert.is(await head(s), headBefore, 'the global log must not have grown');
    for (const id of streams) assert.is((await read(s, id)).currentVersion, -1, `stream ${id} must not exist`);
  };
  /** A whole stream (from version 0): every event carries its chain fields, linked, and its hash recomputes with the kernel's pure SHA-256. */
  const assertChained = (events: readonly RecordedEvent[], what: string) => {
    let prev: string | null = null;
    for (const e of events) {
      assert.type(e.hash, 'string', `${what}: version ${e.streamVersion} carries a hash`);
      assert.is(e.prevHash, prev, `${what}: version ${e.streamVersion} links to the hash of the event before it`);
      assert.is(eventHashOf(e, prev), e.hash, `${what}: version ${e.streamVersion}'s hash recomputes`);
      prev = e.hash ?? null;
    }
  };
  const seeded = async (s: EventStore, n: number): Promise<string> => {
    const id = uniqueStream();
    unwrap(await append(s, id, 'no_stream', testEvents(n)), 'seed');
    return id;
  };

  // ---- expected versions -------------------------------------------------
  test('no_stream on a new stream creates it at version 0..n-1', async ({ store }) => {
    const id = uniqueStream();
    const r = unwrap(await append(store, id, 'no_stream', testEvents(3)), 'append');
    assert.is(r.streams[0]?.nextExpectedVersion, 2);
    assert.equal(
      (await read(store, id)).events.map((e) => e.streamVersion),
      [0, 1, 2],
    );
  });
  test('no_stream on an existing stream is a conflict naming expected and actual', async ({ store }) => {
    const id = await seeded(store, 2);
    const e = errorOf(await append(store, id, 'no_stream', testEvents(1)), 'append');
    assert.is(e.code, 'wrong_expected_version');
    assert.is(e._tag === 'WrongExpectedVersion' && e.expected, 'no_stream');
    assert.is(e._tag === 'WrongExpectedVersion' && e.actual, 1);
    assert.is(e._tag === 'WrongExpectedVersion' && e.streamId, id);
  });
  test('exists on a new stream is a conflict with actual -1', async ({ store }) => {
    const id = uniqueStream();
    const e = errorOf(await append(store, id, 'exists', testEvents(1)), 'append');
    assert.is(e._tag === 'WrongExpectedVersion' && e.actual, -1);
    assert.is((await read(store, id)).currentVersion, -1);
  });
  test('exists on an existing stream appends', async ({ store }) => {
    const id = await seeded(store, 1);
    unwrap(await append(store, id, 'exists', testEvents(2)), 'append');
    assert.is((await read(store, id)).currentVersion, 2);
  });
  test('any on a new stream appends', async ({ store }) => {
    const id = uniqueStream();
    unwrap(await append(store, id, 'any', testEvents(1)), 'append');
    assert.is((await read(store, id)).currentVersion, 0);
  });
  test('any on an existing stream appends', async ({ store }) => {
    const id = await seeded(store, 3);
    unwrap(await append(store, id, 'any', testEvents(1)), 'append');
    assert.is((await read(store, id)).currentVersion, 3);
  });
  test('the exact current version appends', async ({ store }) => {
    const id = await seeded(store, 2);
    const r = unwrap(await append(store, id, 1, testEvents(2)), 'append');
    assert.is(r.streams[0]?.nextExpectedVersion, 3);
  });
  test('a stale version is a conflict carrying expected and actual', async ({ store }) => {
    const id = await seeded(store, 3);
    const e = errorOf(await append(store, id, 1, testEvents(1)), 'append');
    assert.is(e._tag === 'WrongExpectedVersion' && e.expected, 1);
    assert.is(e._tag === 'WrongExpectedVersion' && e.actual, 2);
    assert.is((await read(store, id)).currentVersion, 2);
  });
  test('a version ahead of the stream is a conflict', async ({ store }) => {
    const id = await seeded(store, 1);
    const e = errorOf(await append(store, id, 5, testEvents(1)), 'append');
    assert.is(e.code, 'wrong_expected_version');
  });
  test('version 0 on a new stream is a conflict (use no_stream)', async ({ store }) => {
    const id = uniqueStream();
    const e = errorOf(await append(store, id, 0, testEvents(1)), 'append');
    assert.is(e._tag === 'WrongExpectedVersion' && e.actual, -1);
  });

  // ---- versions and positions ------------------------------------------
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

  // ---- reading -------------------------------------------------------------
  test('reading a missing stream gives version -1 and no events', async ({ store }) => {
    const r = await read(store, uniqueStream());
    assert.is(r.currentVersion, -1);
    assert.equal(r.events, []);
  });
  test('forward range: fromVersion and maxCount', async ({ store }) => {
    const id = await seeded(store, 10);
    const r = await read(store, id, { fromVersion: 3, maxCount: 4 });
    assert.equal(types(r.events), ['E3', 'E4', 'E5', 'E6']);
    assert.is(r.currentVersion, 9);
  });
  test('backward from the end', async ({ store }) => {
    const id = await seeded(store, 5);
    const r = await read(store, id, { direction: 'backward', maxCount: 2 });
    assert.equal(types(r.events), ['E4', 'E3']);
  });
  test('backward from a version', async ({ store }) => {
    const id = await seeded(store, 6);
    const r = await read(store, id, { direction: 'backward', fromVersion: 2 });
    assert.equal(types(r.events), ['E2', 'E1', 'E0']);
  });
  test('a range past the end is empty', async ({ store }) => {
    const id = await seeded(store, 2);
    assert.equal((await read(store, id, { fromVersion: 5 })).events, []);
  });
  test('readAll pages forward from a checkpoint', async ({ store }) => {
    const id = await seeded(store, 7);
    const mine = unwrap(await t(store.readAll({ maxCount: 100_000 })()), 'readAll').filter((e) => e.streamId === id);
    const from = mine[1]?.globalPosition ?? 0;
    const page = unwrap(await t(store.readAll({ after: from, maxCount: 3 })()), 'page');
    assert.equal(types(page), ['E2', 'E3', 'E4']);
  });
  test('readAll backward', async ({ store }) => {
    const id = await seeded(store, 4);
    const page = unwrap(await t(store.readAll({ direction: 'backward', maxCount: 3 })()), 'readAll');
    assert.equal(types(page), ['E3', 'E2', 'E1']);
    assert.ok(page.every((e) => e.streamId === id));
  });
  test('readAll after the head is empty', async ({ store }) => {
    await seeded(store, 2);
    const h = await head(store);
    assert.equal(unwrap(await t(store.readAll({ after: h })()), 'readAll'), []);
  });

  // ---- multi-stream atomicity ---------------------------------------------
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

  // ---- idempotency ---------------------------------------------------------
  const withIds = (events: NewEvent[], ids: string[]) => events.map((e, i) => ({ ...e, eventId: ids[i] as string }));
  const ids3 = ['11111111-1111-4111-8111-111111111111', '22222222-2222-4222-8222-222222222222', '33333333-3333-4333-8333-333333333333'];
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

  // ---- concurrency ---------------------------------------------------------
  test('concurrent appends with the same expectation: exactly one wins (fast-check scheduler)', async ({ store }) => {
    await fc.assert(
      fc.asyncProperty(fc.scheduler(), fc.integer({ min: 2, max: 6 }), fc.boolean(), async (s, writers, fresh) => {
        const id = uniqueStream();
        if (!fresh) unwrap(await append(store, id, 'no_stream', testEvents(1)), 'seed');
        const expected = fresh ? ('no_stream' as const) : 0;
        const runs = Array.from({ length: writers }, (_, w) =>
          s.schedule(Promise.resolve(w), `writer ${w}`).then(() => append(store, id, expected, testEvents(2, `W${w}-`))),
        );
        await s.waitAll();
        const results = await Promise.all(runs);
        const winners = results.filter(E.isRight);
        assert.is(winners.length, 1, 'exactly one writer wins');
        for (const r of results) if (E.isLeft(r)) assert.is(r.left.code, 'wrong_expected_version');
        const winner = results.findIndex(E.isRight);
        const events = (await read(store, id)).events;
        assert.equal(types(events.slice(fresh ? 0 : 1)), [`W${winner}-0`, `W${winner}-1`]);
      }),
      { numRuns },
    );
  });
  test('concurrent appends with any: all land, versions contiguous, none lost or doubled', async ({ store }) => {
    await fc.assert(
      fc.asyncProperty(fc.scheduler(), fc.integer({ min: 2, max: 8 }), async (s, writers) => {
        const id = uniqueStream();
        const runs = Array.from({ length: writers }, (_, w) =>
          s.schedule(Promise.resolve(w)).then(() => append(store, id, 'any', testEvents(2, `W${w}-`))),
        );
        await s.waitAll();
        for (const r of await Promise.all(runs)) unwrap(r, 'append');
        const events = (await read(store, id)).events;
        assert.is(events.length, writers * 2);
        assert.equal(
          events.map((e) => e.streamVersion),
          Array.from({ length: writers * 2 }, (_, i) => i),
        );
        assert.is(new Set(events.map((e) => e.eventId)).size, writers * 2);
        // A writer's two events stay adjacent: each append is atomic.
        for (let i = 0; i < events.length; i += 2) assert.is(events[i]?.type.replace(/0$/, '1'), events[i + 1]?.type);
        assertChained(events, 'concurrent appends');
      }),
      { numRuns },
    );
  });
  test('concurrent overlapping multi-stream appends: all-or-nothing, one winner per stream', async ({ store }) => {
    await fc.assert(
      fc.asyncProperty(fc.scheduler(), fc.integer({ min: 2, max: 5 }), async (s, writers) => {
        const shared = uniqueStream();
        const own = Array.from({ length: writers }, () => uniqueStream());
        const runs = own.map((mine, w) =>
          s.schedule(Promise.resolve(w)).then(() =>
            t(
              store.appendMulti([
                { streamId: mine, expected: 'no_stream', events: testEvents(1, `W${w}-`) },
                { streamId: shared, expected: 'no_stream', events: testEvents(1, `W${w}-`) },
              ])(),
            ),
          ),
        );
        await s.waitAll();
        const results = await Promise.all(runs);
        assert.is(results.filter(E.isRight).length, 1);
        for (const [w, r] of results.entries()) {
          const mine = (await read(store, own[w] as string)).currentVersion;
          assert.is(mine, E.isRight(r) ? 0 : -1, `writer ${w}: its own stream is written iff it won`);
        }
      }),
      { numRuns },
    );
  });

  // ---- hash chains -----------------------------------------------------------
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

  // ---- zero-event appends ---------------------------------------------------
  test('a zero-event append leaves a new stream absent and the log untouched', async ({ store }) => {
    const id = uniqueStream();
    const h = await head(store);
    const r = unwrap(await append(store, id, 'no_stream', []), 'append');
    assert.is(r.streams[0]?.nextExpectedVersion, -1);
    await assertNothingWritten(store, h, [id]);
  });
  test('a zero-event append leaves an existing stream untouched', async ({ store }) => {
    const id = await seeded(store, 2);
    const h = await head(store);
    const r = unwrap(await append(store, id, 1, []), 'append');
    assert.is(r.streams[0]?.nextExpectedVersion, 1);
    assert.is(await head(store), h);
  });
  test('a zero-event append still checks its expectation', async ({ store }) => {
    const id = await seeded(store, 2);
    assert.is(errorOf(await append(store, id, 0, []), 'append').code, 'wrong_expected_version');
  });

  // ---- subscriptions ------------------------------------------------------
  const collect = (store: EventStore, after: number, stream?: string) => {
    const seen: RecordedEvent[] = [];
    const errors: StoreError[] = [];
    const sub = store.subscribe({
      after,
      pageSize: 3,
      onEvent: (e) => {
        if (stream === undefined || e.streamId === stream) seen.push(e);
      },
      onError: (e) => errors.push(e),
    });
    return { seen, errors, sub };
  };
  const eventually = async (check: () => boolean, what: string) => {
    for (let i = 0; i < timeout / 10; i++) {
      if (check()) return;
      await sleep(10);
    }
    assert.unreachable(`timed out waiting for ${what}`);
  };
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

  // ---- payloads and names --------------------------------------------------
  test('a 1 MiB payload round-trips', async ({ store }) => {
    const id = uniqueStream();
    const blob = 'x'.repeat(1024 * 1024);
    unwrap(await append(store, id, 'no_stream', [testEvent('Big', { blob })]), 'append');
    const [e] = (await read(store, id)).events;
    const stored = (e?.data as { blob?: string } | undefined)?.blob ?? '';
    assert.is(stored.length, blob.length);
    assert.ok(stored === blob);
  });
  test('unicode stream names and data round-trip', async ({ store }) => {
    const id = `${uniqueStream()}-téléphone-電話-📞-هاتف`;
    const data = { name: 'Zoë Ångström', emoji: '☎️📞', cjk: '自助服务', rtl: 'مرحبا', nul: 'a\u0000b' };
    unwrap(await append(store, id, 'no_stream', [testEvent('Uni', data)]), 'append');
    const r = await read(store, id);
    assert.equal(r.events[0]?.data, data);
    assert.is(r.events[0]?.streamId, id);
  });
  test('a 1024-character stream name works', async ({ store }) => {
    const base = uniqueStream();
    const id = base + 'é'.repeat(1024 - base.length);
    unwrap(await append(store, id, 'no_stream', testEvents(1)), 'append');
    assert.is((await read(store, id)).events[0]?.streamId, id);
  });
  test('stored events do not alias the caller’s objects', async ({ store }) => {
    const id = uniqueStream();
    const data = { list: [1, 2], nested: { a: 'b' } };
    unwrap(await append(store, id, 'no_stream', [testEvent('Alias', data)]), 'append');
    data.list.push(3);
    data.nested.a = 'changed';
    assert.equal((await read(store, id)).events[0]?.data, { list: [1, 2], nested: { a: 'b' } });
  });

  // ---- bad input -----------------------------------------------------------
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

  // ---- closed and failing stores ---------------------------------------------
  test('a closed store answers every call with store_closed, never hangs', async ({ store }) => {
    const id = await seeded(store, 1);
    await t(store.close(), 'close');
    closed.add(store);
    assert.is(errorOf(await append(store, id, 'any', testEvents(1)), 'append').code, 'store_closed');
    assert.is(
      errorOf(await t(store.appendMulti([{ streamId: id, expected: 'any', events: testEvents(1) }])()), 'multi').code,
      'store_closed',
    );
    assert.is(errorOf(await t(store.readStream(id)()), 'read').code, 'store_closed');
    assert.is(errorOf(await t(store.readAll()()), 'readAll').code, 'store_closed');
  });
  test('closing the store ends open subscriptions with a typed error', async ({ store }) => {
    await seeded(store, 2);
    const { errors, sub } = collect(store, 0);
    await t(sub.caughtUp, 'caught up');
    await t(store.close(), 'close store');
    closed.add(store);
    await eventually(() => errors.length === 1, 'subscription error');
    assert.is(errors[0]?.code, 'store_closed');
    await t(sub.close(), 'close subscription');
  });
  // Without `breakStore` the case is reported as skipped (uvu counts it), never as a silent pass.
  const brokenBackend = 'a failing backend surfaces a typed error, never a hang';
  const { breakStore } = harness;
  if (breakStore === undefined) test.skip(`${brokenBackend} (the harness gives no breakStore)`, () => undefined);
  else
    test(brokenBackend, async ({ store }) => {
      const id = await seeded(store, 1);
      await breakStore(store);
      const e = errorOf(await append(store, id, 'any', testEvents(1)), 'append on a broken backend');
      assert.ok(['store_unavailable', 'store_closed'].includes(e.code), e.code);
      const readError = errorOf(await t(store.readStream(id)(), 'read on a broken backend'), 'read on a broken backend');
      assert.ok(['store_unavailable', 'store_closed'].includes(readError.code), readError.code);
    });

  return test;
};

/** Appends and checks the result in one step: handy in adapter authors' own tests. */
export const appendOrFail = async (store: EventStore, streamId: string, events: NewEvent[]): Promise<AppendResult> =>
  unwrap(await store.append(streamId, 'any', events)(), 'append');
