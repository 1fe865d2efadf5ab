// Every path of the call flow, driven through the session driver on simulated time.
import { SYSTEM_SUBJECT, setCredential } from '@selfprov/core';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  ALICE_PIN,
  AUTH_CODE,
  FRANK_PASSWORD,
  type Harness,
  harness,
  idsOf,
  NEW_PHONE,
  OLD_PHONE,
  untouchedNewPhone,
  unwrap,
} from './testing/harness.js';

const provisionedFor = async (h: Harness, owner: string, extension: string) => {
  assert.equal(await h.phone(NEW_PHONE), { owner, state: 'provisioned', extension, registered: true, replacedBy: null });
};
const provisionedForAlice = (h: Harness) => provisionedFor(h, 'alice', '2001');

test('non-secure mode: the id alone provisions the phone (no authentication step)', async () => {
  const h = await harness({ authenticationMode: 'non-secure' });
  const start = await h.start();
  assert.equal(idsOf(start), ['welcome', 'main-menu']);
  assert.equal(start.awaiting, { kind: 'menu', secret: false, maxDigits: 1 });
  const id = await h.keys(start.callId, '1');
  assert.equal(idsOf(id), ['enter-self-provisioning-id']);
  assert.equal(id.awaiting, { kind: 'digits', secret: false, maxDigits: 24 });
  const confirm = await h.keys(start.callId, '2001#');
  assert.equal(idsOf(confirm), ['confirm-self-provisioning-id']);
  assert.is(confirm.prompts[0]?.text, 'You entered 2001. To confirm, press 1. To enter it again, press 2.');
  const end = await h.keys(start.callId, '1');
  assert.equal(idsOf(end), ['please-wait', 'phone-provisioned', 'goodbye']);
  assert.is(end.prompts[1]?.text, 'Your phone is now provisioned with extension 2001. It will restart.');
  assert.ok(end.ended);
  assert.is(end.awaiting.kind, 'none');
  assert.not.ok(h.gate.calls.includes('verifyCredential'), 'no credential check in non-secure mode');
  await provisionedForAlice(h);
});

test('secure-users: the PIN is asked, as a secret entry, and verified', async () => {
  const h = await harness({ authenticationMode: 'secure-users' });
  const { callId } = await h.start();
  await h.keys(callId, '1');
  await h.keys(callId, '2001#');
  const pin = await h.keys(callId, '1');
  assert.equal(idsOf(pin), ['enter-pin']);
  assert.equal(pin.awaiting, { kind: 'digits', secret: true, maxDigits: 32 });
  const end = await h.keys(callId, `${ALICE_PIN}#`);
  assert.equal(idsOf(end), ['please-wait', 'phone-provisioned', 'goodbye']);
  await provisionedForAlice(h);
});

test('secure-users: a user without a PIN types the password as digits', async () => {
  const h = await harness({ authenticationMode: 'secure-users' });
  const { callId } = await h.start();
  const end = await h.keys(callId, `12006#1${FRANK_PASSWORD}#`);
  assert.equal(idsOf(end).slice(-3), ['please-wait', 'phone-provisioned', 'goodbye']);
  await provisionedFor(h, 'frank', '2006');
});

test('secure-users: a user with a PIN is asked for the PIN; the password digits are a wrong PIN', async () => {
  const h = await harness({ authenticationMode: 'secure-users' });
  unwrap(await setCredential(h.world.credentials, { subject: 'alice', kind: 'password', secret: FRANK_PASSWORD, by: 'administrator' })());
  const { callId } = await h.start();
  const turn = await h.keys(callId, `12001#1${FRANK_PASSWORD}#`);
  assert.equal(idsOf(turn).slice(-2), ['wrong-credential', 'enter-pin']);
  assert.equal([await h.failures('alice', 'pin'), await h.failures('alice', 'password')], [1, 0], 'charged to the PIN only');
  assert.equal(await h.phone(NEW_PHONE), untouchedNewPhone);
});

test('secure-users: the system authentication code is not accepted', async () => {
  const h = await harness({ authenticationMode: 'secure-users' });
  const { callId } = await h.start();
  const turn = await h.keys(callId, `12001#1${AUTH_CODE}#`);
  assert.equal(idsOf(turn).slice(-2), ['wrong-credential', 'enter-pin']);
  assert.equal(await h.phone(NEW_PHONE), untouchedNewPhone);
});

test('secure-users-and-admins: the user PIN, or * then the authentication code entered by an administrator', async () => {
  for (const keys of [`${ALICE_PIN}#`, `*${AUTH_CODE}#`]) {
    const h = await harness({ authenticationMode: 'secure-users-and-admins' });
    const { callId } = await h.start();
    const pin = await h.keys(callId, '12001#1');
    assert.equal(idsOf(pin).slice(-1), ['enter-pin-or-authentication-code']);
    assert.ok(pin.awaiting.secret);
    const end = await h.keys(callId, keys);
    assert.equal(
      idsOf(end),
      keys.startsWith('*')
        ? ['enter-authentication-code', 'please-wait', 'phone-provisioned', 'goodbye']
        : ['please-wait', 'phone-provisioned', 'goodbye'],
    );
    await provisionedForAlice(h);
  }
});

test('secure-users-and-admins: a wrong code counts against the code, a wrong PIN against the user, never both', async () => {
  const h = await harness({ authenticationMode: 'secure-users-and-admins' });
  const { callId } = await h.start();
  await h.keys(callId, '12001#1');
  assert.equal(
    idsOf(await h.keys(callId, `${AUTH_CODE}#`)),
    ['wrong-credential', 'enter-pin-or-authentication-code'],
    'the code typed as a PIN is a wrong PIN',
  );
  assert.equal([await h.failures('alice'), await h.failures(SYSTEM_SUBJECT, 'authentication-code')], [1, 0]);
  assert.equal(
    idsOf(await h.keys(callId, '*1111#')),
    ['enter-authentication-code', 'wrong-credential', 'enter-authentication-code'],
    'a wrong code: the code is asked again',
  );
  assert.equal([await h.failures('alice'), await h.failures(SYSTEM_SUBJECT, 'authentication-code')], [1, 1]);
  assert.equal(idsOf(await h.keys(callId, `${AUTH_CODE}#`)), ['please-wait', 'phone-provisioned', 'goodbye']);
});

test('the administrator code provisions on behalf of the user (authenticatedBy: administrator)', async () => {
  const seen: string[] = [];
  const h = await harness(
    { authenticationMode: 'secure-users-and-admins' },
    {
      wrap: (g) => ({
        ...g,
        provisionPhone: (r) => {
          seen.push(`${r.authenticatedBy}:${r.method}`);
          return g.provisionPhone(r);
        },
      }),
    },
  );
  const { callId } = await h.start();
  await h.keys(callId, `12001#1*${AUTH_CODE}#`);
  assert.equal(seen, ['administrator:authentication-code']);
});

test('replace a phone: 2, primary extension #, PIN #: the old phone is replaced by this one (kept or deleted)', async () => {
  const kept = { owner: null, state: 'provisioned', extension: null, registered: false, replacedBy: NEW_PHONE } as const;
  for (const [replacedPhone, old] of [
    ['keep', kept],
    ['delete', undefined],
  ] as const) {
    const h = await harness({ authenticationMode: 'secure-users', replacedPhone });
    const { callId } = await h.start();
    const ext = await h.keys(callId, '2');
    assert.equal(idsOf(ext), ['enter-extension']);
    const pin = await h.keys(callId, '2001#');
    assert.equal(idsOf(pin), ['enter-pin'], 'no confirmation step when replacing');
    const end = await h.keys(callId, `${ALICE_PIN}#`);
    assert.equal(idsOf(end), ['please-wait', 'phone-replaced', 'goodbye']);
    assert.is(end.prompts[1]?.text, 'Your phone with extension 2001 has been moved to this phone. It will restart.');
    assert.equal(await h.phone(OLD_PHONE), old, `replacedPhone: ${replacedPhone}`);
    await provisionedForAlice(h);
  }
});

test('replace in non-secure mode: the extension alone', async () => {
  const h = await harness({ authenticationMode: 'non-secure' });
  const { callId } = await h.start();
  const end = await h.keys(callId, '22001#');
  assert.equal(idsOf(end).slice(-3), ['please-wait', 'phone-replaced', 'goodbye']);
});

test('confirm: 2 enters the id again; the second id is the one used', async () => {
  const h = await harness({ authenticationMode: 'non-secure' });
  const { callId } = await h.start();
  await h.keys(callId, '1');
  await h.keys(callId, '2002#');
  const again = await h.keys(callId, '2');
  assert.equal(idsOf(again), ['enter-self-provisioning-id']);
  const confirm = await h.keys(callId, '2001#');
  assert.ok(confirm.prompts[0]?.text.includes('2001'));
  await h.keys(callId, '1');
  await provisionedForAlice(h);
});

test('a self-provisioning id that differs from the extension identifies its user', async () => {
  const h = await harness({ authenticationMode: 'non-secure' });
  const { callId } = await h.start();
  const turn = await h.keys(callId, '17777#');
  assert.ok(turn.prompts.at(-1)?.text.includes('7777'));
  assert.equal(idsOf(await h.keys(callId, '1')).slice(0, 2), ['please-wait', 'limit-reached'], 'erin (limit 1) already has a phone');
});

test('language menu: offered only when more than one language is configured', async () => {
  const one = await harness({ languages: ['en_US'] });
  assert.equal(idsOf(await one.start()), ['welcome', 'main-menu']);
  const two = await harness({ languages: ['en_US', 'fr_FR'] });
  const menu = await two.start();
  assert.equal(idsOf(menu), ['welcome', 'language-option', 'language-option']);
  assert.equal(
    menu.prompts.map((p) => [p.language, p.text]),
    [
      ['en_US', 'Welcome to phone self-provisioning.'],
      ['en_US', 'For English, press 1.'],
      ['fr_FR', 'Pour le français, appuyez sur 2.'],
    ],
    'each option is spoken in its own language',
  );
  assert.is(menu.awaiting.kind, 'menu');
});

test('language menu: 2 chooses French for the rest of the call', async () => {
  const h = await harness({ languages: ['en_US', 'fr_FR'], authenticationMode: 'secure-users' });
  const { callId } = await h.start();
  const main = await h.keys(callId, '2');
  assert.equal(idsOf(main), ['main-menu']);
  assert.is(main.prompts[0]?.language, 'fr_FR');
  assert.is(main.prompts[0]?.text, 'Pour mettre en service ce téléphone, appuyez sur 1. Pour remplacer un téléphone, appuyez sur 2.');
  assert.equal(main.prompts[0]?.audio, ['prompts/fr_FR/main-menu.wav']);
  const end = await h.keys(callId, `12001#1${ALICE_PIN}#`);
  assert.ok(end.prompts.every((p) => p.language === 'fr_FR'));
  assert.is(end.prompts.at(-1)?.text, 'Au revoir.');
});

test('language menu: a key beyond the languages is an invalid option; a preset language skips the menu', async () => {
  const h = await harness({ languages: ['en_US', 'fr_FR'] });
  const { callId } = await h.start();
  assert.equal(idsOf(await h.keys(callId, '3')), ['invalid-option', 'language-option', 'language-option']);
  const preset = await h.start({ callId: 'preset', language: 'fr_FR' });
  assert.equal(idsOf(preset), ['welcome', 'main-menu']);
  assert.is(preset.prompts[1]?.language, 'fr_FR');
  const unknown = await h.start({ callId: 'not-configured', language: 'de_DE' });
  assert.equal(idsOf(unknown), ['welcome', 'language-option', 'language-option'], 'a language that is not configured is ignored');
});

test('languages without a catalog are left out of the menu', async () => {
  const h = await harness({ languages: ['de_DE', 'fr_FR'] });
  const turn = await h.start();
  assert.equal(idsOf(turn), ['welcome', 'main-menu'], 'only fr_FR remains: no menu');
  assert.is(turn.prompts[0]?.language, 'fr_FR');
});

test('main menu: a wrong key, then no key, then a wrong key: too many attempts, goodbye', async () => {
  const h = await harness();
  const { callId } = await h.start();
  assert.equal(idsOf(await h.keys(callId, '9')), ['invalid-option', 'main-menu']);
  await h.scheduler.advance(10_000);
  assert.equal(idsOf(h.spontaneous.at(-1) ?? ({ prompts: [] } as never)), ['no-input', 'main-menu']);
  const end = await h.keys(callId, '#');
  assert.equal(idsOf(end), ['invalid-option', 'too-many-attempts', 'goodbye']);
  assert.ok(end.ended);
});

test('main menu: * repeats the menu without counting a try', async () => {
  const h = await harness();
  const { callId } = await h.start();
  for (let i = 0; i < 5; i++) assert.equal(idsOf(await h.keys(callId, '*')), ['main-menu']);
  assert.equal(idsOf(await h.keys(callId, '1')), ['enter-self-provisioning-id']);
});

test('dialling another number than the IVR DN: a prompt says so, the call ends', async () => {
  const h = await harness(); // the demo's route point DN is 8000
  const wrong = await h.start({ dialled: '8001' });
  assert.equal(idsOf(wrong), ['not-the-ivr-number', 'goodbye']);
  assert.ok(wrong.ended);
  const right = await h.start({ callId: 'right', dialled: '8000' });
  assert.equal(idsOf(right), ['welcome', 'main-menu']);
});

test('type-ahead: keys sent at once are applied in order, each after the effect the previous one started', async () => {
  const h = await harness({ authenticationMode: 'secure-users' });
  const { callId } = await h.start();
  const end = await h.keys(callId, `12001#1${ALICE_PIN}#`);
  assert.equal(idsOf(end), [
    'enter-self-provisioning-id',
    'confirm-self-provisioning-id',
    'enter-pin',
    'please-wait',
    'phone-provisioned',
    'goodbye',
  ]);
  const after = await h.driver.digits(callId, '1')();
  assert.is(after._tag === 'Left' && after.left.code, 'call_ended');
});

test.run();
