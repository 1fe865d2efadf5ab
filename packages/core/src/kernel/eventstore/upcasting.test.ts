import * as E from 'fp-ts/lib/Either.js';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createMemoryEventStore, createUpcasterRegistry, type JsonValue, withUpcasting } from '../../index.js';
import { testEvent } from '../../testkit/index.js';

const registry = createUpcasterRegistry([
  // v1 -> v2: a single `name` split into first and last names.
  {
    type: 'UserCreated',
    fromVersion: 1,
    upcast: (d) => {
      const [firstName = '', lastName = ''] = String((d as { name?: JsonValue }).name ?? '').split(' ');
      return { firstName, lastName };
    },
  },
  // v2 -> v3: a default for a field added later.
  { type: 'UserCreated', fromVersion: 2, upcast: (d) => ({ ...(d as object), locale: 'en_US' }) },
]);

test('old events are lifted through every step on read; stored events stay as written', async () => {
  assert.ok(E.isRight(registry));
  if (E.isLeft(registry)) return;
  const raw = createMemoryEventStore();
  await raw.append('user-1', 'no_stream', [testEvent('UserCreated', { name: 'Ada Lovelace' }, { schemaVersion: 1 })])();
  await raw.append('user-2', 'no_stream', [testEvent('UserCreated', { firstName: 'Alan', lastName: 'Turing' }, { schemaVersion: 2 })])();
  const store = withUpcasting(raw, registry.right);
  const r1 = await store.readStream('user-1')();
  assert.equal(E.isRight(r1) && r1.right.events[0]?.data, { firstName: 'Ada', lastName: 'Lovelace', locale: 'en_US' });
  assert.is(E.isRight(r1) && r1.right.events[0]?.schemaVersion, 3);
  const all = await store.readAll()();
  assert.equal(E.isRight(all) && all.right.map((e) => e.schemaVersion), [3, 3]);
  const stored = await raw.readStream('user-1')();
  assert.equal(E.isRight(stored) && stored.right.events[0]?.data, { name: 'Ada Lovelace' });
  assert.is(registry.right.currentVersion('UserCreated'), 3);
  assert.is(registry.right.currentVersion('Other'), 1);
});

test('subscriptions deliver upcast events', async () => {
  if (E.isLeft(registry)) return assert.unreachable();
  const raw = createMemoryEventStore();
  await raw.append('user-1', 'no_stream', [testEvent('UserCreated', { name: 'Grace Hopper' })])();
  const seen: JsonValue[] = [];
  const sub = withUpcasting(raw, registry.right).subscribe({ onEvent: (e) => void seen.push(e.data) });
  await sub.caughtUp;
  await sub.close();
  assert.equal(seen, [{ firstName: 'Grace', lastName: 'Hopper', locale: 'en_US' }]);
});

test('two upcasters for one type and version are refused', () => {
  const r = createUpcasterRegistry([
    { type: 'T', fromVersion: 1, upcast: (d) => d },
    { type: 'T', fromVersion: 1, upcast: (d) => d },
  ]);
  assert.ok(E.isLeft(r) && r.left.code === 'duplicate_upcaster' && r.left.field === 'upcasters[1]');
});

test.run();
