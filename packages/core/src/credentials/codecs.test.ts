import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import * as t from 'io-ts';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { decodeWith } from '../kernel/validation/decode.js';
import {
  AuthenticationCode,
  CredentialKind,
  decodeCredentialPolicy,
  decodeThrottlePolicy,
  defaultCredentialPolicy,
  defaultThrottlePolicy,
  Password,
  Pin,
} from './codecs.js';

const UserPin = t.type({ user: t.type({ pin: Pin }) });

const refusal = <A>(r: E.Either<{ code: string; field: string; message: string }, A>) => {
  if (E.isRight(r)) assert.unreachable(`expected a refusal, got ${JSON.stringify(r.right)}`);
  const { code, field, message } = (r as E.Left<{ code: string; field: string; message: string }>).left;
  return { code, field, message };
};

test('the default policy is the vendor default', () => {
  assert.equal(defaultCredentialPolicy, {
    lockoutThreshold: 3,
    failureResetMinutes: 30,
    lockoutDurationMinutes: 30,
    minLength: 8,
    historySize: 12,
    expiryDays: 180,
    trivialCheck: true,
  });
  assert.equal(decodeCredentialPolicy({}), E.right(defaultCredentialPolicy), 'missing fields take the defaults');
  assert.equal(decodeThrottlePolicy({}), E.right(defaultThrottlePolicy));
});

test('policy bounds: each bad value is refused naming its field', () => {
  const cases: [Record<string, unknown>, string][] = [
    [{ lockoutThreshold: 101 }, 'lockoutThreshold'],
    [{ lockoutThreshold: -1 }, 'lockoutThreshold'],
    [{ lockoutThreshold: 2.5 }, 'lockoutThreshold'],
    [{ lockoutThreshold: '3' }, 'lockoutThreshold'],
    [{ failureResetMinutes: 0 }, 'failureResetMinutes'],
    [{ failureResetMinutes: 121 }, 'failureResetMinutes'],
    [{ lockoutDurationMinutes: 1441 }, 'lockoutDurationMinutes'],
    [{ lockoutDurationMinutes: -5 }, 'lockoutDurationMinutes'],
    [{ minLength: 0 }, 'minLength'],
    [{ historySize: 26 }, 'historySize'],
    [{ expiryDays: 366 }, 'expiryDays'],
    [{ trivialCheck: 'yes' }, 'trivialCheck'],
    [{ lockoutThreshold: Number.NaN }, 'lockoutThreshold'],
  ];
  for (const [input, field] of cases) {
    const r = refusal(decodeCredentialPolicy(input));
    assert.is(r.code, 'invalid_credential_policy', JSON.stringify(input));
    assert.is(r.field, field, JSON.stringify(input));
    assert.ok(r.message.startsWith(field), r.message);
  }
  assert.is(refusal(decodeCredentialPolicy(null)).field, '(input)');
});

test('policy bounds hold exactly at the edges (property)', () => {
  const ranges: [string, number, number][] = [
    ['lockoutThreshold', 0, 100],
    ['failureResetMinutes', 1, 120],
    ['lockoutDurationMinutes', 0, 1440],
    ['historySize', 0, 25],
    ['expiryDays', 0, 365],
  ];
  fc.assert(
    fc.property(fc.constantFrom(...ranges), fc.integer({ min: -2000, max: 2000 }), ([field, min, max], value) => {
      const r = decodeCredentialPolicy({ [field]: value });
      assert.is(E.isRight(r), value >= min && value <= max, `${field}=${value}`);
      if (E.isLeft(r)) assert.is(r.left.field, field);
    }),
  );
});

test('throttle policy bounds', () => {
  assert.is(refusal(decodeThrottlePolicy({ deviceMaxFailures: -1 })).field, 'deviceMaxFailures');
  assert.is(refusal(decodeThrottlePolicy({ deviceWindowMinutes: 0 })).field, 'deviceWindowMinutes');
  assert.is(refusal(decodeThrottlePolicy({ globalWindowMinutes: 1441 })).field, 'globalWindowMinutes');
  assert.is(refusal(decodeThrottlePolicy({ globalMaxFailures: 1.5 })).code, 'invalid_throttle_policy');
  assert.ok(E.isRight(decodeThrottlePolicy({ deviceMaxFailures: 0, globalMaxFailures: 0 })), '0 turns a limit off');
});

test('Pin, Password, AuthenticationCode and CredentialKind codecs; no value is echoed', () => {
  const pin = decodeWith(Pin, 'invalid_pin');
  assert.ok(E.isRight(pin('0123456789')));
  const bad = refusal(pin('12a45678'));
  assert.equal([bad.code, bad.field], ['invalid_pin', '(input)']);
  assert.not.ok(bad.message.includes('12a45678'));
  assert.ok(E.isLeft(pin('')) && E.isLeft(pin('1'.repeat(65))) && E.isLeft(pin(12345678)));

  const password = decodeWith(Password);
  assert.ok(E.isRight(password('correct horse battery staple')));
  assert.ok(E.isLeft(password('')) && E.isLeft(password('tab\there')) && E.isLeft(password('x'.repeat(257))));

  const code = decodeWith(AuthenticationCode);
  assert.ok(E.isRight(code('')) && E.isRight(code('4242')) && E.isRight(code('9'.repeat(20))), 'the vendor range is 0 to 20 digits');
  assert.ok(E.isLeft(code('9'.repeat(21))) && E.isLeft(code('42 42')));

  const nested = decodeWith(UserPin);
  const r = refusal(nested({ user: { pin: 'secret-ish' } }));
  assert.is(r.field, 'user.pin');
  assert.not.ok(r.message.includes('secret-ish'));

  const kind = decodeWith(CredentialKind);
  for (const k of ['pin', 'password', 'voicemail-pin', 'authentication-code']) assert.ok(E.isRight(kind(k)), k);
  assert.ok(E.isLeft(kind('otp')));
});

test.run();
