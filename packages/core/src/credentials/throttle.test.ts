import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fails, goodPins, MINUTE, ok, setup } from '../testing/credentialsHarness.js';
import { defaultCredentialPolicy, defaultThrottlePolicy, type ThrottlePolicy } from './codecs.js';
import { setCredential } from './operations/set.js';
import { verifyPin } from './operations/verify.js';

const WRONG = '00000000';

/** Users u0..u(n-1), each with goodPins[i] as PIN; no `policy`: the module's default throttle policy. */
const withUsers = async (n: number, policy?: ThrottlePolicy) => {
  const h = setup(policy);
  for (let i = 0; i < n; i++) {
    await ok(setCredential(h.deps, { subject: `u${i}`, kind: 'pin', secret: goodPins[i] as string, by: 'administrator' }));
  }
  const attempt = (user: number, secret: string, device: string) => ok(verifyPin(h.deps, { subject: `u${user}`, secret, device }));
  return { ...h, attempt };
};

// The defaults, by what they do: `setup()` gives the module no throttle policy, so it applies its default,
// and every number below is read from `defaultThrottlePolicy`.
const PER_ACCOUNT = defaultCredentialPolicy.lockoutThreshold - 1; // failures an account takes without locking

test('default device limit: that many failures from one device are each checked; the next attempt is refused until the window passes', async () => {
  const { deviceMaxFailures: n, deviceWindowMinutes } = defaultThrottlePolicy;
  assert.ok(n > 0 && n < defaultThrottlePolicy.globalMaxFailures, 'a device limit that the global one does not hide');
  const accounts = Math.ceil(n / PER_ACCOUNT);
  const spare = accounts; // never fails: its successes show when the device is (not) throttled
  assert.ok(spare < goodPins.length, 'enough test accounts');
  const { attempt, clock } = await withUsers(accounts + 1);
  const fail = (i: number) => attempt(Math.floor(i / PER_ACCOUNT), WRONG, 'SEPGUESS');
  for (let i = 0; i < n - 1; i++) assert.is((await fail(i)).outcome, 'credential_invalid', `failure ${i + 1}`);
  assert.is((await attempt(spare, goodPins[spare] as string, 'SEPGUESS')).outcome, 'verified', `after ${n - 1} failures: not throttled`);
  assert.is((await fail(n - 1)).outcome, 'credential_invalid', `failure ${n}: still checked`);
  assert.is((await attempt(spare, goodPins[spare] as string, 'SEPGUESS')).outcome, 'throttled_device', `after ${n} failures`);
  assert.is((await attempt(spare, goodPins[spare] as string, 'SEPOTHER')).outcome, 'verified', 'another device is not throttled');
  clock.advance(deviceWindowMinutes * MINUTE - 1);
  assert.is((await attempt(spare, goodPins[spare] as string, 'SEPGUESS')).outcome, 'throttled_device', 'just before the window has passed');
  clock.advance(1);
  assert.is((await attempt(spare, goodPins[spare] as string, 'SEPGUESS')).outcome, 'verified', 'the window has passed');
});

test('default global limit: that many failures across devices are each checked; the next attempt, from any device, is refused until the window passes', async () => {
  const { globalMaxFailures: n, globalWindowMinutes, deviceMaxFailures } = defaultThrottlePolicy;
  assert.ok(n > 0);
  const { attempt, deps, clock } = await withUsers(1);
  // Probing subjects without a credential costs the slots a wrong secret costs, and needs no hashing.
  // Spread over devices that each stay below their own limit.
  const perDevice = Math.max(1, deviceMaxFailures - 1);
  const probe = async (i: number) =>
    (await ok(verifyPin(deps, { subject: `ghost${i}`, secret: WRONG, device: `SEPBOT${Math.floor(i / perDevice)}` }))).outcome;
  for (let i = 0; i < n - 1; i++) assert.is(await probe(i), 'credential_not_set', `failure ${i + 1}`);
  assert.is((await attempt(0, goodPins[0] as string, 'SEPFRESH')).outcome, 'verified', `after ${n - 1} failures: not throttled`);
  assert.is(await probe(n - 1), 'credential_not_set', `failure ${n}: still checked`);
  assert.is((await attempt(0, goodPins[0] as string, 'SEPFRESH')).outcome, 'throttled_global', `after ${n} failures, from a fresh device`);
  clock.advance(globalWindowMinutes * MINUTE - 1);
  assert.is((await attempt(0, goodPins[0] as string, 'SEPFRESH')).outcome, 'throttled_global', 'just before the window has passed');
  clock.advance(1);
  assert.is((await attempt(0, goodPins[0] as string, 'SEPFRESH')).outcome, 'verified', 'the window has passed');
});

test('per device: spreading guesses over many accounts hits the device limit; other devices are unaffected', async () => {
  const { attempt, clock, hasher } = await withUsers(6, { ...defaultThrottlePolicy, deviceMaxFailures: 4 });
  for (let i = 0; i < 4; i++) assert.is((await attempt(i, WRONG, 'SEPATTACKER')).outcome, 'credential_invalid');
  const hashed = hasher.calls.verify;
  const refused = await attempt(4, goodPins[4] as string, 'SEPATTACKER');
  assert.equal(refused, {
    outcome: 'throttled_device',
    events: [
      { type: 'CredentialVerificationRefused', data: { subject: 'u4', kind: 'pin', device: 'SEPATTACKER', reason: 'throttled_device' } },
    ],
  });
  assert.is(hasher.calls.verify, hashed, 'refused before hashing, even with the right PIN');
  assert.is((await attempt(4, goodPins[4] as string, 'SEPOTHERPHONE')).outcome, 'verified');
  clock.advance(15 * MINUTE);
  assert.is((await attempt(5, goodPins[5] as string, 'SEPATTACKER')).outcome, 'verified', 'the window has passed');
});

test('the device window slides: a slot frees when the oldest failure leaves the window', async () => {
  const { attempt, clock } = await withUsers(4, { ...defaultThrottlePolicy, deviceMaxFailures: 2 });
  await attempt(0, WRONG, 'SEPX');
  clock.advance(10 * MINUTE);
  await attempt(1, WRONG, 'SEPX');
  clock.advance(5 * MINUTE); // the first failure is now 15 minutes old
  assert.is((await attempt(2, WRONG, 'SEPX')).outcome, 'credential_invalid');
  clock.advance(MINUTE);
  assert.is((await attempt(3, goodPins[3] as string, 'SEPX')).outcome, 'throttled_device');
});

test('successes do not count against the device', async () => {
  const { attempt } = await withUsers(3, { ...defaultThrottlePolicy, deviceMaxFailures: 2 });
  for (let i = 0; i < 6; i++) assert.is((await attempt(i % 3, goodPins[i % 3] as string, 'SEPDESK')).outcome, 'verified');
  await attempt(0, WRONG, 'SEPDESK');
  await attempt(1, WRONG, 'SEPDESK');
  assert.is((await attempt(2, goodPins[2] as string, 'SEPDESK')).outcome, 'throttled_device');
});

test('probing unknown subjects costs device slots; a locked account does not', async () => {
  const { attempt, deps, throttle } = await withUsers(1, { ...defaultThrottlePolicy, deviceMaxFailures: 3 });
  for (let i = 0; i < 3; i++) await attempt(0, WRONG, 'SEPLOCKER');
  // u0 is now locked (3 failures) and the device has used its 3 slots.
  assert.is((await attempt(0, WRONG, 'SEPOTHER')).outcome, 'locked_out');
  assert.is((await attempt(0, WRONG, 'SEPOTHER')).outcome, 'locked_out');
  for (let i = 0; i < 3; i++) {
    assert.is((await ok(verifyPin(deps, { subject: `ghost${i}`, secret: WRONG, device: 'SEPOTHER' }))).outcome, 'credential_not_set');
  }
  assert.is((await ok(verifyPin(deps, { subject: 'ghost9', secret: WRONG, device: 'SEPOTHER' }))).outcome, 'throttled_device');
  assert.ok(throttle.keys().includes('device:SEPOTHER'));
});

test('globally: failures from many devices hit the global limit; the device slot is given back', async () => {
  const { attempt, clock, throttle } = await withUsers(6, {
    ...defaultThrottlePolicy,
    deviceMaxFailures: 5,
    globalMaxFailures: 4,
    globalWindowMinutes: 10,
  });
  for (let i = 0; i < 4; i++) assert.is((await attempt(i, WRONG, `SEPBOT${'ABCD'[i]}`)).outcome, 'credential_invalid');
  const r = await attempt(4, goodPins[4] as string, 'SEPFRESH');
  assert.equal(r, {
    outcome: 'throttled_global',
    events: [
      { type: 'CredentialVerificationRefused', data: { subject: 'u4', kind: 'pin', device: 'SEPFRESH', reason: 'throttled_global' } },
    ],
  });
  assert.not.ok(throttle.keys().includes('device:SEPFRESH'), 'a globally refused attempt is not held against its device');
  clock.advance(10 * MINUTE);
  assert.is((await attempt(4, goodPins[4] as string, 'SEPFRESH')).outcome, 'verified');
});

test('limits set to 0 are off', async () => {
  const { attempt } = await withUsers(12, { ...defaultThrottlePolicy, deviceMaxFailures: 0, globalMaxFailures: 0 });
  // 24 failures from one device, 2 per account (below the account lockout).
  for (let i = 0; i < 24; i++) assert.is((await attempt(i % 12, WRONG, 'SEPONE')).outcome, 'credential_invalid');
});

test('a throttle store outage refuses the attempt (fails closed) with a typed error', async () => {
  const { deps, throttle } = await withUsers(1, defaultThrottlePolicy);
  throttle.simulateOutage(true);
  const e = await fails(verifyPin(deps, { subject: 'u0', secret: goodPins[0] as string, device: 'SEPX' }));
  assert.equal([e._tag, e.code], ['CredentialPortError', 'throttle_store_unavailable']);
});

test.run();
