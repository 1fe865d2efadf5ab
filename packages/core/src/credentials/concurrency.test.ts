import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { noThrottling, ok, setup } from '../testing/credentialsHarness.js';
import { type CredentialPolicy, defaultCredentialPolicy, defaultThrottlePolicy, type ThrottlePolicy } from './codecs.js';
import { setCredential } from './operations/set.js';
import type { CredentialDeps } from './operations/support.js';
import { type VerificationResult, verifyPin } from './operations/verify.js';
import type { CredentialStore, SecretHasher, ThrottleStore } from './ports.js';

/**
 * Concurrent attempts on one account through the real memory stores, with
 * fast-check's scheduler choosing the order in which every store read, store
 * write, throttle call and hash completes: stale reads and conflicting writes
 * happen in every order the scheduler can find.
 */

const PIN = '73915824';
const WRONG = '51739264';

const scheduled = (s: fc.Scheduler, deps: CredentialDeps): CredentialDeps => {
  const later = <A>(label: string, run: () => Promise<A>): Promise<A> => s.schedule(Promise.resolve(label), label).then(run);
  const store: CredentialStore = {
    load: (subject, kind) => () => later('load', deps.store.load(subject, kind)),
    save: (state, revision) => () => later('save', deps.store.save(state, revision)),
    remove: (subject) => () => later('remove', deps.store.remove(subject)),
  };
  const throttle: ThrottleStore = {
    tryAcquire: (key, at, windowMs, limit) => () => later('tryAcquire', deps.throttle.tryAcquire(key, at, windowMs, limit)),
    release: (key, at) => () => later('release', deps.throttle.release(key, at)),
  };
  const hasher: SecretHasher = {
    hash: (secret) => deps.hasher.hash(secret).then((h) => later('hashed', async () => h)),
    verify: (secret, stored) => deps.hasher.verify(secret, stored).then((v) => later('verified', async () => v)),
  };
  return { ...deps, store, throttle, hasher };
};

const race = async (
  s: fc.Scheduler,
  policy: CredentialPolicy,
  throttlePolicy: ThrottlePolicy,
  secrets: readonly string[],
  devices?: readonly string[],
) => {
  const h = setup(throttlePolicy);
  await ok(setCredential(h.deps, { subject: 'alice', kind: 'pin', secret: PIN, by: 'administrator', policy }));
  const deps = scheduled(s, h.deps);
  const attempts = secrets.map((secret, i) =>
    verifyPin(deps, { subject: 'alice', secret, device: devices?.[i] ?? 'SEPAABBCCDDEEFF', policy })(),
  );
  const settled = await s.waitFor(Promise.all(attempts));
  const results = settled.map((r) => {
    if (E.isLeft(r)) assert.unreachable(`unexpected error ${r.left.code}`);
    return (r as E.Right<VerificationResult>).right;
  });
  const stored = await h.store.load('alice', 'pin')();
  const record = E.isRight(stored) ? stored.right : undefined;
  return { results, record, hasher: h.hasher };
};

test('concurrent failures never lose a count (no lockout): the attempt numbers are exactly 1..N', async () => {
  await fc.assert(
    fc.asyncProperty(fc.scheduler(), fc.integer({ min: 2, max: 8 }), async (s, n) => {
      const policy = { ...defaultCredentialPolicy, lockoutThreshold: 0 };
      const { results, record } = await race(s, policy, noThrottling, Array(n).fill(WRONG));
      const attempts = results.map((r) => (r.outcome === 'credential_invalid' ? r.attempt : -1)).sort((a, b) => a - b);
      assert.equal(
        attempts,
        Array.from({ length: n }, (_, i) => i + 1),
        s.report().length.toString(),
      );
      assert.equal([record?.failedAttempts, record?.consecutiveFailures], [n, n]);
    }),
    { numRuns: 60 },
  );
});

test('concurrent guesses cannot slip past the lockout: exactly 3 are hashed, the rest are locked out', async () => {
  await fc.assert(
    fc.asyncProperty(fc.scheduler(), fc.integer({ min: 4, max: 8 }), async (s, n) => {
      const { results, record, hasher } = await race(s, defaultCredentialPolicy, noThrottling, Array(n).fill(WRONG));
      const outcomes = results.map((r) => r.outcome);
      assert.is(outcomes.filter((o) => o === 'credential_invalid').length, 3, outcomes.join());
      assert.is(outcomes.filter((o) => o === 'locked_out').length, n - 3);
      assert.is(results.flatMap((r) => r.events).filter((e) => e.type === 'CredentialLockedOut').length, 1);
      assert.is(hasher.calls.verify, 3, 'the set-up verified nothing');
      assert.is(record?.failedAttempts, 3);
    }),
    { numRuns: 60 },
  );
});

test('a right PIN racing wrong ones verifies exactly once; the failures counted after it are kept together', async () => {
  await fc.assert(
    fc.asyncProperty(fc.scheduler(), fc.integer({ min: 1, max: 5 }), fc.nat(5), async (s, wrong, at) => {
      const policy = { ...defaultCredentialPolicy, lockoutThreshold: 0 };
      const secrets: string[] = Array(wrong).fill(WRONG);
      secrets.splice(at % (wrong + 1), 0, PIN);
      const { results, record } = await race(s, policy, noThrottling, secrets);
      assert.is(results.filter((r) => r.outcome === 'verified').length, 1);
      assert.is(results.filter((r) => r.outcome === 'credential_invalid').length, wrong);
      // The success resets the counters on the record it read; failures written after it remain.
      assert.ok(record !== undefined && record.consecutiveFailures === record.failedAttempts && record.failedAttempts <= wrong);
    }),
    { numRuns: 60 },
  );
});

test('concurrent attempts from one device: exactly the device limit is hashed', async () => {
  await fc.assert(
    fc.asyncProperty(fc.scheduler(), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 }), async (s, limit, extra) => {
      const policy = { ...defaultCredentialPolicy, lockoutThreshold: 0 };
      const throttle = { ...defaultThrottlePolicy, deviceMaxFailures: limit };
      const { results, hasher } = await race(s, policy, throttle, Array(limit + extra).fill(WRONG));
      assert.is(results.filter((r) => r.outcome === 'throttled_device').length, extra);
      assert.is(hasher.calls.verify, limit);
    }),
    { numRuns: 60 },
  );
});

test('concurrent attempts from many devices: exactly the global limit is hashed', async () => {
  await fc.assert(
    fc.asyncProperty(fc.scheduler(), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 }), async (s, limit, extra) => {
      const policy = { ...defaultCredentialPolicy, lockoutThreshold: 0 };
      const throttle = { ...defaultThrottlePolicy, globalMaxFailures: limit };
      const devices = Array.from({ length: limit + extra }, (_, i) => `SEPDEVICE${'ABCDEFGH'[i]}`);
      const { results, hasher } = await race(s, policy, throttle, Array(limit + extra).fill(WRONG), devices);
      assert.is(results.filter((r) => r.outcome === 'throttled_global').length, extra);
      assert.is(hasher.calls.verify, limit);
    }),
    { numRuns: 60 },
  );
});

test.run();
