// The audit API over an assembled backend: a restarted process sees the erasure (the users read
// model's stored snapshot, which held names in clear, is rebuilt from the log), and stores without
// durable keys refuse to pretend they erased anything.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ERASED } from '@selfprov/core';
import { createScryptHasher } from '@selfprov/node';
import * as E from 'fp-ts/lib/Either.js';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createSelfprov, eraseUser, openStore, replayLog, seedDemoData, verifyLog } from './index.js';

const hasher = createScryptHasher({ log2N: 10 });
const must = <A>(r: E.Either<{ code: string; message: string }, A>): A => {
  if (E.isLeft(r)) assert.unreachable(`${r.left.code}: ${r.left.message}`);
  return (r as E.Right<A>).right;
};
const by = { actor: { kind: 'administrator', id: 'dpo' }, channel: 'cli' } as const;

test('after an erasure, a restarted backend shows the user as erased (no stale snapshot), and the log verifies', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'selfprov-app-audit-'));
  const store = `sqlite:${join(dir, 'events.db')}`;
  try {
    const app = must(await createSelfprov({ store, hasher }));
    must(await seedDemoData(app));
    assert.is(must(await app.selfProvisioning.user('alice')())?.personal.firstName, 'Alice');
    must(await app.selfProvisioning.readModels.saveCheckpoints()());
    await app.close();

    const raw = must(await openStore(store));
    const report = must(await eraseUser(raw, 'alice', by));
    assert.ok(report.keyDeleted);
    assert.is(report.credentialsRemoved, 2, 'her PIN and her self-care password');
    assert.is(report.event.type, 'PersonalDataErased');
    const pin = await raw.security?.credentials.load('alice', 'pin')();
    assert.ok(pin !== undefined && E.isRight(pin) && pin.right === undefined, 'her PIN record is gone');
    const replayed = must(await replayLog(raw, undefined));
    assert.is(replayed.users.find((u) => u.userId === 'alice')?.personal.firstName, ERASED);
    assert.is(replayed.users.find((u) => u.userId === 'bob')?.personal.firstName, 'Bob');
    assert.ok(must(await verifyLog(raw)).ok);
    await raw.close();

    const restarted = must(await createSelfprov({ store, hasher }));
    assert.is(must(await restarted.selfProvisioning.user('alice')())?.personal.firstName, ERASED);
    await restarted.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a store without durable keys (memory:) refuses an erasure instead of pretending', async () => {
  const raw = must(await openStore('memory:'));
  const r = await eraseUser(raw, 'alice', by);
  assert.ok(E.isLeft(r) && r.left.code === 'store_unavailable' && /nothing to erase/.test(r.left.message));
  await raw.close();
});

test.run();
