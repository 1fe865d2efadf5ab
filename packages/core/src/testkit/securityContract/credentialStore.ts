import * as fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import * as assert from 'uvu/assert';
import type { CredentialKind } from '../../credentials/codecs.js';
import type { CredentialPortError } from '../../credentials/errors.js';
import type { CredentialRecord, CredentialState, CredentialStore } from '../../credentials/ports.js';
import { uniqueStream } from '../events.js';
import { errorOf, type SecurityStoreHarness, securitySuite, unwrap } from './support.js';

const KINDS: readonly CredentialKind[] = ['pin', 'password', 'voicemail-pin', 'authentication-code'];

/** A complete record with every field set to a non-default value, so a dropped column shows. */
const sampleState = (subject: string, over: Partial<CredentialState> = {}): CredentialState => ({
  subject,
  kind: 'pin',
  hash: '$scrypt$ln=10,r=8,p=1$c2FsdA$ZGlnZXN0',
  history: ['$scrypt$ln=10,r=8,p=1$b2xk$MQ', '$scrypt$ln=10,r=8,p=1$b2xkZXI$Mg'],
  failedAttempts: 2,
  firstFailureAt: '2026-03-02T09:00:00.000Z',
  consecutiveFailures: 7,
  lockout: { at: '2026-03-02T09:05:00.000Z', until: '2026-03-02T09:35:00.000Z', reason: 'policy' },
  changedAt: '2026-01-15T08:30:00.000Z',
  mustChange: true,
  ...over,
});

const stateArbitrary = (subject: string): fc.Arbitrary<CredentialState> => {
  const instant = fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2100, 0, 1) }).map((ms) => new Date(ms).toISOString());
  const hash = fc.string({ minLength: 1, maxLength: 120 });
  return fc.record({
    subject: fc.constant(subject),
    kind: fc.constantFrom(...KINDS),
    hash,
    history: fc.array(hash, { maxLength: 25 }),
    failedAttempts: fc.nat({ max: 1000 }),
    firstFailureAt: fc.option(instant, { nil: null }),
    consecutiveFailures: fc.nat({ max: 1000 }),
    lockout: fc.option(
      fc.record({
        at: instant,
        until: fc.option(instant, { nil: null }),
        reason: fc.constantFrom('policy' as const, 'failure_cap' as const),
      }),
      { nil: null },
    ),
    changedAt: instant,
    mustChange: fc.boolean(),
  });
};

/** The record fields a caller can observe, as plain data (drops freezing and array identity). */
const plain = (record: CredentialRecord | CredentialState | undefined): unknown =>
  record === undefined ? undefined : JSON.parse(JSON.stringify(record));

/**
 * The `CredentialStore` contract: per-(subject, kind) records with optimistic revisions, exactly
 * one winner among concurrent writers, and erasure of a subject.
 *
 * ```ts
 * defineCredentialStoreContract('sqlite', { create: async () => createSqliteCredentialStore(db) }).run();
 * ```
 */
export const defineCredentialStoreContract = (name: string, harness: SecurityStoreHarness<CredentialStore>) => {
  const { test, t, numRuns } = securitySuite(`CredentialStore contract: ${name}`, harness);
  const subject = () => uniqueStream('subject');
  const load = async (s: CredentialStore, who: string, kind: CredentialKind = 'pin') =>
    unwrap(await t(s.load(who, kind)(), 'load'), 'load');
  const save = (s: CredentialStore, state: CredentialState, expected: number | null) => t(s.save(state, expected)(), 'save');
  const conflictOf = (r: E.Either<CredentialPortError, CredentialRecord>, what: string) => {
    const e = errorOf(r, what);
    assert.is(e._tag, 'CredentialPortError');
    assert.is(e.code, 'credential_revision_conflict');
    return e;
  };

  test('load of an unknown record answers undefined', async ({ store }) => {
    assert.is(await load(store, subject()), undefined);
  });
  test('save with null creates revision 1; every field round-trips', async ({ store }) => {
    const who = subject();
    const state = sampleState(who);
    const saved = unwrap(await save(store, state, null), 'save');
    assert.equal(plain(saved), { ...(plain(state) as object), revision: 1 });
    assert.equal(plain(await load(store, who)), { ...(plain(state) as object), revision: 1 });
  });
  test('null fields, an empty history and a lockout until an administrator unlocks round-trip', async ({ store }) => {
    const who = subject();
    const bare = sampleState(who, { history: [], firstFailureAt: null, lockout: null, mustChange: false, failedAttempts: 0 });
    unwrap(await save(store, bare, null), 'save bare');
    assert.equal(plain(await load(store, who)), { ...(plain(bare) as object), revision: 1 });
    const locked = sampleState(who, { lockout: { at: '2026-03-02T10:00:00.000Z', until: null, reason: 'failure_cap' } });
    unwrap(await save(store, locked, 1), 'save locked');
    assert.equal(plain(await load(store, who)), { ...(plain(locked) as object), revision: 2 });
  });
  test('save with null when the record exists is a conflict; the record is untouched', async ({ store }) => {
    const who = subject();
    unwrap(await save(store, sampleState(who), null), 'create');
    const e = conflictOf(await save(store, sampleState(who, { hash: '$other' }), null), 'second create');
    assert.is(e.details?.expectedRevision, null);
    assert.is(e.details?.actualRevision, 1);
    const stored = await load(store, who);
    assert.is(stored?.hash, sampleState(who).hash);
    assert.is(stored?.revision, 1);
  });
  test('each save with the current revision adds 1; a stale or future revision is a conflict', async ({ store }) => {
    const who = subject();
    unwrap(await save(store, sampleState(who, { failedAttempts: 0 }), null), 'create');
    for (let revision = 1; revision <= 4; revision++) {
      const saved = unwrap(await save(store, sampleState(who, { failedAttempts: revision }), revision), `save ${revision}`);
      assert.is(saved.revision, revision + 1);
    }
    const stale = conflictOf(await save(store, sampleState(who, { failedAttempts: 99 }), 3), 'stale');
    assert.is(stale.details?.expectedRevision, 3);
    assert.is(stale.details?.actualRevision, 5);
    conflictOf(await save(store, sampleState(who, { failedAttempts: 99 }), 6), 'future');
    const stored = await load(store, who);
    assert.is(stored?.revision, 5);
    assert.is(stored?.failedAttempts, 4);
  });
  test('a revision for a record that does not exist is a conflict with actual null; nothing is created', async ({ store }) => {
    const who = subject();
    const e = conflictOf(await save(store, sampleState(who), 1), 'save');
    assert.is(e.details?.actualRevision, null);
    assert.is(await load(store, who), undefined);
  });
  test('kinds of one subject, and subjects, are separate records with their own revisions', async ({ store }) => {
    const [alice, bob] = [subject(), subject()];
    for (const [i, kind] of KINDS.entries()) unwrap(await save(store, sampleState(alice, { kind, hash: `$h${i}` }), null), kind);
    unwrap(await save(store, sampleState(alice, { kind: 'pin', hash: '$h0b' }), 1), 'pin again');
    unwrap(await save(store, sampleState(bob, { hash: '$bob' }), null), 'bob');
    for (const [i, kind] of KINDS.entries()) {
      const r = await load(store, alice, kind);
      assert.is(r?.kind, kind);
      assert.is(r?.hash, i === 0 ? '$h0b' : `$h${i}`);
      assert.is(r?.revision, i === 0 ? 2 : 1);
    }
    assert.is((await load(store, bob))?.hash, '$bob');
  });
  test('remove(subject) deletes every kind of that subject only and answers how many', async ({ store }) => {
    const [alice, bob] = [subject(), subject()];
    for (const kind of ['pin', 'password', 'voicemail-pin'] as const) unwrap(await save(store, sampleState(alice, { kind }), null), kind);
    unwrap(await save(store, sampleState(bob), null), 'bob');
    assert.is(unwrap(await t(store.remove(alice)()), 'remove'), 3);
    for (const kind of KINDS) assert.is(await load(store, alice, kind), undefined, `${kind} removed`);
    assert.is((await load(store, bob))?.revision, 1, 'another subject is untouched');
    assert.is(unwrap(await t(store.remove(alice)()), 'remove again'), 0);
    assert.is(unwrap(await t(store.remove(subject())()), 'remove unknown'), 0);
  });
  test('after remove, the record is created afresh at revision 1', async ({ store }) => {
    const who = subject();
    unwrap(await save(store, sampleState(who), null), 'create');
    unwrap(await save(store, sampleState(who), 1), 'update');
    unwrap(await t(store.remove(who)()), 'remove');
    conflictOf(await save(store, sampleState(who), 2), 'old revision after remove');
    assert.is(unwrap(await save(store, sampleState(who), null), 'recreate').revision, 1);
  });
  test('subjects with unusual characters are exact keys', async ({ store }) => {
    const base = subject();
    const names = [`${base}-Zoë`, `${base}-zoe`, `${base}-%_*'"`, `${base}-用户`, `${base} `];
    for (const [i, who] of names.entries()) unwrap(await save(store, sampleState(who, { hash: `$${i}` }), null), who);
    for (const [i, who] of names.entries()) assert.is((await load(store, who))?.hash, `$${i}`);
    assert.is(unwrap(await t(store.remove(names[0] as string)()), 'remove'), 1);
    assert.is((await load(store, names[1] as string))?.hash, '$1');
  });
  test('property: any record saved is loaded back equal (every field, revision by revision)', async ({ store }) => {
    await fc.assert(
      fc.asyncProperty(fc.array(stateArbitrary('placeholder'), { minLength: 1, maxLength: 4 }), async (generated) => {
        const who = subject();
        const byKind = new Map<CredentialKind, number>();
        for (const raw of generated) {
          const state = { ...raw, subject: who };
          const previous = byKind.get(state.kind) ?? null;
          const saved = unwrap(await save(store, state, previous), 'save');
          assert.is(saved.revision, (previous ?? 0) + 1);
          byKind.set(state.kind, saved.revision);
          assert.equal(plain(await load(store, who, state.kind)), { ...(plain(state) as object), revision: saved.revision });
        }
      }),
      { numRuns },
    );
  });
  test('concurrent saves with the same expected revision: exactly one wins (fast-check scheduler)', async ({ store }) => {
    await fc.assert(
      fc.asyncProperty(fc.scheduler(), fc.integer({ min: 2, max: 6 }), fc.boolean(), async (s, writers, fresh) => {
        const who = subject();
        if (!fresh) unwrap(await save(store, sampleState(who), null), 'seed');
        const expected = fresh ? null : 1;
        const runs = Array.from({ length: writers }, (_, w) =>
          s.schedule(Promise.resolve(w), `writer ${w}`).then(() => save(store, sampleState(who, { hash: `$writer-${w}` }), expected)),
        );
        await s.waitAll();
        const results = await Promise.all(runs);
        assert.is(results.filter(E.isRight).length, 1, 'exactly one writer wins');
        for (const r of results) if (E.isLeft(r)) assert.is(r.left.code, 'credential_revision_conflict');
        const winner = results.findIndex(E.isRight);
        const stored = await load(store, who);
        assert.is(stored?.hash, `$writer-${winner}`);
        assert.is(stored?.revision, fresh ? 1 : 2);
      }),
      { numRuns },
    );
  });
  test('concurrent read-modify-write loops lose no update (fast-check scheduler)', async ({ store }) => {
    await fc.assert(
      fc.asyncProperty(fc.scheduler(), fc.integer({ min: 2, max: 5 }), fc.integer({ min: 1, max: 3 }), async (s, writers, each) => {
        const who = subject();
        const count = async (w: number) => {
          for (let i = 0; i < each; i++)
            for (let round = 0; ; round++) {
              await s.schedule(Promise.resolve(`w${w} i${i} r${round}`));
              const current = await load(store, who);
              const next = sampleState(who, { consecutiveFailures: (current?.consecutiveFailures ?? 0) + 1 });
              const r = await save(store, next, current?.revision ?? null);
              if (E.isRight(r)) break;
              assert.is(r.left.code, 'credential_revision_conflict');
              assert.ok(round < 1000, 'a writer never stops losing');
            }
        };
        await s.waitFor(Promise.all(Array.from({ length: writers }, (_, w) => count(w))));
        const stored = await load(store, who);
        assert.is(stored?.consecutiveFailures, writers * each, 'every increment counted once');
        assert.is(stored?.revision, writers * each);
      }),
      { numRuns },
    );
  });
  return test;
};
