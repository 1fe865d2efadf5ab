// Every refusal of the domain has its own prompt, and a refused call changes nothing.
import { defaultThrottlePolicy, demo, SYSTEM_SUBJECT } from '@selfprov/core';
import * as E from 'fp-ts/lib/Either.js';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { type IvrRefusal, ivrRefusals } from './gateway.js';
import { refusalPrompt } from './machine/announcements.js';
import { DEMO } from './testing/domain.js';
import {
  ALICE_PIN,
  AUTH_CODE,
  BOB_PHONE,
  type Harness,
  harness,
  idsOf,
  NEW_PHONE,
  OLD_PHONE,
  untouchedNewPhone,
  unwrap,
} from './testing/harness.js';

const untouched = async (h: Harness) => assert.equal(await h.phone(NEW_PHONE), untouchedNewPhone);

test('unknown self-provisioning id: its prompt and a new try; the third unknown id ends the call', async () => {
  const h = await harness({ authenticationMode: 'non-secure' });
  const { callId } = await h.start();
  await h.keys(callId, '1');
  assert.equal(idsOf(await h.keys(callId, '9999#')), ['unknown-self-provisioning-id', 'enter-self-provisioning-id']);
  assert.equal(idsOf(await h.keys(callId, '9998#')), ['unknown-self-provisioning-id', 'enter-self-provisioning-id']);
  const end = await h.keys(callId, '9997#');
  assert.equal(idsOf(end), ['unknown-self-provisioning-id', 'too-many-attempts', 'goodbye']);
  assert.ok(end.ended);
  await untouched(h);
});

test('unknown extension (replace flow) has its own prompt', async () => {
  const h = await harness();
  const { callId } = await h.start();
  assert.equal(idsOf(await h.keys(callId, '29999#')), ['enter-extension', 'unknown-extension', 'enter-extension']);
});

test('wrong PIN: its prompt says how many attempts are left', async () => {
  const h = await harness({ authenticationMode: 'secure-users' });
  const { callId } = await h.start();
  const turn = await h.keys(callId, '12001#111111#');
  assert.equal(idsOf(turn).slice(-2), ['wrong-credential', 'enter-pin']);
  assert.is(turn.prompts.at(-2)?.text, 'That PIN or code is not correct. Attempts left: 2.');
  assert.equal(turn.prompts.at(-2)?.audio, [
    'prompts/en_US/wrong-credential.wav',
    'prompts/en_US/attempts-left.wav',
    'prompts/en_US/digit-2.wav',
  ]);
  const second = await h.keys(callId, '222222#');
  assert.is(second.prompts[0]?.text, 'That PIN or code is not correct. Attempts left: 1.');
});

test('no credential at all (a user without PIN or password, no authentication code set): worded like a wrong secret, nothing provisioned', async () => {
  const h = await harness({ authenticationMode: 'secure-users-and-admins' });
  unwrap(
    await h.sp.endUser({
      type: 'CreateEndUser',
      userId: 'grace',
      clusterId: DEMO.clusterId,
      personal: { firstName: 'Grace', lastName: 'Test' },
      primaryExtension: '2007',
      userProfile: 'Standard',
    })(),
  );
  const { callId } = await h.start();
  await h.keys(callId, '12007#1');
  assert.equal(idsOf(await h.keys(callId, `${ALICE_PIN}#`)), ['wrong-credential', 'enter-pin-or-authentication-code']);
  unwrap(await h.world.credentials.store.remove(SYSTEM_SUBJECT)());
  assert.equal(idsOf(await h.keys(callId, `*${AUTH_CODE}#`)), [
    'enter-authentication-code',
    'wrong-credential',
    'enter-authentication-code',
  ]);
  await untouched(h);
});

test('attempts left follow the credential policy when it allows fewer failures than the IVR tries', async () => {
  const h = await harness({ authenticationMode: 'secure-users', credentialPolicy: { lockoutThreshold: 2, lockoutDurationMinutes: 1 } });
  const { callId } = await h.start();
  const turn = await h.keys(callId, '12001#111111#');
  assert.is(turn.prompts.at(-2)?.text, 'That PIN or code is not correct. Attempts left: 1.');
  assert.equal(idsOf(await h.keys(callId, '222222#')), ['locked-out', 'goodbye']);
});

test('three wrong PINs lock the account: the IVR says so, and a correct PIN is refused until the lockout ends', async () => {
  const h = await harness({ authenticationMode: 'secure-users' }); // the default credential policy: 3 failures, 30 minutes
  const first = await h.start({ callId: 'call-1' });
  await h.keys(first.callId, '12001#');
  await h.keys(first.callId, '1');
  assert.equal(idsOf(await h.keys(first.callId, '11111111#')), ['wrong-credential', 'enter-pin']);
  assert.equal(idsOf(await h.keys(first.callId, '22222222#')), ['wrong-credential', 'enter-pin']);
  const locked = await h.keys(first.callId, '33333333#');
  assert.equal(idsOf(locked), ['locked-out', 'goodbye']);
  assert.ok(locked.ended);
  assert.is(await h.failures('alice'), 3);

  // A new call with the right PIN, during the lockout.
  const second = await h.start({ callId: 'call-2' });
  const refused = await h.keys(second.callId, `12001#1${ALICE_PIN}#`);
  assert.equal(idsOf(refused).slice(-2), ['locked-out', 'goodbye']);
  await untouched(h);

  // Just before the end of the lockout: still refused. After: accepted.
  await h.scheduler.advance(30 * 60_000 - 1);
  const third = await h.start({ callId: 'call-3' });
  assert.equal(idsOf(await h.keys(third.callId, `12001#1${ALICE_PIN}#`)).slice(-2), ['locked-out', 'goodbye']);
  await h.scheduler.advance(1);
  const fourth = await h.start({ callId: 'call-4' });
  assert.equal(idsOf(await h.keys(fourth.callId, `12001#1${ALICE_PIN}#`)).slice(-2), ['phone-provisioned', 'goodbye']);
});

test('throttled: too many failures from one calling device, across accounts', async () => {
  const h = await harness({
    authenticationMode: 'secure-users',
    throttlePolicy: { ...defaultThrottlePolicy, deviceMaxFailures: 2, deviceWindowMinutes: 1 },
  });
  const a = await h.start({ callId: 'a' });
  await h.keys(a.callId, '12001#1111111#2222222#');
  const b = await h.start({ callId: 'b' });
  const turn = await h.keys(b.callId, `12002#1${DEMO.pins.bob}#`);
  assert.equal(idsOf(turn).slice(-2), ['throttled', 'goodbye']);
  await untouched(h);
});

test('limit reached, already provisioned, no primary extension, not allowed by profile, owned by another user', async () => {
  const cases: { device?: string; id: string; prompt: string }[] = [
    { id: '7777', prompt: 'limit-reached' }, // erin: limit 1, already owns a phone
    { id: '2001', device: OLD_PHONE, prompt: 'already-provisioned' }, // alice's own provisioned phone
    { id: '2003', prompt: 'no-primary-extension' }, // carol
    { id: '2004', prompt: 'not-allowed-by-profile' }, // dave, Restricted profile
    { id: '2001', device: BOB_PHONE, prompt: 'owned-by-another-user' }, // bob's phone; the Standard profile takes over no phone
  ];
  for (const c of cases) {
    const h = await harness({ authenticationMode: 'non-secure' });
    const { callId } = await h.start(c.device ? { device: c.device } : {});
    const turn = await h.keys(callId, `1${c.id}#1`);
    assert.equal(idsOf(turn).slice(-3), ['please-wait', c.prompt, 'goodbye'], c.prompt);
    assert.ok(turn.ended);
    await untouched(h);
  }
});

test('replace: the old phone still registered has its own prompt; nothing moves', async () => {
  const h = await harness({ authenticationMode: 'secure-users' });
  await h.setRegistered(OLD_PHONE, true);
  const { callId } = await h.start();
  const turn = await h.keys(callId, `22001#${ALICE_PIN}#`);
  assert.equal(idsOf(turn).slice(-3), ['please-wait', 'old-phone-still-registered', 'goodbye']);
  assert.equal(await h.phone(OLD_PHONE), { owner: 'alice', state: 'provisioned', extension: '2001', registered: true, replacedBy: null });
  await untouched(h);
});

test('system not ready: when the settings cannot be read, and when provisioning finds a prerequisite unmet', async () => {
  const unreadable = await harness(
    {},
    { wrap: (g) => ({ ...g, callSettings: () => async () => E.left({ refusal: 'system_not_ready' }) }) },
  );
  const start = await unreadable.start();
  assert.equal(idsOf(start), ['system-not-ready', 'goodbye']);
  assert.ok(start.ended);

  // The call started while the system was ready; a prerequisite goes away before the caller confirms.
  const h = await harness({ authenticationMode: 'non-secure' });
  const { callId } = await h.start();
  assert.equal(idsOf(await h.keys(callId, '12001#')), ['enter-self-provisioning-id', 'confirm-self-provisioning-id']);
  unwrap(
    await h.sp.configure('cluster', {
      type: 'DeactivateService',
      clusterId: DEMO.clusterId,
      node: demo.publisher,
      service: 'ctiManager',
    })(),
  );
  assert.equal(idsOf(await h.keys(callId, '1')), ['please-wait', 'system-not-ready', 'goodbye']);
  await untouched(h);
});

test('a gateway that throws is a generic failure, never a crash', async () => {
  const h = await harness(
    { authenticationMode: 'non-secure' },
    {
      wrap: (g) => ({
        ...g,
        provisionPhone: () => () => Promise.reject(new Error('database exploded')),
      }),
    },
  );
  const { callId } = await h.start();
  const turn = await h.keys(callId, '12001#1');
  assert.equal(idsOf(turn).slice(-3), ['please-wait', 'generic-failure', 'goodbye']);
  assert.not.ok(JSON.stringify(h.logs).includes('exploded'), 'the exception text is not logged');
});

test('every refusal the gateway can answer is announced by its own prompt', async () => {
  const seen = new Set<string>();
  for (const refusal of ivrRefusals) {
    const h = await harness(
      { authenticationMode: 'non-secure' },
      {
        wrap: (g) => ({ ...g, provisionPhone: () => async () => E.left({ refusal }), replacePhone: () => async () => E.left({ refusal }) }),
      },
    );
    const { callId } = await h.start();
    const turn = await h.keys(callId, '12001#1');
    const expected = refusalPrompt(refusal, 'provision');
    assert.equal(idsOf(turn).slice(-2), [expected, 'goodbye'], refusal);
    seen.add(expected);
  }
  assert.is(seen.size, ivrRefusals.length, 'no two refusals share a prompt');
  const unknown: IvrRefusal = 'unknown_id';
  assert.is.not(refusalPrompt(unknown, 'provision'), refusalPrompt(unknown, 'replace'));
});

test('an unexpected refusal code from a gateway is treated as a generic failure', async () => {
  const h = await harness(
    { authenticationMode: 'non-secure' },
    { wrap: (g) => ({ ...g, provisionPhone: () => async () => E.left({ refusal: 'bogus' as IvrRefusal }) }) },
  );
  const { callId } = await h.start({ device: BOB_PHONE });
  assert.equal(idsOf(await h.keys(callId, '12001#1')).slice(-2), ['generic-failure', 'goodbye']);
});

test.run();
