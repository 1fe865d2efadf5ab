import * as fc from 'fast-check';
import * as assert from 'uvu/assert';
import type { KeyStore } from '../../privacy/ports.js';
import { uniqueStream } from '../events.js';
import { type SecurityStoreHarness, securitySuite, unwrap } from './support.js';

const bytes = (key: Uint8Array | undefined): number[] | undefined => (key === undefined ? undefined : Array.from(key));

/**
 * The `KeyStore` contract: a subject's key is created once (concurrent creators all get the same
 * key), erasure deletes it for good and is remembered, and nothing brings an erased key back.
 */
export const defineKeyStoreContract = (name: string, harness: SecurityStoreHarness<KeyStore>) => {
  const { test, t, numRuns } = securitySuite(`KeyStore contract: ${name}`, harness);
  const subject = () => uniqueStream('user');
  const keyFor = async (s: KeyStore, who: string, create: boolean) => unwrap(await t(s.keyFor(who, create)(), 'keyFor'), 'keyFor');
  const erase = async (s: KeyStore, who: string) => unwrap(await t(s.erase(who)(), 'erase'), 'erase');
  const isErased = async (s: KeyStore, who: string) => unwrap(await t(s.isErased(who)(), 'isErased'), 'isErased');

  test('without create, an unknown subject has no key, and it is not erased', async ({ store }) => {
    const who = subject();
    assert.is(await keyFor(store, who, false), undefined);
    assert.is(await keyFor(store, who, false), undefined, 'asking does not create');
    assert.is(await isErased(store, who), false);
  });
  test('create makes a 32-byte key once; later calls, with or without create, return the same bytes', async ({ store }) => {
    const who = subject();
    const key = await keyFor(store, who, true);
    assert.ok(key instanceof Uint8Array);
    assert.is(key?.length, 32);
    assert.equal(bytes(await keyFor(store, who, true)), bytes(key));
    assert.equal(bytes(await keyFor(store, who, false)), bytes(key));
    assert.is(await isErased(store, who), false);
  });
  test('subjects get different keys', async ({ store }) => {
    const keys = new Set<string>();
    for (let i = 0; i < 8; i++) keys.add(JSON.stringify(bytes(await keyFor(store, subject(), true))));
    assert.is(keys.size, 8);
  });
  test('erase deletes the key and remembers the erasure; nothing recreates it', async ({ store }) => {
    const [who, other] = [subject(), subject()];
    await keyFor(store, who, true);
    const kept = await keyFor(store, other, true);
    assert.is(await erase(store, who), true);
    assert.is(await keyFor(store, who, false), undefined);
    assert.is(await keyFor(store, who, true), undefined, 'create after erase gives no key');
    assert.is(await keyFor(store, who, false), undefined);
    assert.is(await isErased(store, who), true);
    assert.is(await erase(store, who), false, 'a second erase finds no key');
    assert.is(await isErased(store, who), true);
    assert.equal(bytes(await keyFor(store, other, false)), bytes(kept), 'another subject is untouched');
    assert.is(await isErased(store, other), false);
  });
  test('erasing a subject that never had a key answers false but still forbids a key', async ({ store }) => {
    const who = subject();
    assert.is(await erase(store, who), false);
    assert.is(await isErased(store, who), true);
    assert.is(await keyFor(store, who, true), undefined);
  });
  test('subjects with unusual characters are exact keys', async ({ store }) => {
    const base = subject();
    const names = [`${base}-Zoë`, `${base}-zoe`, `${base}-%_*'"`, `${base}-用户`];
    const keys = [];
    for (const who of names) keys.push(bytes(await keyFor(store, who, true)));
    assert.is(await erase(store, names[0] as string), true);
    assert.equal(bytes(await keyFor(store, names[1] as string, false)), keys[1]);
    assert.is(await isErased(store, names[1] as string), false);
  });
  test('concurrent keyFor(create) calls for one subject all return the same key (fast-check scheduler)', async ({ store }) => {
    await fc.assert(
      fc.asyncProperty(fc.scheduler(), fc.integer({ min: 2, max: 8 }), async (s, callers) => {
        const who = subject();
        const runs = Array.from({ length: callers }, (_, c) =>
          s.schedule(Promise.resolve(c), `caller ${c}`).then(() => keyFor(store, who, true)),
        );
        await s.waitAll();
        const keys = (await Promise.all(runs)).map((k) => JSON.stringify(bytes(k)));
        assert.is(new Set(keys).size, 1, 'one key for everyone');
        assert.is(keys[0], JSON.stringify(bytes(await keyFor(store, who, false))));
      }),
      { numRuns },
    );
  });
  test('concurrent create and erase: erasure wins for good, and answers say who came first (fast-check scheduler)', async ({ store }) => {
    await fc.assert(
      fc.asyncProperty(fc.scheduler(), fc.integer({ min: 1, max: 4 }), async (s, creators) => {
        const who = subject();
        const created = Array.from({ length: creators }, (_, c) =>
          s.schedule(Promise.resolve(c), `creator ${c}`).then(() => keyFor(store, who, true)),
        );
        const erased = s.schedule(Promise.resolve('eraser'), 'eraser').then(() => erase(store, who));
        await s.waitAll();
        const keys = await Promise.all(created);
        const existed = await erased;
        assert.is(
          existed,
          keys.some((k) => k !== undefined),
          'erase found a key iff some creator got one',
        );
        assert.is(await keyFor(store, who, true), undefined, 'no key after the erasure');
        assert.is(await isErased(store, who), true);
      }),
      { numRuns },
    );
  });
  return test;
};
