import * as E from 'fp-ts/lib/Either.js';
import * as t from 'io-ts';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { decodeWith } from '../../index.js';

const Pin = new t.Type<string, string, unknown>(
  'Pin',
  (u): u is string => typeof u === 'string',
  (u, c) => (typeof u === 'string' && /^[0-9]{4,}$/.test(u) ? t.success(u) : t.failure(u, c, 'pin must be 4 or more digits')),
  (a) => a,
);
const Command = t.type({
  user: t.type({ id: t.string, pin: Pin }),
  lines: t.array(t.type({ dn: t.union([t.literal('auto'), t.string]) })),
});

test('the error names the nested field', () => {
  const r = decodeWith(Command)({ user: { id: 'alice', pin: '12' }, lines: [] });
  assert.ok(E.isLeft(r));
  if (E.isLeft(r)) {
    assert.is(r.left.field, 'user.pin');
    assert.is(r.left.code, 'invalid_input');
  }
});

test('array indices appear as [n]; union members do not pollute the path', () => {
  const r = decodeWith(Command)({ user: { id: 'a', pin: '1234' }, lines: [{ dn: '1' }, { dn: 5 }] });
  assert.is(E.isLeft(r) && r.left.field, 'lines[1].dn');
});

test('a missing field is reported as required', () => {
  const r = decodeWith(Command)({ lines: [] });
  assert.ok(E.isLeft(r) && r.left.field === 'user' && /required/.test(r.left.message));
});

test('the offending value is never echoed (it may be a secret)', () => {
  const r = decodeWith(Command)({ user: { id: 'a', pin: '98x7654321' }, lines: [] });
  assert.ok(E.isLeft(r) && !JSON.stringify(r.left).includes('98x7654321'));
});

test('fields inside exact (and other wrapper) codecs are named', () => {
  const Exact = t.exact(t.type({ limit: t.number, inner: t.exact(t.intersection([t.type({ a: t.string }), t.partial({ b: t.number })])) }));
  const r1 = decodeWith(Exact)({ limit: 'x', inner: { a: 'a' } });
  assert.is(E.isLeft(r1) && r1.left.field, 'limit');
  const r2 = decodeWith(Exact)({ limit: 1, inner: { a: 'a', b: 'x' } });
  assert.is(E.isLeft(r2) && r2.left.field, 'inner.b');
  const r3 = decodeWith(t.readonly(t.type({ xs: t.array(t.number) })))({ xs: [1, 'x'] });
  assert.is(E.isLeft(r3) && r3.left.field, 'xs[1]');
});

test('valid input decodes', () => {
  assert.ok(E.isRight(decodeWith(Command)({ user: { id: 'a', pin: '1234' }, lines: [{ dn: 'auto' }] })));
});

test.run();
