import * as fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { CredentialKind } from '../credentials/codecs.js';
import type { CredentialPortError } from '../credentials/errors.js';
import type { CredentialRecord, CredentialState, CredentialStore, ThrottleAnswer, ThrottleStore } from '../credentials/ports.js';
import type { StoreError } from '../kernel/eventstore/errors.js';
import type { KeyStore } from '../privacy/ports.js';
import { uniqueStream, withTimeout } from './events.js';

/**
 * Contract suites of the security ports (docs/architecture.md, "Secrets, personal data, integrity"): `CredentialStore`,
 * `ThrottleStore` and `KeyStore`. The in-memory implementations are the reference; a durable
 * adapter must answer exactly as they do, also under concurrency.
 */

/** What an adapter author supplies to run one of the security contract suites. */
export interface SecurityStoreHarness<S> {
  /** A store for one test. It may share its database with other tests: the suites use fresh subjects and keys. */
  create(): Promise<S>;
  /** Called after each test with the store it used (close connections, drop files or schemas...). */
  dispose?(store: S): Promise<void>;
  /** Per-operation timeout in ms (default 10,000): a hang fails the test. */
  timeoutMs?: number;
  /** fast-check runs per property (default 25). */
  numRuns?: number;
}

type AnyError = CredentialPortError | StoreError;

const unwrap = <A>(r: E.Either<AnyError, A>, what: string): A => {
  if (E.isLeft(r)) assert.unreachable(`${what} failed: ${r.left.code}: ${r.left.message}`);
  return (r as E.Right<A>).right;
};

const errorOf = <A>(r: E.Either<AnyError, A>, what: string): AnyError => {
  if (E.isRight(r)) assert.unreachable(`${what} should have failed, got ${JSON.stringify(r.right).slice(0, 200)}`);
  return (r as E.Left<AnyError>).left;
};

/** Builds the uvu suite shared by the three contracts: a fresh store per test, disposed after it. */
const securitySuite = <S>(title: string, harness: SecurityStoreHarness<S>) => {
  const timeout = harness.timeoutMs ?? 10_000;
  const test = suite<{ store: S }>(title, { store: undefined as unknown as S });
  test.before.each(async (ctx) => {
    ctx.store = await withTimeout(harness.create(), timeout, 'create store');
  });
  test.after.each(async (ctx) => {
    await harness.dispose?.(ctx.store);
  });
  const t = <A>(p: Promise<A>, what = 'operation') => withTimeout(p, timeout, what);
  return { test, t, numRuns: harness.numRuns ?? 25 };
};

// ---------------------------------------------------------------------------
// CredentialStore

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

// ---------------------------------------------------------------------------
// ThrottleStore

/**
 * The reference semantics, as a pure model of `createMemoryThrottleStore`: a log of attempt
 * instants per key; an acquire drops the key's instants at or before `at - windowMs`, then records
 * `at` unless `limit` (> 0) instants remain; a release forgets one instant equal to `at`.
 */
const throttleModel = () => {
  const logs = new Map<string, number[]>();
  return {
    tryAcquire: (key: string, at: number, windowMs: number, limit: number): ThrottleAnswer => {
      const live = (logs.get(key) ?? []).filter((x) => x > at - windowMs);
      const acquired = limit <= 0 || live.length < limit;
      if (acquired) live.push(at);
      logs.set(key, live);
      return { acquired, count: live.length };
    },
    release: (key: string, at: number): void => {
      const log = logs.get(key) ?? [];
      const index = log.lastIndexOf(at);
      if (index >= 0) log.splice(index, 1);
    },
  };
};

type ThrottleOp =
  | { readonly op: 'acquire'; readonly key: number; readonly at: number; readonly windowMs: number; readonly limit: number }
  | { readonly op: 'release'; readonly key: number; readonly at: number };

/**
 * The `ThrottleStore` contract: sliding windows exactly as the memory store counts them, refusal at
 * the limit, release, and concurrent acquires that never overshoot.
 */
export const defineThrottleStoreContract = (name: string, harness: SecurityStoreHarness<ThrottleStore>) => {
  const { test, t, numRuns } = securitySuite(`ThrottleStore contract: ${name}`, harness);
  const MINUTE = 60_000;
  const T0 = Date.UTC(2026, 2, 2, 9, 0, 0);
  const at = (ms: number) => new Date(T0 + ms);
  const key = () => uniqueStream('device');
  const acquire = async (s: ThrottleStore, k: string, ms: number, windowMs: number, limit: number) =>
    unwrap(await t(s.tryAcquire(k, at(ms), windowMs, limit)(), 'tryAcquire'), 'tryAcquire');
  const release = async (s: ThrottleStore, k: string, ms: number) => unwrap(await t(s.release(k, at(ms))(), 'release'), 'release');

  test('acquires up to the limit; at the limit the attempt is refused and not recorded', async ({ store }) => {
    const k = key();
    assert.equal(await acquire(store, k, 0, 15 * MINUTE, 3), { acquired: true, count: 1 });
    assert.equal(await acquire(store, k, 1000, 15 * MINUTE, 3), { acquired: true, count: 2 });
    assert.equal(await acquire(store, k, 2000, 15 * MINUTE, 3), { acquired: true, count: 3 });
    assert.equal(await acquire(store, k, 3000, 15 * MINUTE, 3), { acquired: false, count: 3 });
    assert.equal(await acquire(store, k, 4000, 15 * MINUTE, 3), { acquired: false, count: 3 });
    // Had the refused attempts been recorded, the window would still be full when the first three leave it.
    assert.equal(await acquire(store, k, 15 * MINUTE + 2000, 15 * MINUTE, 3), { acquired: true, count: 1 });
  });
  test('the window is (at - windowMs, at]: an attempt exactly windowMs old has left it', async ({ store }) => {
    const k = key();
    await acquire(store, k, 0, MINUTE, 2);
    await acquire(store, k, 10_000, MINUTE, 2);
    assert.equal(await acquire(store, k, MINUTE - 1, MINUTE, 2), { acquired: false, count: 2 });
    assert.equal(await acquire(store, k, MINUTE, MINUTE, 2), { acquired: true, count: 2 }, 'the attempt at 0 expired');
    assert.equal(await acquire(store, k, MINUTE + 10_000, MINUTE, 2), { acquired: true, count: 2 }, 'the one at 10 s too');
    assert.equal(await acquire(store, k, 10 * MINUTE, MINUTE, 2), { acquired: true, count: 1 });
  });
  test('release frees one slot recorded at that instant; unknown releases are no-ops', async ({ store }) => {
    const k = key();
    await acquire(store, k, 0, MINUTE, 3);
    await acquire(store, k, 5, MINUTE, 3);
    await acquire(store, k, 5, MINUTE, 3);
    assert.equal(await acquire(store, k, 6, MINUTE, 3), { acquired: false, count: 3 });
    await release(store, k, 5);
    assert.equal(await acquire(store, k, 7, MINUTE, 3), { acquired: true, count: 3 }, 'one of the two attempts at 5 was forgotten');
    await release(store, k, 4);
    await release(store, key(), 0);
    assert.equal(await acquire(store, k, 8, MINUTE, 3), { acquired: false, count: 3 }, 'a release at another instant frees nothing');
    await release(store, k, 0);
    await release(store, k, 5);
    await release(store, k, 7);
    assert.equal(await acquire(store, k, 9, MINUTE, 3), { acquired: true, count: 1 });
  });
  test('keys are counted separately', async ({ store }) => {
    const [a, b] = [key(), key()];
    await acquire(store, a, 0, MINUTE, 1);
    assert.equal(await acquire(store, a, 1, MINUTE, 1), { acquired: false, count: 1 });
    assert.equal(await acquire(store, b, 1, MINUTE, 1), { acquired: true, count: 1 });
  });
  test('a limit of 0 (or less) never refuses, and counts', async ({ store }) => {
    const k = key();
    for (let i = 1; i <= 5; i++) assert.equal(await acquire(store, k, i, MINUTE, 0), { acquired: true, count: i });
    assert.equal(await acquire(store, k, 6, MINUTE, -1), { acquired: true, count: 6 });
    assert.equal(await acquire(store, k, 7, MINUTE, 6), { acquired: false, count: 6 }, 'the unlimited attempts were recorded');
  });
  test('property: every answer equals the reference (memory) model, any order of instants', async ({ store }) => {
    const op: fc.Arbitrary<ThrottleOp> = fc.oneof(
      {
        arbitrary: fc.record({
          op: fc.constant('acquire' as const),
          key: fc.nat({ max: 2 }),
          at: fc.nat({ max: 40 }),
          windowMs: fc.integer({ min: 1, max: 20 }),
          limit: fc.integer({ min: -1, max: 4 }),
        }),
        weight: 3,
      },
      { arbitrary: fc.record({ op: fc.constant('release' as const), key: fc.nat({ max: 2 }), at: fc.nat({ max: 40 }) }), weight: 1 },
    );
    await fc.assert(
      fc.asyncProperty(fc.array(op, { maxLength: 40 }), async (ops) => {
        const keys = [key(), key(), key()];
        const model = throttleModel();
        for (const [i, o] of ops.entries()) {
          const k = keys[o.key] as string;
          if (o.op === 'release') {
            model.release(k, T0 + o.at);
            await release(store, k, o.at);
          } else {
            const expected = model.tryAcquire(k, T0 + o.at, o.windowMs, o.limit);
            assert.equal(await acquire(store, k, o.at, o.windowMs, o.limit), expected, `answer ${i} (${JSON.stringify(o)})`);
          }
        }
      }),
      { numRuns },
    );
  });
  test('concurrent acquires never overshoot the limit (fast-check scheduler)', async ({ store }) => {
    await fc.assert(
      fc.asyncProperty(fc.scheduler(), fc.integer({ min: 2, max: 8 }), fc.integer({ min: 1, max: 5 }), async (s, callers, limit) => {
        const k = key();
        const runs = Array.from({ length: callers }, (_, c) =>
          s.schedule(Promise.resolve(c), `caller ${c}`).then(() => acquire(store, k, c, MINUTE, limit)),
        );
        await s.waitAll();
        const answers = await Promise.all(runs);
        const granted = answers.filter((a) => a.acquired);
        assert.is(granted.length, Math.min(callers, limit), 'exactly min(callers, limit) acquired');
        assert.equal(
          granted.map((a) => a.count).sort((x, y) => x - y),
          Array.from({ length: granted.length }, (_, i) => i + 1),
          'each grant saw the others that came before it',
        );
        for (const a of answers) if (!a.acquired) assert.is(a.count, limit);
        const next = callers < limit ? { acquired: true, count: callers + 1 } : { acquired: false, count: limit };
        assert.equal(await acquire(store, k, callers, MINUTE, limit), next, 'the store holds exactly the granted attempts');
      }),
      { numRuns },
    );
  });
  test('concurrent acquires and releases keep the count exact (fast-check scheduler)', async ({ store }) => {
    await fc.assert(
      fc.asyncProperty(fc.scheduler(), fc.integer({ min: 2, max: 6 }), async (s, callers) => {
        const k = key();
        // Each caller takes a slot at its own instant, then gives it back, as a successful attempt does.
        const runs = Array.from({ length: callers }, async (_, c) => {
          await s.schedule(Promise.resolve(c), `acquire ${c}`);
          const a = await acquire(store, k, c, MINUTE, callers);
          await s.schedule(Promise.resolve(c), `release ${c}`);
          await release(store, k, c);
          return a;
        });
        const answers = await s.waitFor(Promise.all(runs));
        assert.ok(
          answers.every((a) => a.acquired),
          'a limit equal to the callers refuses none',
        );
        assert.equal(await acquire(store, k, callers, MINUTE, 1), { acquired: true, count: 1 }, 'every slot was given back');
      }),
      { numRuns },
    );
  });
  return test;
};

// ---------------------------------------------------------------------------
// KeyStore

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
