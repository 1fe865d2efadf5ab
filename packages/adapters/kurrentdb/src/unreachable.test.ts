// A REAL client (gRPC + native bridge) against 127.0.0.1 on a port nobody listens on:
// every operation must end with a typed, retryable store_unavailable, never hang.
import { createServer } from 'node:net';
import { KurrentDBClient } from '@kurrent/kurrentdb-client';
import type { StoreError } from '@selfprov/core';
import { testEvents, withTimeout } from '@selfprov/core/testkit';
import * as E from 'fp-ts/lib/Either.js';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createKurrentDbEventStore, type KurrentDbClientLike, type KurrentDbEventStore } from './index.js';
import { createSimulatedServer } from './testing/simulatedServer.js';

/** A port that was free a moment ago: bind to 0, note the port, close. */
const closedPort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });

// Generous bound: this only turns a hang into a failure, it asserts no timing.
const BOUND = 30_000;

const test = suite<{ store: KurrentDbEventStore; port: number }>('kurrentdb: unreachable server (real client)', {
  store: undefined as never,
  port: 0,
});

test.before.each(async (ctx) => {
  ctx.port = await closedPort();
  const store = createKurrentDbEventStore({
    connectionString: `kurrentdb://127.0.0.1:${ctx.port}?tls=false&maxDiscoverAttempts=1&defaultDeadline=3000`,
    operationTimeoutMs: 10_000,
  });
  if (E.isLeft(store)) assert.unreachable(store.left.message);
  ctx.store = (store as E.Right<KurrentDbEventStore>).right;
});
test.after.each(async ({ store }) => {
  await withTimeout(store.close(), BOUND, 'close');
});

const retryableUnavailable = (r: E.Either<StoreError, unknown>, what: string) => {
  if (E.isRight(r)) assert.unreachable(`${what} cannot succeed without a server`);
  const e = (r as E.Left<StoreError>).left;
  assert.is(e.code, 'store_unavailable', `${what}: ${e.code} ${e.message}`);
  assert.is(e._tag === 'StoreUnavailable' && e.retryable, true, `${what} should be retryable: ${e.message}`);
};

test('a real client satisfies the KurrentDbClientLike contract the store is written against', async ({ port }) => {
  const client: KurrentDbClientLike = KurrentDBClient.connectionString(`kurrentdb://127.0.0.1:${port}?tls=false`);
  assert.type(client.appendToStream, 'function');
  await client.dispose();
});

test('append gives a retryable store_unavailable', async ({ store }) => {
  retryableUnavailable(await withTimeout(store.append('phone-SEP001122334455', 'no_stream', testEvents(1))(), BOUND, 'append'), 'append');
});

test('a multi-stream append gives store_unavailable too (the snapshot read fails first)', async ({ store }) => {
  const r = await withTimeout(
    store.appendMulti([
      { streamId: 'phone-A', expected: 'no_stream', events: testEvents(1) },
      { streamId: 'dn-1-1000', expected: 'no_stream', events: testEvents(1) },
    ])(),
    BOUND,
    'appendMulti',
  );
  retryableUnavailable(r, 'appendMulti');
});

test('readStream and readAll (both directions) give store_unavailable', async ({ store }) => {
  retryableUnavailable(await withTimeout(store.readStream('phone-A')(), BOUND, 'readStream'), 'readStream');
  retryableUnavailable(
    await withTimeout(store.readStream('phone-A', { direction: 'backward', fromVersion: 3 })(), BOUND, 'readStream'),
    'readStream backward',
  );
  retryableUnavailable(await withTimeout(store.readAll()(), BOUND, 'readAll'), 'readAll');
  retryableUnavailable(await withTimeout(store.readAll({ after: 12_345 })(), BOUND, 'readAll'), 'readAll after a checkpoint');
  retryableUnavailable(await withTimeout(store.readAll({ direction: 'backward', maxCount: 1 })(), BOUND, 'readAll'), 'readAll backward');
});

test('a subscription ends with onError(store_unavailable) and closes cleanly', async ({ store }) => {
  const errors: StoreError[] = [];
  const sub = store.subscribe({ onEvent: () => undefined, onError: (e) => errors.push(e) });
  await withTimeout(sub.caughtUp, BOUND, 'caughtUp resolves even on failure');
  await withTimeout(sub.close(), BOUND, 'close subscription');
  assert.is(errors.length, 1);
  assert.is(errors[0]?.code, 'store_unavailable');
});

test('a real subscribeToAll doorbell that cannot connect costs nothing: polling still delivers, no crash', async ({ port }) => {
  // Reads and writes go to a simulated server; only the doorbell is a real client subscription to a closed port.
  const real = KurrentDBClient.connectionString(`kurrentdb://127.0.0.1:${port}?tls=false`);
  const sim = createSimulatedServer();
  let doorbells = 0;
  // Settles with the first doorbell's end: its `error` (it cannot connect) or `close`.
  let doorbellEnded: (how: string) => void = () => undefined;
  const doorbellEnd = new Promise<string>((resolve) => {
    doorbellEnded = resolve;
  });
  const client: KurrentDbClientLike = {
    appendToStream: sim.appendToStream,
    readStream: sim.readStream,
    readAll: sim.readAll,
    multiStreamAppend: sim.multiStreamAppend,
    appendRecords: sim.appendRecords,
    subscribeToAll: (o) => {
      doorbells += 1;
      const subscription = real.subscribeToAll(o);
      subscription.on('error', (e: unknown) => doorbellEnded(`error: ${e instanceof Error ? e.message : String(e)}`));
      subscription.on('close', () => doorbellEnded('close'));
      return subscription;
    },
    dispose: () => real.dispose(),
  };
  const subscriber = createKurrentDbEventStore({ client, pollIntervalMs: 50 });
  const writer = createKurrentDbEventStore({ client: sim });
  if (E.isLeft(subscriber) || E.isLeft(writer)) assert.unreachable('stores');
  const [s, w] = [(subscriber as E.Right<KurrentDbEventStore>).right, (writer as E.Right<KurrentDbEventStore>).right];
  const seen: string[] = [];
  const errors: StoreError[] = [];
  let delivered: () => void = () => undefined;
  const both = new Promise<void>((resolve) => {
    delivered = resolve;
  });
  const sub = s.subscribe({
    onEvent: (e) => {
      seen.push(e.type);
      if (seen.length === 2) delivered();
    },
    onError: (e) => errors.push(e),
  });
  await withTimeout(sub.caughtUp, BOUND, 'caught up');
  // The doorbell has tried and failed to connect (awaited, not guessed) before the other "process" writes.
  const how = await withTimeout(doorbellEnd, BOUND, 'the real doorbell fails to connect');
  assert.match(how, /^error: .*UNAVAILABLE/, 'the doorbell ended because it cannot connect');
  assert.is(doorbells, 1, 'the real doorbell was tried once (a failed one is retried after 5 s at the earliest)');
  const appended = await w.append('phone-doorbell', 'no_stream', testEvents(2))();
  assert.ok(E.isRight(appended));
  await withTimeout(both, BOUND, 'polling delivers the events');
  assert.equal(seen, ['E0', 'E1']);
  assert.equal(errors, []);
  await withTimeout(sub.close(), BOUND, 'close subscription');
  await withTimeout(s.close(), BOUND, 'close store');
  await withTimeout(w.close(), BOUND, 'close writer');
  await real.dispose();
});

test('after close every call answers store_closed at once', async ({ store }) => {
  await withTimeout(store.close(), BOUND, 'close');
  const r = await store.append('phone-A', 'any', testEvents(1))();
  assert.ok(E.isLeft(r) && r.left.code === 'store_closed');
  const read = await store.readAll()();
  assert.ok(E.isLeft(read) && read.left.code === 'store_closed');
});

test.run();
