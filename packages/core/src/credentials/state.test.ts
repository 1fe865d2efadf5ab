import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { defaultCredentialPolicy, MAX_CONSECUTIVE_FAILURES } from './codecs.js';
import type { CredentialState } from './ports.js';
import { describeCredential, lockStatus, registerFailure, registerSuccess, rememberedHashes, replaceCredential } from './state.js';

const START = Date.parse('2026-03-02T09:00:00.000Z');
const fresh: CredentialState = replaceCredential(
  undefined,
  { subject: 'alice', kind: 'pin', hash: 'h0', mustChange: false },
  defaultCredentialPolicy,
  new Date(START),
);

const policies = fc.record({
  lockoutThreshold: fc.integer({ min: 0, max: 100 }),
  failureResetMinutes: fc.integer({ min: 1, max: 120 }),
  lockoutDurationMinutes: fc.integer({ min: 0, max: 1440 }),
  minLength: fc.constant(8),
  historySize: fc.integer({ min: 0, max: 25 }),
  expiryDays: fc.constant(180),
  trivialCheck: fc.constant(true),
});

test('whatever the policy and timing, failures counted while unlocked never exceed the threshold in a window, nor 100 in a row', () => {
  fc.assert(
    fc.property(policies, fc.array(fc.integer({ min: 0, max: 90 }), { minLength: 1, maxLength: 250 }), (policy, gaps) => {
      let state = fresh;
      let now = START;
      let counted = 0;
      for (const gap of gaps) {
        now += gap * 60_000;
        if (lockStatus(state, new Date(now)).locked) continue; // the caller refuses before counting
        const r = registerFailure(state, policy, new Date(now));
        counted += 1;
        state = r.state;
        if (policy.lockoutThreshold > 0) assert.ok(r.attempt <= policy.lockoutThreshold);
        assert.is(r.consecutiveFailures, counted);
        if (r.lockedOut !== null) assert.ok(lockStatus(state, new Date(now)).locked, 'a new lockout is active at once');
      }
      assert.ok(counted <= MAX_CONSECUTIVE_FAILURES, `${counted} failures in a row were counted`);
      const cleared = registerSuccess(state);
      assert.equal([cleared.failedAttempts, cleared.consecutiveFailures, cleared.lockout, cleared.firstFailureAt], [0, 0, null, null]);
    }),
  );
});

test('history: exactly historySize credentials are remembered, newest first', () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 25 }), fc.integer({ min: 1, max: 40 }), (historySize, changes) => {
      const policy = { ...defaultCredentialPolicy, historySize };
      let state = fresh;
      for (let i = 1; i < changes; i++) {
        state = replaceCredential(state, { subject: 'alice', kind: 'pin', hash: `h${i}`, mustChange: false }, policy, new Date(START));
      }
      const remembered = rememberedHashes(state, policy);
      const expected = Array.from({ length: Math.min(historySize, changes) }, (_, i) => `h${changes - 1 - i}`);
      assert.equal(remembered, expected);
    }),
  );
});

test('describeCredential shows lock, counters and expiry, never the hash', () => {
  const locked = registerFailure(
    registerFailure(registerFailure(fresh, defaultCredentialPolicy, new Date(START)).state, defaultCredentialPolicy, new Date(START)).state,
    defaultCredentialPolicy,
    new Date(START),
  ).state;
  const during = describeCredential(locked, defaultCredentialPolicy, new Date(START + 60_000));
  assert.equal([during.locked, during.failedAttempts, during.lockedUntil], [true, 3, new Date(START + 30 * 60_000).toISOString()]);
  const after = describeCredential(locked, defaultCredentialPolicy, new Date(START + 30 * 60_000));
  assert.equal([after.locked, after.failedAttempts, after.consecutiveFailures], [false, 0, 3]);
  assert.is(after.expiresAt, new Date(START + 180 * 86_400_000).toISOString());
  assert.not.ok(JSON.stringify(after).includes('h0'));
  assert.equal(describeCredential(undefined, defaultCredentialPolicy, new Date(START)).set, false);
});

test.run();
