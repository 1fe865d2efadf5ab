import * as E from 'fp-ts/lib/Either.js';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fails, goodPins, MINUTE, noThrottling, ok, setup } from '../testing/credentialsHarness.js';
import { defaultCredentialPolicy } from './codecs.js';
import { setCredential } from './operations/set.js';
import { verifyPin } from './operations/verify.js';

const owner = { userId: 'alice', firstName: 'Alice', lastName: 'Martinot', extension: '2001', mailbox: '2001' };
const device = 'SEPAABBCCDDEEFF';

const harness = () => {
  const h = setup(noThrottling);
  const set = (secret: string, policy = defaultCredentialPolicy) =>
    setCredential(h.deps, { subject: 'alice', kind: 'pin', secret, by: 'user', owner, policy });
  const record = async () => {
    const r = await h.store.load('alice', 'pin')();
    return E.isRight(r) ? r.right : undefined;
  };
  return { ...h, set, record };
};

test('a new PIN is hashed and stored; the event says who set it, nothing else', async () => {
  const { set, record, clock } = harness();
  const r = await ok(set('73915824'));
  assert.equal(r.events, [{ type: 'CredentialSet', data: { subject: 'alice', kind: 'pin', by: 'user', mustChange: false } }]);
  const stored = await record();
  assert.ok(stored?.hash.startsWith('$scrypt$ln=10,r=8,p=1$'));
  assert.equal([stored?.revision, stored?.history, stored?.changedAt], [1, [], clock.now().toISOString()]);
});

test('each trivial PIN is refused with its code, naming the field, and nothing is stored', async () => {
  const { set, record, hasher } = harness();
  const cases: [string, string][] = [
    ['7391582x', 'pin_not_digits'],
    ['7391582', 'pin_too_short'],
    ['73911182', 'pin_repeated_digit'],
    ['12211221', 'pin_too_few_distinct_digits'],
    ['23456789', 'pin_sequential'],
    ['40874087', 'pin_repeated_group'],
    ['147258369', 'pin_keypad_line'],
    ['95100274', 'pin_contains_extension'],
    ['62784668', 'pin_matches_name'],
    ['11223344', 'pin_blocklisted'],
  ];
  for (const [pin, code] of cases) {
    const e = await fails(set(pin));
    assert.equal([e._tag, e.code, e.field], ['ValidationError', code, 'pin'], pin);
  }
  assert.is(await record(), undefined);
  assert.is(hasher.calls.hash, 0, 'refused before hashing');
});

test('history 12: the 12 most recent PINs are refused, the 13th-oldest is allowed again', async () => {
  const { set, record } = harness();
  const pins = goodPins.slice(0, 13);
  for (const pin of pins.slice(0, 12)) await ok(set(pin));
  // Remembered now: pins[11] (current) back to pins[0].
  for (const pin of pins.slice(0, 12)) {
    const e = await fails(set(pin));
    assert.equal([e.code, e.field, e.details], ['credential_reused', 'pin', { historySize: 12 }], pin);
  }
  await ok(set(pins[12] as string));
  assert.is((await record())?.history.length, 11, 'current + 11 previous = 12 remembered');
  await ok(set(pins[0] as string)); // now the 13th most recent: allowed
  // Remembered now: pins[0], pins[12], pins[11] ... pins[2].
  assert.is((await fails(set(pins[2] as string))).code, 'credential_reused');
  await ok(set(pins[1] as string));
});

test('history 0: the same PIN may be set again; history 1: only the current one is refused', async () => {
  const { set } = harness();
  const none = { ...defaultCredentialPolicy, historySize: 0 };
  await ok(set('73915824', none));
  await ok(set('73915824', none));
  const one = { ...defaultCredentialPolicy, historySize: 1 };
  assert.is((await fails(set('73915824', one))).code, 'credential_reused');
  await ok(set('51739264', one));
  await ok(set('73915824', one));
});

test('setting a PIN clears failures and lockout, and the old PIN stops working', async () => {
  const { deps, set, record } = harness();
  await ok(set('73915824'));
  for (let i = 0; i < 3; i++) await ok(verifyPin(deps, { subject: 'alice', secret: '00000000', device }));
  assert.ok((await record())?.lockout !== null);
  await ok(set('51739264'));
  const r = await record();
  assert.equal([r?.failedAttempts, r?.consecutiveFailures, r?.lockout, r?.revision], [0, 0, null, 5]);
  assert.is((await ok(verifyPin(deps, { subject: 'alice', secret: '73915824', device }))).outcome, 'credential_invalid');
  assert.is((await ok(verifyPin(deps, { subject: 'alice', secret: '51739264', device }))).outcome, 'verified');
});

test('passwords: policy rules and history; NFKC-equivalent spellings are the same password', async () => {
  const h = setup(noThrottling);
  const set = (secret: string) => setCredential(h.deps, { subject: 'alice', kind: 'password', secret, by: 'user', owner });
  assert.is((await fails(set('alice-2026-xyz'))).code, 'password_contains_user_id');
  assert.is((await fails(set('short'))).code, 'password_too_short');
  await ok(set('Ｓｅｌｆｃａｒｅ!2026')); // full-width letters, NFKC-equal to Selfcare!2026
  assert.is((await fails(set('Selfcare!2026'))).code, 'credential_reused');
  const stored = await h.store.load('alice', 'password')();
  assert.ok(E.isRight(stored) && stored.right !== undefined && (await h.hasher.verify('Selfcare!2026', stored.right.hash)));
});

test('the field named in errors can be chosen by the caller', async () => {
  const h = setup(noThrottling);
  const e = await fails(setCredential(h.deps, { subject: 'alice', kind: 'voicemail-pin', secret: '1111', by: 'user' }));
  assert.equal([e.code, e.field], ['pin_too_short', 'voicemailPin']);
  const f = await fails(setCredential(h.deps, { subject: 'alice', kind: 'pin', secret: '1111', by: 'user', field: 'user.phonePin' }));
  assert.is(f.field, 'user.phonePin');
});

test('a concurrent change between the history check and the write is retried, not lost', async () => {
  const { deps, set, store, clock } = harness();
  await ok(set('73915824'));
  // A failure recorded by another process while this one hashes the new PIN.
  const racing = {
    ...deps,
    hasher: {
      verify: deps.hasher.verify,
      hash: async (secret: string) => {
        const hash = await deps.hasher.hash(secret);
        clock.advance(MINUTE);
        await ok(verifyPin({ ...deps }, { subject: 'alice', secret: '00000000', device }));
        return hash;
      },
    },
  };
  await ok(setCredential(racing, { subject: 'alice', kind: 'pin', secret: '51739264', by: 'user', owner }));
  const r = await store.load('alice', 'pin')();
  assert.ok(E.isRight(r) && r.right?.revision === 3 && r.right.failedAttempts === 0);
  assert.is((await ok(verifyPin(deps, { subject: 'alice', secret: '51739264', device }))).outcome, 'verified');
});

test.run();
