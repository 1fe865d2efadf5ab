import * as E from 'fp-ts/lib/Either.js';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createMemoryCredentialStore, createMemoryThrottleStore } from './memory.js';
import type { CredentialState } from './ports.js';

const state = (over: Partial<CredentialState> = {}): CredentialState => ({
  subject: 'alice',
  kind: 'pin',
  hash: '$test$1',
  history: [],
  failedAttempts: 0,
  firstFailureAt: null,
  consecutiveFailures: 0,
  lockout: null,
  changedAt: '2026-03-02T09:00:00.000Z',
  mustChange: false,
  ...over,
});

test('credential store: revisions start at 1 and a stale write is a conflict', async () => {
  const store = createMemoryCredentialStore();
  const first = await store.save(state(), null)();
  assert.ok(E.isRight(first) && first.right.revision === 1);
  const again = await store.save(state(), null)();
  assert.ok(E.isLeft(again) && again.left.code === 'credential_revision_conflict', 'a second creation conflicts');
  const second = await store.save(state({ failedAttempts: 1 }), 1)();
  assert.ok(E.isRight(second) && second.right.revision === 2);
  const stale = await store.save(state({ failedAttempts: 1 }), 1)();
  assert.ok(E.isLeft(stale) && stale.left.details?.actualRevision === 2);
  const loaded = await store.load('alice', 'pin')();
  assert.ok(E.isRight(loaded) && loaded.right?.failedAttempts === 1);
});

test('credential store: records are frozen copies, kinds are separate, remove erases a subject', async () => {
  const store = createMemoryCredentialStore();
  const history = ['$test$0'];
  await store.save(state({ history }), null)();
  history.push('$test$mutated');
  await store.save(state({ kind: 'password' }), null)();
  await store.save(state({ subject: 'bob' }), null)();
  const loaded = await store.load('alice', 'pin')();
  assert.ok(E.isRight(loaded) && loaded.right?.history.length === 1 && Object.isFrozen(loaded.right.history));
  assert.equal(await store.remove('alice')(), E.right(2));
  assert.equal(await store.load('alice', 'password')(), E.right(undefined));
  assert.ok(E.isRight(await store.load('bob', 'pin')()));
});

test('throttle store: sliding window, limit, release, pruning', async () => {
  const throttle = createMemoryThrottleStore();
  const at = (minutes: number) => new Date(Date.UTC(2026, 2, 2, 9, minutes));
  const take = async (minutes: number) => {
    const r = await throttle.tryAcquire('device:x', at(minutes), 10 * 60_000, 2)();
    return E.isRight(r) ? r.right : undefined;
  };
  assert.equal(await take(0), { acquired: true, count: 1 });
  assert.equal(await take(5), { acquired: true, count: 2 });
  assert.equal(await take(6), { acquired: false, count: 2 });
  await throttle.release('device:x', at(5))();
  assert.equal(await take(7), { acquired: true, count: 2 });
  assert.equal(await take(10), { acquired: true, count: 2 }, 'the minute-0 attempt left the window');
  assert.equal(await take(40), { acquired: true, count: 1 });
  await throttle.release('device:x', at(40))();
  assert.equal(throttle.keys(), []);
  const unlimited = await throttle.tryAcquire('global', at(0), 60_000, 0)();
  assert.ok(E.isRight(unlimited) && unlimited.right.acquired);
});

test.run();
