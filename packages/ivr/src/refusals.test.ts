// Every refusal of the domain has its own prompt, and a refused call changes nothing.
import * as E from 'fp-ts/lib/Either.js';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { type IvrRefusal, ivrRefusals } from './gateway.js';
import { ALICE_PIN, BOB_PHONE, harness, idsOf, NEW_PHONE, OLD_PHONE } from './harness.support.js';
import { refusalPrompt } from './machine.js';

const untouched = (h: ReturnType<typeof harness>) =>
  assert.equal(h.memory.phone(NEW_PHONE), { owner: null, state: 'autoregistered', extension: '1000', registered: true });

test('unknown self-provisioning id: its prompt and a new try; the third unknown id ends the call', async () => {
  const h = harness({ authenticationMode: 'non-secure' });
  const { callId } = await h.start();
  await h.keys(callId, '1');
  assert.equal(idsOf(await h.keys(callId, '9999#')), ['unknown-self-provisioning-id', 'enter-self-provisioning-id']);
  assert.equal(idsOf(await h.keys(callId, '9998#')), ['unknown-self-provisioning-id', 'enter-self-provisioning-id']);
  const end = await h.keys(callId, '9997#');
  assert.equal(idsOf(end), ['unknown-self-provisioning-id', 'too-many-attempts', 'goodbye']);
  assert.ok(end.ended);
  untouched(h);
});

test('unknown extension (replace flow) has its own prompt', async () => {
  const h = harness();
  const { callId } = await h.start();
  assert.equal(idsOf(await h.keys(callId, '29999#')), ['enter-extension', 'unknown-extension', 'enter-extension']);
});

test('wrong PIN: its prompt says how many attempts are left', async () => {
  const h = harness({ authenticationMode: 'secure-users' });
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

test('attempts left follow the credential policy when it allows fewer failures than the IVR tries', async () => {
  const h = harness({ authenticationMode: 'secure-users', lockout: { threshold: 2, durationMs: 60_000 } });
  const { callId } = await h.start();
  const turn = await h.keys(callId, '12001#111111#');
  assert.is(turn.prompts.at(-2)?.text, 'That PIN or code is not correct. Attempts left: 1.');
  assert.equal(idsOf(await h.keys(callId, '222222#')), ['locked-out', 'goodbye']);
});

test('three wrong PINs lock the account: the IVR says so, and a correct PIN is refused until the lockout ends', async () => {
  const h = harness({ authenticationMode: 'secure-users', lockout: { threshold: 3, durationMs: 30 * 60_000 } });
  const first = await h.start({ callId: 'call-1' });
  await h.keys(first.callId, '12001#');
  await h.keys(first.callId, '1');
  assert.equal(idsOf(await h.keys(first.callId, '11111111#')), ['wrong-credential', 'enter-pin']);
  assert.equal(idsOf(await h.keys(first.callId, '22222222#')), ['wrong-credential', 'enter-pin']);
  const locked = await h.keys(first.callId, '33333333#');
  assert.equal(idsOf(locked), ['locked-out', 'goodbye']);
  assert.ok(locked.ended);
  assert.is(h.memory.failures('alice'), 3);

  // A new call with the right PIN, during the lockout.
  const second = await h.start({ callId: 'call-2' });
  const refused = await h.keys(second.callId, `12001#1${ALICE_PIN}#`);
  assert.equal(idsOf(refused).slice(-2), ['locked-out', 'goodbye']);
  untouched(h);

  // Just before the end of the lockout: still refused. After: accepted.
  await h.scheduler.advance(30 * 60_000 - 1);
  const third = await h.start({ callId: 'call-3' });
  assert.equal(idsOf(await h.keys(third.callId, `12001#1${ALICE_PIN}#`)).slice(-2), ['locked-out', 'goodbye']);
  await h.scheduler.advance(1);
  const fourth = await h.start({ callId: 'call-4' });
  assert.equal(idsOf(await h.keys(fourth.callId, `12001#1${ALICE_PIN}#`)).slice(-2), ['phone-provisioned', 'goodbye']);
});

test('throttled: too many failures from one calling device, across accounts', async () => {
  const h = harness({ authenticationMode: 'secure-users', throttle: { perDevice: 2, windowMs: 60_000 } });
  const a = await h.start({ callId: 'a' });
  await h.keys(a.callId, '12001#1111111#2222222#');
  const b = await h.start({ callId: 'b' });
  const turn = await h.keys(b.callId, '12002#151739264#');
  assert.equal(idsOf(turn).slice(-2), ['throttled', 'goodbye']);
});

test('limit reached, already provisioned, no primary extension, not allowed by profile, owned by another user', async () => {
  const cases: { device?: string; id: string; prompt: string }[] = [
    { id: '7777', prompt: 'limit-reached' }, // erin: limit 1, already owns a phone
    { id: '2001', device: OLD_PHONE, prompt: 'already-provisioned' }, // alice's own provisioned phone
    { id: '2003', prompt: 'no-primary-extension' }, // carol
    { id: '2004', prompt: 'not-allowed-by-profile' }, // dave, Restricted profile
    { id: '2001', device: 'SEP00AABBCC0005', prompt: 'owned-by-another-user' }, // bob's auto-registered phone
  ];
  for (const c of cases) {
    const h = harness({ authenticationMode: 'non-secure' });
    const { callId } = await h.start(c.device ? { device: c.device } : {});
    const turn = await h.keys(callId, `1${c.id}#1`);
    assert.equal(idsOf(turn).slice(-3), ['please-wait', c.prompt, 'goodbye'], c.prompt);
    assert.ok(turn.ended);
    untouched(h);
  }
});

test('replace: the old phone still registered has its own prompt; nothing moves', async () => {
  const h = harness({ authenticationMode: 'secure-users' });
  h.memory.setRegistered(OLD_PHONE, true);
  const { callId } = await h.start();
  const turn = await h.keys(callId, `22001#${ALICE_PIN}#`);
  assert.equal(idsOf(turn).slice(-3), ['please-wait', 'old-phone-still-registered', 'goodbye']);
  assert.is(h.memory.phone(OLD_PHONE)?.owner, 'alice');
  untouched(h);
});

test('system not ready: when the settings cannot be read, and when provisioning finds a prerequisite unmet', async () => {
  const unreadable = harness({}, { wrap: (g) => ({ ...g, callSettings: () => async () => E.left({ refusal: 'system_not_ready' }) }) });
  const start = await unreadable.start();
  assert.equal(idsOf(start), ['system-not-ready', 'goodbye']);
  assert.ok(start.ended);

  const h = harness({ authenticationMode: 'non-secure' });
  h.memory.configure({ ready: false });
  const { callId } = await h.start();
  assert.equal(idsOf(await h.keys(callId, '12001#1')).slice(-3), ['please-wait', 'system-not-ready', 'goodbye']);
  untouched(h);
});

test('a gateway that throws is a generic failure, never a crash', async () => {
  const h = harness(
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
    const h = harness(
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
  const h = harness(
    { authenticationMode: 'non-secure' },
    { wrap: (g) => ({ ...g, provisionPhone: () => async () => E.left({ refusal: 'bogus' as IvrRefusal }) }) },
  );
  const { callId } = await h.start({ device: BOB_PHONE });
  assert.equal(idsOf(await h.keys(callId, '12001#1')).slice(-2), ['generic-failure', 'goodbye']);
});

test.run();
