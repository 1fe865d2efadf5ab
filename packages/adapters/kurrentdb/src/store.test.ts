// The adapter's own decisions, on a SIMULATED server (see src/testing/simulatedServer.ts):
// what it sends (streamState), how it routes multi-stream appends per mode and server
// version, how it reads $all from any checkpoint, and how subscriptions are woken.
import { ANY, jsonEvent, NO_STREAM } from '@kurrent/kurrentdb-client';
import { type AppendRequest, type EventStore, type RecordedEvent, type StoreError, verifyStore } from '@selfprov/core';
import { testEvent, testEvents, uniqueStream, withTimeout } from '@selfprov/core/testkit';
import * as fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  createKurrentDbEventStore,
  FOREIGN_ACTOR,
  type KurrentDbEventStore,
  type KurrentDbStoreOptions,
  type MultiStreamMode,
} from './index.js';
import { createSimulatedServer, type SimulatedServer, type SimulatedServerOptions } from './testing/simulatedServer.js';

/** A generous deadline: it turns a hang into a failure, it measures nothing. */
const BOUND = 30_000;

const open = (
  server: SimulatedServer,
  options: Omit<Partial<KurrentDbStoreOptions>, 'client' | 'connectionString'> = {},
): KurrentDbEventStore => {
  const store = createKurrentDbEventStore({ client: server, pollIntervalMs: 50, ...options });
  if (E.isLeft(store)) assert.unreachable(store.left.message);
  return (store as E.Right<KurrentDbEventStore>).right;
};
const setup = (serverOptions: SimulatedServerOptions = {}, multiStream?: MultiStreamMode) => {
  const server = createSimulatedServer(serverOptions);
  return { server, store: open(server, multiStream === undefined ? {} : { multiStream }) };
};
const unwrap = <A>(r: E.Either<StoreError, A>, what: string): A => {
  if (E.isLeft(r)) assert.unreachable(`${what}: ${r.left.code}: ${r.left.message}`);
  return (r as E.Right<A>).right;
};
const errorOf = <A>(r: E.Either<StoreError, A>, what: string): StoreError => {
  if (E.isRight(r)) assert.unreachable(`${what} should fail`);
  return (r as E.Left<StoreError>).left;
};
const version = async (store: EventStore, id: string) => unwrap(await store.readStream(id)(), 'read').currentVersion;
const everything = async (store: EventStore) => unwrap(await store.readAll({ maxCount: 1_000_000 })(), 'readAll');

// ---- what goes over the wire -------------------------------------------------------------

test('appendToStream receives streamState (the exact version the hash chain was built on), never expectedRevision', async () => {
  const { server, store } = setup();
  const id = uniqueStream('phone');
  unwrap(await store.append(id, 'no_stream', testEvents(1))(), 'no_stream');
  unwrap(await store.append(id, 'exists', testEvents(1))(), 'exists');
  unwrap(await store.append(id, 'any', testEvents(1))(), 'any');
  unwrap(await store.append(id, 2, testEvents(1))(), 'exact');
  // `exists` and `any` are checked by the kernel against the version read; the server then holds the
  // write to that exact version, so the new events chain onto the event they were hashed after.
  assert.equal(
    server.appendOptionsSeen.map((o) => o.streamState),
    [NO_STREAM, 0n, 1n, 2n],
  );
  for (const o of server.appendOptionsSeen) assert.not.ok('expectedRevision' in o);
  assert.is(await version(store, id), 3);
  await store.close();
});

test('a conflict detected by the server itself names the caller expectation and the actual version', async () => {
  const { server, store } = setup();
  const id = uniqueStream('user');
  unwrap(await store.append(id, 'no_stream', testEvents(1))(), 'seed');
  // Another writer slips in between this store's snapshot read and its write.
  const original = server.appendToStream.bind(server);
  let raced = false;
  server.appendToStream = async (name, events, options) => {
    if (!raced) {
      raced = true;
      await original(name, [jsonEvent({ type: 'Other', data: {} })], { streamState: ANY });
    }
    return original(name, events, options);
  };
  const e = errorOf(await store.append(id, 0, testEvents(1))(), 'raced append');
  assert.is(e._tag === 'WrongExpectedVersion' && e.expected, 0);
  assert.is(e._tag === 'WrongExpectedVersion' && e.actual, 1);
  await store.close();
});

test('an `any` append that loses the race for the head is chained again and retried, never mis-linked', async () => {
  const { server, store } = setup();
  const other = createKurrentDbEventStore({ client: server });
  if (E.isLeft(other)) return assert.unreachable(other.left.message);
  const id = uniqueStream('phone');
  unwrap(await store.append(id, 'no_stream', testEvents(1))(), 'seed');
  const original = server.appendToStream.bind(server);
  let raced = 0;
  let inside = false;
  // Another selfprov writer appends between this store's read of the head and its write, twice.
  server.appendToStream = async (name, events, options) => {
    if (raced < 2 && !inside) {
      raced += 1;
      inside = true;
      unwrap(await other.right.append(name, 'any', testEvents(1, `Other${raced}-`))(), 'interloper');
      inside = false;
    }
    return original(name, events, options);
  };
  unwrap(await store.append(id, 'any', testEvents(1, 'Mine'))(), 'any append');
  const events = unwrap(await store.readStream(id)(), 'read').events;
  assert.equal(
    events.map((e) => e.type),
    ['E0', 'Other1-0', 'Other2-0', 'Mine0'],
  );
  for (let i = 1; i < events.length; i++) assert.is(events[i]?.prevHash, events[i - 1]?.hash, `version ${i} links to version ${i - 1}`);
  const report = unwrap(await verifyStore(store)(), 'verify');
  assert.ok(report.ok, JSON.stringify(report.problems));
  await store.close();
});

test('the events of an append exceeding the server size limit: payload_too_large, nothing written', async () => {
  const { store } = setup({ maxAppendSize: 1000 });
  const id = uniqueStream();
  const e = errorOf(await store.append(id, 'no_stream', [testEvent('Big', { blob: 'x'.repeat(2000) })])(), 'big');
  assert.is(e.code, 'payload_too_large');
  assert.is(await version(store, id), -1);
  await store.close();
});

// ---- multi-stream routing ------------------------------------------------------------------

const provisioning = (phone: string, dn: string, guard?: { id: string; expected: number }): AppendRequest[] => [
  { streamId: phone, expected: 'no_stream', events: testEvents(1, 'Phone') },
  { streamId: dn, expected: 'no_stream', events: testEvents(1, 'Dn') },
  ...(guard ? [{ streamId: guard.id, expected: guard.expected, events: [] }] : []),
];
const seedGuard = async (store: EventStore) => {
  const id = uniqueStream('cluster');
  unwrap(await store.append(id, 'no_stream', testEvents(2))(), 'seed guard');
  return id;
};

test('KurrentDB 26.1 (appendRecords): writes and guards in one transaction', async () => {
  const { server, store } = setup();
  const guard = await seedGuard(store);
  const [phone, dn] = [uniqueStream('phone'), uniqueStream('dn')];
  const r = unwrap(await store.appendMulti(provisioning(phone, dn, { id: guard, expected: 1 }))(), 'appendMulti');
  assert.equal(
    r.streams.map((s) => [s.streamId, s.nextExpectedVersion, s.events.length]),
    [
      [phone, 0, 1],
      [dn, 0, 1],
      [guard, 1, 0],
    ],
  );
  assert.is(server.calls.appendRecords, 1);
  assert.is(server.calls.multiStreamAppend, 0);
  assert.equal(store.capabilities(), { appendRecords: true });
  // The v2 API stores string properties and adds its own keys: the envelope still reads back exactly.
  const [stored] = unwrap(await store.readStream(phone)(), 'read').events;
  assert.equal(stored?.metadata, testEvent().metadata);
  assert.equal(stored, r.streams[0]?.events[0]);
  await store.close();
});

test('KurrentDB 26.1: a moved guard fails the whole call, nothing written', async () => {
  const { store } = setup();
  const guard = await seedGuard(store);
  const [phone, dn] = [uniqueStream('phone'), uniqueStream('dn')];
  const before = await everything(store);
  const e = errorOf(await store.appendMulti(provisioning(phone, dn, { id: guard, expected: 0 }))(), 'stale guard');
  assert.is(e._tag === 'WrongExpectedVersion' && e.streamId, guard);
  assert.is(e._tag === 'WrongExpectedVersion' && e.actual, 1);
  assert.equal(await everything(store), before);
  await store.close();
});

test('KurrentDB 25.1 (multiStreamAppend only), mode atomic: writes are atomic, guards are refused', async () => {
  const { server, store } = setup({ appendRecords: false });
  const [phone, dn] = [uniqueStream('phone'), uniqueStream('dn')];
  unwrap(await store.appendMulti(provisioning(phone, dn))(), 'two writes');
  assert.is(await version(store, phone), 0);
  assert.is(await version(store, dn), 0);
  assert.equal(store.capabilities(), { appendRecords: false, multiStreamAppend: true });
  const guard = await seedGuard(store);
  const [phone2, dn2] = [uniqueStream('phone'), uniqueStream('dn')];
  const e = errorOf(await store.appendMulti(provisioning(phone2, dn2, { id: guard, expected: 1 }))(), 'with guard');
  assert.is(e.code, 'multi_stream_unsupported');
  assert.is(e.field, 'requests');
  assert.match(e.message, /26\.1/);
  assert.is(await version(store, phone2), -1);
  assert.is(await version(store, dn2), -1);
  assert.is(server.calls.appendRecords, 1, 'appendRecords was tried once, then remembered as missing');
  await store.close();
});

test('KurrentDB 25.1, mode atomic-writes: guards are checked by a read just before the atomic write', async () => {
  const { server, store } = setup({ appendRecords: false }, 'atomic-writes');
  const guard = await seedGuard(store);
  const [phone, dn] = [uniqueStream('phone'), uniqueStream('dn')];
  unwrap(await store.appendMulti(provisioning(phone, dn, { id: guard, expected: 1 }))(), 'guard holds');
  assert.is(server.calls.multiStreamAppend, 1);
  const [phone2, dn2] = [uniqueStream('phone'), uniqueStream('dn')];
  const e = errorOf(await store.appendMulti(provisioning(phone2, dn2, { id: guard, expected: 0 }))(), 'guard moved');
  assert.is(e.code, 'wrong_expected_version');
  assert.is(await version(store, phone2), -1);
  // One written stream plus a guard needs no multi-stream API at all in this mode.
  const phone3 = uniqueStream('phone');
  const calls = server.calls.appendToStream;
  unwrap(
    await store.appendMulti([
      { streamId: phone3, expected: 'no_stream', events: testEvents(1) },
      { streamId: guard, expected: 1, events: [] },
    ])(),
    'one write + guard',
  );
  assert.is(server.calls.appendToStream, calls + 1);
  await store.close();
});

test('a server without multi-stream append: refused with multi_stream_unsupported, single streams still work', async () => {
  const { server, store } = setup({ appendRecords: false, multiStreamAppend: false });
  const [phone, dn] = [uniqueStream('phone'), uniqueStream('dn')];
  const e = errorOf(await store.appendMulti(provisioning(phone, dn))(), 'multi');
  assert.is(e.code, 'multi_stream_unsupported');
  assert.match(e.message, /25\.1/);
  assert.is(await version(store, phone), -1);
  assert.is(await version(store, dn), -1);
  const tried = { ...server.calls };
  assert.is(errorOf(await store.appendMulti(provisioning(phone, dn))(), 'again').code, 'multi_stream_unsupported');
  assert.equal(server.calls, tried, 'known missing features are not asked for again');
  unwrap(await store.append(phone, 'no_stream', testEvents(1))(), 'single stream');
  assert.is(await version(store, phone), 0);
  await store.close();
});

test("mode 'refuse' never uses the server's multi-stream APIs", async () => {
  const { server, store } = setup({}, 'refuse');
  const [phone, dn] = [uniqueStream('phone'), uniqueStream('dn')];
  const e = errorOf(await store.appendMulti(provisioning(phone, dn))(), 'multi');
  assert.is(e.code, 'multi_stream_unsupported');
  assert.match(e.message, /refuse/);
  assert.is(server.calls.appendRecords + server.calls.multiStreamAppend, 0);
  assert.is(await version(store, phone), -1);
  // Guard-only calls write nothing, so they need no atomicity and still answer.
  const guard = await seedGuard(store);
  unwrap(
    await store.appendMulti([
      { streamId: guard, expected: 1, events: [] },
      { streamId: phone, expected: 'no_stream', events: [] },
    ])(),
    'guards only',
  );
  await store.close();
});

// ---- $all from any checkpoint ----------------------------------------------------------------

test('readAll from ANY integer checkpoint returns exactly the later user events, from any store (property)', async () => {
  const server = createSimulatedServer({ systemEventEvery: 2 });
  const writer = open(server);
  // 13 appends: a system record after every second one, and a user record last, so that
  // checkpoints inside the last records (which read as "the end" on a server) are exercised.
  for (let i = 0; i < 13; i++) unwrap(await writer.append(uniqueStream('s'), 'no_stream', testEvents(1 + (i % 3)))(), 'seed');
  const all = await everything(writer);
  const head = all[all.length - 1]?.globalPosition ?? 0;
  assert.ok(server.positions().length > all.length, 'system records are interleaved in the log');
  assert.is(server.positions().at(-1), head, 'the log ends with a user record');
  assert.ok(
    all.every((e) => !e.streamId.startsWith('$')),
    'system streams never surface',
  );
  const later = (after: number) => all.filter((e) => e.globalPosition > after);
  // Any integer, and above all the ones next to record boundaries (system records included).
  const nearRecords = server.positions().flatMap((p) => [p - 1, p, p + 1]);
  await fc.assert(
    fc.asyncProperty(
      fc.oneof(fc.integer({ min: 0, max: head + 500 }), fc.constantFrom(...nearRecords)),
      fc.integer({ min: 1, max: 7 }),
      fc.boolean(),
      async (after, maxCount, fresh) => {
        // A fresh store has seen no positions: a checkpoint from "another process".
        const reader = fresh ? open(server) : writer;
        const page = unwrap(await reader.readAll({ after, maxCount })(), `readAll after ${after}`);
        assert.equal(
          page.map((e) => e.globalPosition),
          later(after)
            .slice(0, maxCount)
            .map((e) => e.globalPosition),
        );
        if (fresh) await reader.close();
      },
    ),
    { numRuns: 200 },
  );
  await writer.close();
});

test('readAll backward from ANY integer bound returns exactly the earlier user events (property)', async () => {
  const server = createSimulatedServer({ systemEventEvery: 2 });
  const writer = open(server);
  for (let i = 0; i < 10; i++) unwrap(await writer.append(uniqueStream('s'), 'no_stream', testEvents(2))(), 'seed');
  const all = await everything(writer);
  const head = all[all.length - 1]?.globalPosition ?? 0;
  await fc.assert(
    fc.asyncProperty(
      fc.oneof(fc.integer({ min: 1, max: head + 500 }), fc.constantFrom(...server.positions().flatMap((p) => [p - 1, p, p + 1]))),
      fc.integer({ min: 0, max: head }),
      fc.integer({ min: 1, max: 6 }),
      async (before, after, maxCount) => {
        const reader = open(server);
        const page = unwrap(await reader.readAll({ direction: 'backward', before, after, maxCount })(), 'backward');
        const expected = all
          .filter((e) => e.globalPosition < before && e.globalPosition > after)
          .reverse()
          .slice(0, maxCount);
        assert.equal(
          page.map((e) => e.globalPosition),
          expected.map((e) => e.globalPosition),
        );
        await reader.close();
      },
    ),
    { numRuns: 150 },
  );
  await writer.close();
});

test('positions are strictly increasing but not contiguous, as documented', async () => {
  const { store } = setup();
  unwrap(await store.append(uniqueStream(), 'no_stream', testEvents(5))(), 'seed');
  const positions = (await everything(store)).map((e) => e.globalPosition);
  for (let i = 1; i < positions.length; i++) assert.ok((positions[i] ?? 0) > (positions[i - 1] ?? 0));
  assert.ok(
    positions.some((p, i) => i > 0 && p - (positions[i - 1] ?? 0) > 1),
    'gaps between positions',
  );
  await store.close();
});

test('events written by another tool are read with system metadata, not refused', async () => {
  const { server, store } = setup();
  const id = uniqueStream('legacy');
  await server.appendToStream(id, [jsonEvent({ type: 'LegacyThing', data: { a: 1 }, metadata: { $correlationId: 'x' } })], {
    streamState: NO_STREAM,
  });
  const [e] = unwrap(await store.readStream(id)(), 'read').events;
  assert.equal(e?.metadata, { actor: FOREIGN_ACTOR, channel: 'system' });
  assert.equal(e?.data, { a: 1 });
  await store.close();
});

// ---- subscriptions --------------------------------------------------------------------------

/** `until(ready)` resolves once `ready()` holds (checked now and after each `changed()`), or fails at the deadline. */
const counter = () => {
  const waiters = new Set<{ readonly ready: () => boolean; readonly resolve: () => void }>();
  return {
    changed: () => {
      for (const w of [...waiters])
        if (w.ready()) {
          waiters.delete(w);
          w.resolve();
        }
    },
    until: (ready: () => boolean, what: string) =>
      withTimeout(
        new Promise<void>((resolve) => {
          if (ready()) resolve();
          else waiters.add({ ready, resolve });
        }),
        BOUND,
        what,
      ),
  };
};
const collect = (store: EventStore, stream: string) => {
  const seen: RecordedEvent[] = [];
  const errors: StoreError[] = [];
  const events = counter();
  const failures = counter();
  const sub = store.subscribe({
    onEvent: (e) => {
      if (e.streamId === stream) seen.push(e);
      events.changed();
    },
    onError: (e) => {
      errors.push(e);
      failures.changed();
    },
  });
  return {
    seen,
    errors,
    sub,
    /** Resolves once `n` events of `stream` were delivered. */
    delivered: (n: number, what: string) => events.until(() => seen.length >= n, `${what} (${seen.length} of ${n} so far)`),
    /** Resolves once the subscription reported an error. */
    failed: (what: string) => failures.until(() => errors.length > 0, what),
  };
};

test("another process's append wakes a subscription through the subscribeToAll doorbell", async () => {
  const server = createSimulatedServer();
  // Polling once every ten minutes: only the doorbell can deliver within the bound.
  const subscriber = open(server, { pollIntervalMs: 600_000 });
  const writer = open(server);
  const id = uniqueStream('phone');
  const { seen, sub, delivered } = collect(subscriber, id);
  try {
    await withTimeout(sub.caughtUp, BOUND, 'caught up');
    await withTimeout(server.untilLiveSubscribers(1), BOUND, 'the doorbell');
    unwrap(await writer.append(id, 'no_stream', testEvents(2))(), 'other process');
    await delivered(2, 'delivery through the doorbell');
    assert.equal(
      seen.map((e) => e.type),
      ['E0', 'E1'],
    );
  } finally {
    // Also on failure: the ten-minute poll timer must not keep the test process alive.
    await withTimeout(sub.close(), BOUND, 'close');
  }
  assert.is(server.liveSubscribers(), 0, 'the doorbell stops with the last subscription');
  assert.is(server.calls.subscribeToAll, 1, 'one doorbell for the whole subscription');
  await subscriber.close();
  await writer.close();
});

test('without the doorbell, polling still delivers; a lost doorbell costs latency, not events', async () => {
  const server = createSimulatedServer();
  const subscriber = open(server, { liveNotifications: false, pollIntervalMs: 20 });
  const writer = open(server);
  const id = uniqueStream('phone');
  const { seen, sub, delivered } = collect(subscriber, id);
  await withTimeout(sub.caughtUp, BOUND, 'caught up');
  unwrap(await writer.append(id, 'no_stream', testEvents(3))(), 'other process');
  await delivered(3, 'delivery by polling');
  assert.equal(
    seen.map((e) => e.type),
    ['E0', 'E1', 'E2'],
  );
  // The store asks for a doorbell (synchronously) each time it starts waiting, and it waited before
  // this delivery: had it asked, the server would have seen the call by now.
  assert.is(server.calls.subscribeToAll, 0, 'liveNotifications: false never subscribes');
  assert.is(server.liveSubscribers(), 0);
  await sub.close();
  await subscriber.close();
  await writer.close();
});

test('closing the store stops the doorbell, ends subscriptions with store_closed, and leaves a caller-supplied client open', async () => {
  const server = createSimulatedServer();
  const store = open(server, { pollIntervalMs: 600_000 });
  const { errors, sub, failed } = collect(store, 'none');
  try {
    await withTimeout(sub.caughtUp, BOUND, 'caught up');
    await withTimeout(server.untilLiveSubscribers(1), BOUND, 'the doorbell');
    await withTimeout(store.close(), BOUND, 'close');
    await failed('the subscription error');
  } finally {
    await sub.close();
  }
  assert.equal(
    errors.map((e) => e.code),
    ['store_closed'],
  );
  assert.is(server.liveSubscribers(), 0);
  assert.is(server.disposed, false);
});

test.run();
