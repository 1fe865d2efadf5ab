import * as E from 'fp-ts/lib/Either.js';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { DAY, fails, MINUTE, noThrottling, ok, START, setup } from '../testing/credentialsHarness.js';
import { type CredentialPolicy, defaultCredentialPolicy, SYSTEM_SUBJECT } from './codecs.js';
import { setAuthenticationCode, verifyAuthenticationCode } from './operations/authenticationCode.js';
import { setCredential } from './operations/set.js';
import { credentialStatus } from './operations/status.js';
import { unlockCredential } from './operations/unlock.js';
import { verifyCredential, verifyPin } from './operations/verify.js';

const PIN = '73915824';
const WRONG = '51739264';
const device = 'SEPAABBCCDDEEFF';
const alice = { userId: 'alice', firstName: 'Alice', extension: '2001' };

const withPin = async (policy: CredentialPolicy = defaultCredentialPolicy) => {
  const h = setup(noThrottling);
  await ok(setCredential(h.deps, { subject: 'alice', kind: 'pin', secret: PIN, by: 'administrator', owner: alice, policy }));
  const attempt = (secret: string) => ok(verifyPin(h.deps, { subject: 'alice', secret, device, policy }));
  const record = async () => {
    const r = await h.store.load('alice', 'pin')();
    return E.isRight(r) ? r.right : undefined;
  };
  return { ...h, attempt, record };
};

test('the right PIN verifies; the event names subject, kind and device only', async () => {
  const { attempt, hasher } = await withPin();
  const before = hasher.calls.verify;
  const r = await attempt(PIN);
  assert.equal(r, {
    outcome: 'verified',
    mustChange: false,
    expired: false,
    events: [{ type: 'CredentialVerified', data: { subject: 'alice', kind: 'pin', device } }],
  });
  assert.is(hasher.calls.verify, before + 1);
});

test('3 failures lock the account for 30 minutes; nothing is hashed while locked; it reopens after 30 minutes', async () => {
  const { attempt, clock, hasher, record } = await withPin();
  const first = await attempt(WRONG);
  assert.equal(first, {
    outcome: 'credential_invalid',
    attempt: 1,
    remainingAttempts: 2,
    lockedOut: null,
    events: [{ type: 'CredentialVerificationFailed', data: { subject: 'alice', kind: 'pin', device, attempt: 1, consecutiveFailures: 1 } }],
  });
  clock.advance(MINUTE);
  assert.is((await attempt(WRONG)).outcome, 'credential_invalid');
  clock.advance(MINUTE);
  const third = await attempt(WRONG);
  const until = new Date(Date.parse(START) + 2 * MINUTE + 30 * MINUTE).toISOString();
  assert.equal(third.outcome === 'credential_invalid' && [third.attempt, third.remainingAttempts, third.lockedOut], [
    3,
    0,
    { until, reason: 'policy' },
  ]);
  assert.equal(third.events[1], { type: 'CredentialLockedOut', data: { subject: 'alice', kind: 'pin', until, reason: 'policy' } });

  const hashed = hasher.calls.verify;
  clock.advance(30 * MINUTE - 1);
  const locked = await attempt(PIN);
  assert.equal(locked, {
    outcome: 'locked_out',
    until,
    reason: 'policy',
    events: [{ type: 'CredentialVerificationRefused', data: { subject: 'alice', kind: 'pin', device, reason: 'locked_out' } }],
  });
  assert.is(hasher.calls.verify, hashed, 'a locked account is refused before hashing');
  assert.is((await record())?.failedAttempts, 3, 'refusals while locked do not count');

  clock.advance(1);
  assert.is((await attempt(PIN)).outcome, 'verified');
  const after = await record();
  assert.equal([after?.failedAttempts, after?.consecutiveFailures, after?.lockout], [0, 0, null]);
});

test('after a lockout ends, a new failure starts a new window', async () => {
  const { attempt, clock } = await withPin();
  for (let i = 0; i < 3; i++) await attempt(WRONG);
  clock.advance(30 * MINUTE);
  const r = await attempt(WRONG);
  assert.equal(r.outcome === 'credential_invalid' && [r.attempt, r.lockedOut], [1, null]);
});

test('the failure count resets 30 minutes after the first failure of the window', async () => {
  const { attempt, clock } = await withPin();
  await attempt(WRONG);
  clock.advance(10 * MINUTE);
  await attempt(WRONG);
  clock.advance(20 * MINUTE); // 30 minutes after the first failure
  const r = await attempt(WRONG);
  assert.equal(r.outcome === 'credential_invalid' && [r.attempt, r.remainingAttempts, r.lockedOut], [1, 2, null]);
  clock.advance(MINUTE);
  assert.is((await attempt(WRONG)).outcome, 'credential_invalid');
  clock.advance(MINUTE);
  const third = await attempt(WRONG);
  assert.ok(third.outcome === 'credential_invalid' && third.lockedOut !== null, 'three in the new window lock');
});

test('one minute short of the window, the third failure still locks', async () => {
  const { attempt, clock } = await withPin();
  await attempt(WRONG);
  clock.advance(29 * MINUTE);
  await attempt(WRONG);
  const third = await attempt(WRONG);
  assert.ok(third.outcome === 'credential_invalid' && third.lockedOut?.reason === 'policy');
});

test('lockout duration 0: locked until an administrator unlocks', async () => {
  const { attempt, clock, deps } = await withPin({ ...defaultCredentialPolicy, lockoutDurationMinutes: 0 });
  for (let i = 0; i < 3; i++) await attempt(WRONG);
  clock.advance(365 * DAY);
  const locked = await attempt(PIN);
  assert.ok(locked.outcome === 'locked_out' && locked.until === null);
  const unlocked = await ok(unlockCredential(deps, { subject: 'alice', kind: 'pin' }));
  assert.equal(unlocked, {
    wasLocked: true,
    events: [{ type: 'CredentialUnlocked', data: { subject: 'alice', kind: 'pin', by: 'administrator' } }],
  });
  assert.is((await attempt(PIN)).outcome, 'verified');
  assert.equal(await ok(unlockCredential(deps, { subject: 'alice', kind: 'pin' })), { wasLocked: false, events: [] }, 'idempotent, silent');
});

test('lockout threshold 0 never locks, except the NIST cap of 100 consecutive failures', async () => {
  const { attempt, clock, deps } = await withPin({ ...defaultCredentialPolicy, lockoutThreshold: 0 });
  for (let i = 1; i <= 99; i++) {
    const r = await attempt(WRONG);
    assert.ok(r.outcome === 'credential_invalid' && r.lockedOut === null && r.remainingAttempts === null, `failure ${i}`);
    clock.advance(MINUTE);
  }
  const hundredth = await attempt(WRONG);
  assert.ok(hundredth.outcome === 'credential_invalid');
  assert.equal(hundredth.events[1], {
    type: 'CredentialLockedOut',
    data: { subject: 'alice', kind: 'pin', until: null, reason: 'failure_cap' },
  });
  clock.advance(365 * DAY);
  assert.equal((await attempt(PIN)).outcome, 'locked_out');
  await ok(unlockCredential(deps, { subject: 'alice', kind: 'pin' }));
  assert.is((await attempt(PIN)).outcome, 'verified');
});

test('the NIST cap counts failures across windows and lockouts; a success resets it', async () => {
  const { attempt, clock, record } = await withPin({ ...defaultCredentialPolicy, lockoutThreshold: 0 });
  for (let i = 0; i < 60; i++) await attempt(WRONG);
  assert.is((await attempt(PIN)).outcome, 'verified');
  for (let i = 0; i < 60; i++) {
    clock.advance(31 * MINUTE); // every failure in a window of its own
    await attempt(WRONG);
  }
  const r = await record();
  assert.equal([r?.consecutiveFailures, r?.failedAttempts, r?.lockout], [60, 1, null]);
});

test('under the default policy the cap ends the slow drip of 3 guesses per lockout', async () => {
  const { attempt, clock } = await withPin();
  let capped = 0;
  for (let i = 1; i <= 100; i++) {
    const r = await attempt(WRONG);
    if (r.outcome === 'credential_invalid' && r.lockedOut?.reason === 'failure_cap') capped = i;
    if (r.outcome === 'credential_invalid' && r.lockedOut !== null) clock.advance(30 * MINUTE);
  }
  assert.is(capped, 100);
  clock.advance(DAY);
  assert.is((await attempt(PIN)).outcome, 'locked_out');
});

test('mustChange after an administrator reset, and expiry after 180 days', async () => {
  const h = setup(noThrottling);
  await ok(setCredential(h.deps, { subject: 'bob', kind: 'pin', secret: PIN, by: 'administrator', mustChange: true }));
  const verify = () => ok(verifyPin(h.deps, { subject: 'bob', secret: PIN, device }));
  assert.ok((await verify()).outcome === 'verified' && (await verify()).outcome === 'verified');
  let r = await verify();
  assert.ok(r.outcome === 'verified' && r.mustChange && !r.expired);
  await ok(setCredential(h.deps, { subject: 'bob', kind: 'pin', secret: WRONG, by: 'user' }));
  h.clock.advance(180 * DAY - 1);
  r = await ok(verifyPin(h.deps, { subject: 'bob', secret: WRONG, device }));
  assert.ok(r.outcome === 'verified' && !r.mustChange && !r.expired);
  h.clock.advance(1);
  r = await ok(verifyPin(h.deps, { subject: 'bob', secret: WRONG, device }));
  assert.ok(r.outcome === 'verified' && r.mustChange && r.expired, 'an expired credential still verifies, flagged');
});

test('phone PIN, voicemail PIN and password are separate credentials', async () => {
  const h = setup(noThrottling);
  await ok(setCredential(h.deps, { subject: 'alice', kind: 'pin', secret: PIN, by: 'user' }));
  await ok(setCredential(h.deps, { subject: 'alice', kind: 'voicemail-pin', secret: WRONG, by: 'user' }));
  await ok(setCredential(h.deps, { subject: 'alice', kind: 'password', secret: 'Selfcare!2026', by: 'user', owner: alice }));
  assert.is((await ok(verifyPin(h.deps, { subject: 'alice', secret: WRONG, device }))).outcome, 'credential_invalid');
  assert.is((await ok(verifyPin(h.deps, { subject: 'alice', kind: 'voicemail-pin', secret: WRONG, device }))).outcome, 'verified');
  const pw = await ok(verifyCredential(h.deps, { subject: 'alice', kind: 'password', secret: 'Selfcare!2026', device: 'ip:203.0.113.7' }));
  assert.is(pw.outcome, 'verified');
  const status = await ok(credentialStatus(h.deps, { subject: 'alice', kind: 'pin' }));
  assert.equal([status.set, status.failedAttempts, status.locked], [true, 1, false]);
  assert.not.ok(JSON.stringify(status).includes('$scrypt$'), 'the status never shows the hash');
});

test('the system authentication code: stored as a hash under the system subject, same lockout', async () => {
  const h = setup(noThrottling);
  const set = await ok(setAuthenticationCode(h.deps, { code: '4242' }));
  assert.equal(set.events, [
    { type: 'CredentialSet', data: { subject: SYSTEM_SUBJECT, kind: 'authentication-code', by: 'administrator', mustChange: false } },
  ]);
  const stored = await h.store.load(SYSTEM_SUBJECT, 'authentication-code')();
  assert.ok(E.isRight(stored) && stored.right?.hash.startsWith('$scrypt$') && !stored.right.hash.includes('4242'));
  assert.is((await ok(verifyAuthenticationCode(h.deps, { code: '4242', device }))).outcome, 'verified');
  for (const code of ['4243', '', '424242'])
    assert.is((await ok(verifyAuthenticationCode(h.deps, { code, device }))).outcome, 'credential_invalid');
  assert.is((await ok(verifyAuthenticationCode(h.deps, { code: '4242', device }))).outcome, 'locked_out');
  const empty = await fails(setAuthenticationCode(h.deps, { code: '' }));
  assert.equal([empty.code, empty.field], ['authentication_code_empty', 'authenticationCode']);
});

test('an unknown subject: credential_not_set, recorded as a refusal', async () => {
  const h = setup(noThrottling);
  const r = await ok(verifyPin(h.deps, { subject: 'nobody', secret: PIN, device }));
  assert.equal(r, {
    outcome: 'credential_not_set',
    events: [{ type: 'CredentialVerificationRefused', data: { subject: 'nobody', kind: 'pin', device, reason: 'credential_not_set' } }],
  });
  const e = await fails(unlockCredential(h.deps, { subject: 'nobody', kind: 'pin' }));
  assert.equal([e._tag, e.code, e.field], ['DomainError', 'credential_not_set', 'pin']);
});

test('bad input is refused naming the field; nothing is stored or counted', async () => {
  const { deps, hasher, record } = await withPin();
  const before = { ...(await record()) };
  const calls = hasher.calls.verify;
  const cases: [Record<string, unknown>, string][] = [
    [{ subject: '', kind: 'pin', secret: PIN, device }, 'subject'],
    [{ subject: 'alice', kind: 'otp', secret: PIN, device }, 'kind'],
    [{ subject: 'alice', kind: 'pin', secret: 1234, device }, 'secret'],
    [{ subject: 'alice', kind: 'pin', secret: PIN, device: '' }, 'device'],
    [
      { subject: 'alice', kind: 'pin', secret: PIN, device, policy: { ...defaultCredentialPolicy, lockoutThreshold: 101 } },
      'policy.lockoutThreshold',
    ],
  ];
  for (const [input, field] of cases) {
    const e = await fails(verifyCredential(deps, input as never));
    assert.equal([e._tag, e.code, e.field], ['ValidationError', 'invalid_credential_input', field], JSON.stringify(input));
  }
  const long = await fails(verifyPin(deps, { subject: 'alice', secret: '7'.repeat(257), device }));
  assert.equal([long.code, long.field], ['secret_too_long', 'secret']);
  assert.is(hasher.calls.verify, calls, 'nothing was hashed');
  assert.equal(await record(), before, 'nothing was counted');
  const set = await fails(setCredential(deps, { subject: 'alice', kind: 'pin', secret: '1234', by: 'robot' as never }));
  assert.equal([set.code, set.field], ['invalid_credential_input', 'by']);
});

test('a store outage is a typed error, never a verification', async () => {
  const { store, deps } = await withPin();
  store.simulateOutage(true);
  const e = await fails(verifyPin(deps, { subject: 'alice', secret: PIN, device }));
  assert.equal([e._tag, e.code], ['CredentialPortError', 'credential_store_unavailable']);
  const s = await fails(setCredential(deps, { subject: 'alice', kind: 'pin', secret: '51739264', by: 'user' }));
  assert.is(s.code, 'credential_store_unavailable');
});

test('a failing hasher is a typed error without the exception text; the attempt stays counted', async () => {
  const { deps, record } = await withPin();
  const broken = {
    ...deps,
    hasher: {
      hash: async () => Promise.reject(new Error(`boom ${PIN}`)),
      verify: async () => Promise.reject(new Error(`boom ${PIN}`)),
    },
  };
  const e = await fails(verifyPin(broken, { subject: 'alice', secret: PIN, device }));
  assert.equal([e.code, JSON.stringify(e).includes(PIN)], ['hasher_failed', false]);
  assert.is((await record())?.failedAttempts, 1);
});

test.run();
