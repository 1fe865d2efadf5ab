import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { goodPins } from '../testing/credentialsHarness.js';
import { defaultCredentialPolicy } from './codecs.js';
import {
  checkAuthenticationCode,
  checkPassword,
  checkPin,
  dialByNameDigits,
  isKeypadLine,
  isSequential,
  KEYPAD_SEGMENTS,
  passwordViolations,
  pinViolations,
} from './rules.js';

const strict = { minLength: 8, trivialCheck: true };
/** Short minimum, so single rules can be shown on short PINs. */
const short = { minLength: 3, trivialCheck: true };
const alice = { userId: 'alice', firstName: 'Alice', lastName: 'Martin', extension: '2001', mailbox: '2001' };

const codeOf = (pin: string, owner = {}, options = strict) => {
  const r = checkPin(pin, owner, options);
  return E.isLeft(r) ? r.left.code : 'ok';
};
const digits = (min: number, max: number) => fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: min, maxLength: max });

test('the demo PINs and the test fixtures pass every rule for their owners', () => {
  assert.is(codeOf('73915824', alice), 'ok');
  assert.is(codeOf('51739264', { firstName: 'Bob', extension: '2002' }), 'ok');
  assert.is(codeOf('64718253', { firstName: 'Dave', extension: '2004' }), 'ok');
  for (const pin of goodPins) assert.equal(pinViolations(pin, {}, strict), [], pin);
});

test('pin_not_digits: anything but 0-9 is refused, whatever else it breaks', () => {
  for (const pin of ['7391582a', '7391 5824', '+73915824', '73915824#', '٧٣٩١٥٨٢٤']) assert.is(codeOf(pin), 'pin_not_digits', pin);
  fc.assert(
    fc.property(fc.string({ minLength: 1 }), fc.nat(), (s, at) => {
      const withLetter = s.slice(0, at % (s.length + 1)) + 'x' + s.slice(at % (s.length + 1));
      assert.equal(pinViolations(withLetter, {}, strict), ['pin_not_digits']);
    }),
  );
});

test('pin_too_short / pin_too_long follow the policy minimum and the 64-digit maximum', () => {
  assert.is(codeOf('7391582'), 'pin_too_short');
  assert.is(codeOf(''), 'pin_too_short');
  assert.is(codeOf('739', {}, short), 'ok');
  assert.is(codeOf('73915824'.repeat(8) + '1'), 'pin_too_long');
  const r = checkPin('7391', {}, strict);
  assert.ok(E.isLeft(r) && r.left.details?.minLength === 8 && r.left.field === 'pin');
});

test('pin_repeated_digit: one digit more than twice in a row', () => {
  assert.is(codeOf('73911182'), 'pin_repeated_digit');
  assert.is(codeOf('90007315'), 'pin_repeated_digit');
  assert.is(codeOf('73991582'), 'ok', 'twice in a row is allowed');
  fc.assert(
    fc.property(digits(0, 10), fc.constantFrom(...'0123456789'), digits(0, 10), (a, d, b) => {
      assert.ok(pinViolations(a + d.repeat(3) + b, {}, short).includes('pin_repeated_digit'));
    }),
  );
});

test('pin_too_few_distinct_digits: fewer than 3 different digits', () => {
  assert.is(codeOf('12211221'), 'pin_too_few_distinct_digits');
  assert.is(codeOf('12213221'), 'ok');
  fc.assert(
    fc.property(
      fc.constantFrom(...'0123456789'),
      fc.constantFrom(...'0123456789'),
      fc.array(fc.boolean(), { minLength: 8 }),
      (x, y, picks) => {
        const pin = picks.map((p) => (p ? x : y)).join('');
        assert.ok(pinViolations(pin, {}, strict).includes('pin_too_few_distinct_digits'));
      },
    ),
  );
});

test('pin_sequential (NIST): ascending or descending runs, wrapping 9 to 0', () => {
  for (const pin of ['12345678', '87654321', '34567890', '89012345', '09876543']) assert.is(codeOf(pin), 'pin_sequential', pin);
  assert.ok(isSequential('1234') && isSequential('4321') && !isSequential('1235') && !isSequential('12'));
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 9 }), fc.integer({ min: 3, max: 30 }), fc.boolean(), (start, length, up) => {
      const pin = Array.from({ length }, (_, i) => String((start + (up ? i : -i) + 100) % 10)).join('');
      assert.ok(pinViolations(pin, {}, short).includes('pin_sequential'), pin);
    }),
  );
});

test('pin_repeated_group: a group of digits repeated (408408)', () => {
  assert.ok(pinViolations('408408', {}, short).includes('pin_repeated_group'));
  assert.is(codeOf('40874087'), 'pin_repeated_group');
  assert.is(codeOf('408408', {}, short), 'pin_repeated_group');
  assert.is(codeOf('4084087', {}, short), 'ok');
  fc.assert(
    fc.property(digits(1, 6), fc.integer({ min: 2, max: 5 }), (group, times) => {
      assert.ok(pinViolations(group.repeat(times), {}, { minLength: 1, trivialCheck: true }).includes('pin_repeated_group'));
    }),
  );
});

test('pin_keypad_line: rows, columns, diagonals, either direction, and chains of them', () => {
  for (const line of ['123', '987', '2580', '159', '753', '741', '963', '0852', '357', '258', '085']) assert.ok(isKeypadLine(line), line);
  // 123 and 987 are also sequential, a rule checked first.
  for (const line of ['2580', '159', '753', '741', '963', '0852', '357', '258', '085']) {
    assert.is(codeOf(line, {}, short), 'pin_keypad_line', line);
  }
  for (const chain of ['147258369', '123654789', '25800852', '08522580']) assert.is(codeOf(chain), 'pin_keypad_line', chain);
  for (const notLine of ['124', '1593', '2581', '480', '135', '73915824']) assert.not.ok(isKeypadLine(notLine), notLine);
  fc.assert(
    fc.property(fc.array(fc.constantFrom(...KEYPAD_SEGMENTS), { minLength: 1, maxLength: 6 }), (segments) => {
      assert.ok(isKeypadLine(segments.join('')));
    }),
  );
});

test('pin_contains_extension: the extension or mailbox, or its reverse, anywhere in the PIN', () => {
  assert.is(codeOf('95200174', alice), 'pin_contains_extension');
  assert.is(codeOf('95100274', alice), 'pin_contains_extension', 'reverse');
  assert.is(codeOf('95840374', { mailbox: '84037' }), 'pin_contains_extension', 'mailbox');
  assert.is(codeOf('95840374', { extension: '+1 (408) 555-0374' }), 'ok', 'the full number is not inside');
  assert.is(codeOf('73915824', { extension: '58' }), 'ok', 'extensions shorter than 3 digits are not checked');
  fc.assert(
    fc.property(digits(3, 6), digits(0, 5), digits(0, 5), fc.boolean(), (ext, a, b, reversed) => {
      const inside = reversed ? [...ext].reverse().join('') : ext;
      assert.ok(pinViolations(a + inside + b, { extension: ext }, short).includes('pin_contains_extension'));
    }),
  );
});

test('pin_matches_name: the dial-by-name digits of the first or last name', () => {
  assert.is(dialByNameDigits('Alice'), '25423');
  assert.is(dialByNameDigits('Zoë'), '963');
  assert.is(dialByNameDigits("O'Brien-Smith"), '62743676484');
  assert.is(codeOf('62784668', { lastName: 'Martinot' }), 'pin_matches_name');
  assert.is(codeOf('25423', { firstName: 'Alice' }, { minLength: 5, trivialCheck: true }), 'pin_matches_name');
  assert.is(codeOf('2542361', { firstName: 'Alice' }, short), 'ok', 'only equality counts');
  fc.assert(
    fc.property(
      fc.string({ unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ'), minLength: 1, maxLength: 12 }),
      (name) => {
        const pin = dialByNameDigits(name);
        assert.is(pin.length, name.length);
        assert.ok(pinViolations(pin, { firstName: name }, { minLength: 1, trivialCheck: true }).includes('pin_matches_name'));
        assert.ok(pinViolations(pin, { lastName: name }, { minLength: 1, trivialCheck: true }).includes('pin_matches_name'));
      },
    ),
  );
});

test('pin_blocklisted (NIST): common PINs no other rule catches', () => {
  assert.is(codeOf('11223344'), 'pin_blocklisted');
  assert.is(codeOf('13579246'), 'pin_blocklisted');
  assert.is(codeOf('2001', {}, { minLength: 4, trivialCheck: true }), 'pin_blocklisted');
});

test('trivialCheck off: only digits and length are checked', () => {
  const loose = { minLength: 4, trivialCheck: false };
  assert.is(codeOf('1111', {}, loose), 'ok');
  assert.is(codeOf('2580', alice, loose), 'ok');
  assert.is(codeOf('111', {}, loose), 'pin_too_short');
  assert.is(codeOf('11a1', {}, loose), 'pin_not_digits');
});

test('every rule has its own code, and no message or detail ever contains the PIN', () => {
  const pins = ['7391582a', '7391', '73911182', '12211221', '12345678', '40874087', '147258369', '95200174', '62784668', '11223344'];
  const codes = pins.map((p) => codeOf(p, { ...alice, lastName: 'Martinot' }));
  assert.is(new Set(codes).size, pins.length, codes.join());
  fc.assert(
    // '#' appears in no message, so a match could only be an echo of the input.
    fc.property(
      fc.oneof(
        digits(4, 20),
        fc.string({ minLength: 3 }).map((s) => `#${s}`),
      ),
      (pin) => {
        const r = checkPin(pin, alice, strict, 'user.pin');
        if (E.isLeft(r)) {
          assert.is(r.left.field, 'user.pin');
          assert.not.ok(JSON.stringify(r.left).includes(pin));
        }
      },
    ),
  );
});

test('passwords: length in characters, not in bytes; identity and blocklist rules', () => {
  const ok = (pw: string, owner = {}) => E.isRight(checkPassword(pw, owner, defaultCredentialPolicy));
  const code = (pw: string, owner = {}) => passwordViolations(pw, owner, defaultCredentialPolicy)[0];
  assert.ok(ok('Selfcare!2026', alice), 'the demo password');
  assert.is(code('Sh0rt!'), 'password_too_short');
  assert.ok(ok('ééééé!€€'), '8 characters even if 16 bytes');
  assert.is(code('x'.repeat(257)), 'password_too_long');
  assert.is(code('my-ALICE-password', alice), 'password_contains_user_id');
  assert.is(code('I love Märtin 1984', alice), 'password_contains_name');
  assert.is(code('hello\u0000world'), 'password_invalid');
  assert.is(code('PassWord1'), 'password_blocklisted');
  assert.is(code('Cisco123'), 'password_blocklisted');
  assert.ok(ok('al-is-fine-2026', { userId: 'al' }), 'ids shorter than 3 characters are not checked');
  assert.ok(E.isRight(checkPassword('password', alice, { minLength: 4, trivialCheck: false })));
  fc.assert(
    fc.property(
      fc.string({ maxLength: 40 }).map((s) => `#${s}`),
      (pw) => {
        const r = checkPassword(pw, alice, defaultCredentialPolicy);
        if (E.isLeft(r))
          assert.not.ok(r.left.message.includes(pw) || JSON.stringify(r.left).includes(JSON.stringify(pw).slice(1, -1)), r.left.code);
      },
    ),
  );
});

test('the authentication code: 1 to 20 digits; the PIN triviality rules do not apply', () => {
  assert.ok(E.isRight(checkAuthenticationCode('4242')), 'the demo code');
  assert.ok(E.isRight(checkAuthenticationCode('1'.repeat(20))));
  const code = (s: string) => {
    const r = checkAuthenticationCode(s);
    return E.isLeft(r) ? [r.left.code, r.left.field] : 'ok';
  };
  assert.equal(code(''), ['authentication_code_empty', 'authenticationCode']);
  assert.equal(code('1'.repeat(21)), ['authentication_code_invalid', 'authenticationCode']);
  assert.equal(code('42a2'), ['authentication_code_invalid', 'authenticationCode']);
});

test.run();
