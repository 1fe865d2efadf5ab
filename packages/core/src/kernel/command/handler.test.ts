import * as E from 'fp-ts/lib/Either.js';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  type CommandContext,
  createMemoryEventStore,
  type Decider,
  type DomainError,
  type DomainEvent,
  domainError,
  type EventStore,
  handleCommand,
  handleMultiStreamCommand,
  manualClock,
  sequentialIds,
  systemRuntime,
} from '../../index.js';

// A tiny counter aggregate: enough to exercise loading, deciding, retrying and idempotency.
type CounterEvent = DomainEvent<'Incremented', { by: number }>;
type CounterCommand = { type: 'Increment'; by: number; max: number };
const counter: Decider<CounterCommand, CounterEvent, number, DomainError> = {
  initialState: () => 0,
  evolve: (n, e) => n + e.data.by,
  decide: (c, n) =>
    n + c.by > c.max
      ? E.left(domainError('limit_reached', `cannot exceed ${c.max}`, { field: 'by' }))
      : E.right([{ type: 'Incremented', data: { by: c.by } }]),
};

const runtime = () => ({ ...systemRuntime(), clock: manualClock('2026-03-03T10:00:00Z'), ids: sequentialIds() });
const ctx = (commandId: string): CommandContext => ({ commandId, actor: { kind: 'user', id: 'alice' }, channel: 'selfcare' });

test('a command is decided on the loaded state and recorded with its metadata', async () => {
  const store = createMemoryEventStore(runtime());
  const deps = { store, runtime: runtime() };
  const r = await handleCommand(deps, counter, 'counter-1', { type: 'Increment', by: 2, max: 10 }, ctx('c1'))();
  assert.ok(E.isRight(r));
  const [event] = E.isRight(r) ? r.right.events : [];
  assert.equal(event?.metadata, {
    actor: { kind: 'user', id: 'alice' },
    channel: 'selfcare',
    commandId: 'c1',
    correlationId: 'c1',
    causationId: 'c1',
  });
  assert.is(event?.occurredAt, '2026-03-03T10:00:00.000Z');
});

test('a refusal is returned as a typed error and appends nothing', async () => {
  const store = createMemoryEventStore();
  const deps = { store, runtime: systemRuntime() };
  await handleCommand(deps, counter, 'counter-1', { type: 'Increment', by: 9, max: 10 }, ctx('c1'))();
  const r = await handleCommand(deps, counter, 'counter-1', { type: 'Increment', by: 2, max: 10 }, ctx('c2'))();
  assert.ok(E.isLeft(r) && r.left.code === 'limit_reached' && r.left.field === 'by');
  const all = await store.readAll()();
  assert.is(E.isRight(all) && all.right.length, 1);
});

test('the same commandId handled twice changes nothing the second time', async () => {
  const store = createMemoryEventStore();
  const deps = { store, runtime: systemRuntime() };
  const first = await handleCommand(deps, counter, 'counter-1', { type: 'Increment', by: 1, max: 10 }, ctx('same'))();
  const second = await handleCommand(deps, counter, 'counter-1', { type: 'Increment', by: 1, max: 10 }, ctx('same'))();
  assert.ok(E.isRight(first) && E.isRight(second));
  if (E.isRight(first) && E.isRight(second)) {
    assert.is(second.right.alreadyHandled, true);
    assert.equal(second.right.events, first.right.events);
  }
  const stream = await store.readStream('counter-1')();
  assert.is(E.isRight(stream) && stream.right.events.length, 1);
});

test('concurrent commands on one stream all land through retries, and the limit still holds', async () => {
  const store = createMemoryEventStore();
  const deps = { store, runtime: systemRuntime() };
  const results = await Promise.all(
    Array.from({ length: 12 }, (_, i) => handleCommand(deps, counter, 'counter-1', { type: 'Increment', by: 1, max: 10 }, ctx(`c${i}`))()),
  );
  assert.is(results.filter(E.isRight).length, 10);
  assert.ok(results.filter(E.isLeft).every((r) => E.isLeft(r) && r.left.code === 'limit_reached'));
  assert.ok(
    results.some((r) => E.isRight(r) && r.right.retries > 0),
    'some commands had to retry',
  );
  const stream = await store.readStream('counter-1')();
  assert.is(E.isRight(stream) && stream.right.events.length, 10);
});

test('retries are bounded: a stream that always moves yields the last conflict', async () => {
  const inner = createMemoryEventStore();
  // A store whose stream is always moved by "someone else" just before our append.
  const racing: EventStore = {
    ...inner,
    appendMulti: (requests) => async () => {
      await inner.append('counter-1', 'any', [
        { type: 'Incremented', data: { by: 0 }, metadata: { actor: { kind: 'system', id: 'x' }, channel: 'system' } },
      ])();
      return inner.appendMulti(requests)();
    },
  };
  const deps = { store: racing, runtime: systemRuntime(), retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 2 } };
  const r = await handleCommand(deps, counter, 'counter-1', { type: 'Increment', by: 1, max: 100 }, ctx('c1'))();
  assert.ok(E.isLeft(r) && r.left.code === 'wrong_expected_version');
  const stream = await inner.readStream('counter-1')();
  assert.is(E.isRight(stream) && stream.right.events.filter((e) => e.metadata.commandId === 'c1').length, 0);
});

test('a multi-stream command is atomic and guards the streams it read', async () => {
  const store = createMemoryEventStore();
  const deps = { store, runtime: systemRuntime() };
  await store.append('config', 'no_stream', [
    { type: 'Configured', data: { max: 1 }, metadata: { actor: { kind: 'system', id: 's' }, channel: 'system' } },
  ])();
  const r = await handleMultiStreamCommand(
    deps,
    {
      streams: ['config', 'a'],
      decide: (loaded) =>
        E.right([
          { streamId: 'config', events: [] },
          { streamId: 'a', events: [{ type: 'Done', data: { configVersion: loaded.get('config')?.version ?? -1 } }] },
          { streamId: 'b', expected: 'no_stream', events: [{ type: 'Done', data: {} }] },
        ]),
    },
    ctx('m1'),
  )();
  assert.ok(E.isRight(r));
  assert.equal(E.isRight(r) && [...r.right.versions.entries()], [
    ['config', 0],
    ['a', 0],
    ['b', 0],
  ]);
});

test('a failing inline projection does not turn a recorded command into a failure', async () => {
  const store = createMemoryEventStore();
  const deps = {
    store,
    runtime: systemRuntime(),
    afterAppend: () => async () =>
      E.left({ _tag: 'StoreUnavailable' as const, code: 'store_unavailable' as const, message: 'read model down', retryable: true }),
  };
  const r = await handleCommand(deps, counter, 'counter-1', { type: 'Increment', by: 1, max: 10 }, ctx('c1'))();
  assert.ok(E.isRight(r) && r.right.events.length === 1 && r.right.afterAppendError?.code === 'store_unavailable');
});

test.run();
