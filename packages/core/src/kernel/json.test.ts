import * as fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { cloneJson, copyJson, type JsonValue, validateJson } from './json.js';

const copied = (value: unknown): JsonValue => {
  const r = copyJson(value, 'data');
  if (E.isLeft(r)) assert.unreachable(`copyJson refused: ${r.left.message}`);
  return (r as E.Right<JsonValue>).right;
};
const refusedAt = (value: unknown): string | undefined => {
  const v = validateJson(value, 'data');
  const c = copyJson(value, 'data');
  assert.is(E.isLeft(v), E.isLeft(c), 'validateJson and copyJson agree on what is JSON');
  if (E.isLeft(v) && E.isLeft(c)) {
    assert.equal(c.left, v.left, 'and on the error');
    assert.is(c.left.code, 'non_serialisable_data');
    return c.left.field;
  }
  return undefined;
};

test('copyJson returns exactly what a JSON round trip returns, for any JSON value', () => {
  fc.assert(
    fc.property(fc.jsonValue(), (value) => {
      assert.equal(copied(value), cloneJson(value as JsonValue));
      assert.equal(validateJson(value, 'data'), E.right(value));
    }),
  );
});

test('the copy shares no object or array with the original', () => {
  const original = { list: [1, { deep: ['x'] }], nested: { a: 'b' } };
  const copy = copied(original) as typeof original;
  assert.equal(copy, original);
  assert.is.not(copy, original);
  assert.is.not(copy.list, original.list);
  assert.is.not(copy.list[1], original.list[1]);
  assert.is.not(copy.nested, original.nested);
  original.list.push(3);
  original.nested.a = 'changed';
  assert.equal(copy, { list: [1, { deep: ['x'] }], nested: { a: 'b' } });
});

test('-0 becomes 0 and a "__proto__" key stays an own property, as with JSON', () => {
  assert.ok(Object.is((copied({ z: -0 }) as { z: number }).z, 0));
  const tricky = JSON.parse('{"__proto__": {"polluted": true}, "a": 1}') as Record<string, unknown>;
  const copy = copied(tricky) as Record<string, unknown>;
  assert.is(Object.getPrototypeOf(copy), Object.prototype);
  assert.ok(Object.hasOwn(copy, '__proto__'));
  assert.equal(copy, cloneJson(tricky as JsonValue));
  assert.is(({} as Record<string, unknown>).polluted, undefined);
});

test('shared (acyclic) references are fine; cycles and non-JSON values are refused with their path', () => {
  const shared = { v: 1 };
  assert.equal(copied({ a: shared, b: [shared, shared] }), { a: { v: 1 }, b: [{ v: 1 }, { v: 1 }] });
  const cyclic: Record<string, unknown> = { ok: [1] };
  cyclic.self = { back: cyclic };
  assert.is(refusedAt(cyclic), 'data.self.back');
  assert.is(refusedAt({ list: [1, { deep: [Number.NaN] }] }), 'data.list[1].deep[0]');
  assert.is(refusedAt({ f: () => 1 }), 'data.f');
  assert.is(refusedAt({ u: undefined }), 'data.u');
  assert.is(refusedAt({ at: new Date(0) }), 'data.at');
  assert.is(refusedAt([1n]), 'data[0]');
  assert.is(refusedAt(Number.POSITIVE_INFINITY), 'data');
  assert.is(refusedAt({ fine: [1, 'a', null, true, { x: {} }] }), undefined);
});

test.run();
