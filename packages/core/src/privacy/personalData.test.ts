import * as E from 'fp-ts/lib/Either.js';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createMemoryEventStore, type EventStore, systemRuntime } from '../index.js';
import { defineEventStoreContract, testEvent } from '../testkit/index.js';
import { aesGcmCipher } from './cipher.js';
import { ERASED, withPersonalDataProtection } from './personalData.js';
import { createMemoryKeyStore } from './ports.js';

const setup = () => {
  const raw = createMemoryEventStore();
  const keys = createMemoryKeyStore(systemRuntime().random);
  const store = withPersonalDataProtection(raw, { keys, cipher: aesGcmCipher() });
  return { raw, keys, store };
};
const created = (userId: string) =>
  testEvent('UserCreated', {
    userId,
    primaryExtension: '2001',
    personal: { firstName: 'Alice', lastName: 'Martin', email: 'alice@example.com', numbers: ['+33123456789'] },
  });

test('personal fields are encrypted in the log and read back in clear', async () => {
  const { raw, store } = setup();
  await store.append('user-alice', 'no_stream', [created('alice')])();
  const stored = JSON.stringify(await raw.readAll()());
  for (const secret of ['Alice', 'Martin', 'alice@example.com', '+33123456789'])
    assert.not.ok(stored.includes(secret), `${secret} is in the log`);
  assert.ok(stored.includes('"primaryExtension":"2001"'), 'non-personal fields stay in clear');
  const r = await store.readStream('user-alice')();
  assert.equal(E.isRight(r) && r.right.events[0]?.data, {
    userId: 'alice',
    primaryExtension: '2001',
    personal: { firstName: 'Alice', lastName: 'Martin', email: 'alice@example.com', numbers: ['+33123456789'] },
  });
});

test('erasing the key shows the fields as erased; the history of actions stays', async () => {
  const { keys, store } = setup();
  await store.append('user-alice', 'no_stream', [created('alice')])();
  await store.append('user-bob', 'no_stream', [created('bob')])();
  await keys.erase('alice')();
  const all = await store.readAll()();
  const [alice, bob] = E.isRight(all) ? all.right : [];
  assert.equal(alice?.data, {
    userId: 'alice',
    primaryExtension: '2001',
    personal: { firstName: ERASED, lastName: ERASED, email: ERASED, numbers: ERASED, $erased: true },
  });
  assert.is((bob?.data as { personal?: { firstName?: string } } | undefined)?.personal?.firstName, 'Alice', 'other users are untouched');
  const again = await store.append('user-alice', 'any', [created('alice')])();
  assert.ok(E.isLeft(again) && again.left.code === 'subject_erased');
});

test('events without personal data pass through unchanged', async () => {
  const { raw, store } = setup();
  await store.append('phone-SEP001122334455', 'no_stream', [testEvent('PhoneAutoRegistered', { deviceName: 'SEP001122334455' })])();
  const r = await raw.readStream('phone-SEP001122334455')();
  assert.equal(E.isRight(r) && r.right.events[0]?.data, { deviceName: 'SEP001122334455' });
});

// The wrapped store still honours the whole EventStore contract.
const underlying = new WeakMap<EventStore, ReturnType<typeof createMemoryEventStore>>();
defineEventStoreContract('memory + personal data protection', {
  create: async () => {
    const { raw, store } = setup();
    underlying.set(store, raw);
    return store;
  },
  // An outage of the wrapped store must come through the wrapper as the same typed error.
  breakStore: async (store) => underlying.get(store)?.simulateOutage(true),
}).run();

test.run();
