import * as E from 'fp-ts/lib/Either.js';
import { type ValidationError, validationError } from './errors.js';

/** A value that survives `JSON.stringify` / `JSON.parse` unchanged. */
export type JsonValue = null | boolean | number | string | readonly JsonValue[] | { readonly [key: string]: JsonValue };

const isPlainObject = (value: object): boolean => {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
};

const describe = (value: unknown): string =>
  value === undefined ? 'undefined' : typeof value === 'object' ? (value?.constructor?.name ?? 'object') : typeof value;

/** Returned by `walk` when the value is not JSON data; the reason is in `WalkState.why`. */
const INVALID: unique symbol = Symbol('invalid');

interface WalkState {
  /** Objects and arrays being walked (a cycle is one of them met again); shared, acyclic references are fine. */
  readonly ancestors: object[];
  /** Keys from the offending value up to the root, filled in only on failure (the hot path builds no path strings). */
  readonly trail: (string | number)[];
  why: string;
}

const setKey = (target: Record<string, unknown>, key: string, value: unknown): void => {
  // `__proto__` must become an own property, as JSON.parse makes it, not the prototype.
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
};

const walk = (v: unknown, copy: boolean, st: WalkState): unknown => {
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'number') {
    if (Number.isFinite(v)) return copy && v === 0 ? 0 : v; // JSON has no -0
    st.why = `${v} is not a finite number`;
    return INVALID;
  }
  if (typeof v !== 'object') {
    st.why = `${describe(v)} values are not allowed`;
    return INVALID;
  }
  if (st.ancestors.includes(v)) {
    st.why = 'circular reference';
    return INVALID;
  }
  st.ancestors.push(v);
  let out: unknown = v;
  if (Array.isArray(v)) {
    const items: unknown[] | undefined = copy ? [] : undefined;
    for (let i = 0; i < v.length; i++) {
      const r = walk(v[i], copy, st);
      if (r === INVALID) {
        st.trail.push(i);
        return INVALID;
      }
      items?.push(r);
    }
    if (items) out = items;
  } else {
    if (!isPlainObject(v)) {
      st.why = `${describe(v)} instances are not plain data`;
      return INVALID;
    }
    const fields: Record<string, unknown> | undefined = copy ? {} : undefined;
    for (const key of Object.keys(v)) {
      const r = walk((v as Record<string, unknown>)[key], copy, st);
      if (r === INVALID) {
        st.trail.push(key);
        return INVALID;
      }
      if (fields) setKey(fields, key, r);
    }
    if (fields) out = fields;
  }
  st.ancestors.pop();
  return out;
};

const checkJson = (value: unknown, path: string, copy: boolean): E.Either<ValidationError, JsonValue> => {
  const st: WalkState = { ancestors: [], trail: [], why: '' };
  const out = walk(value, copy, st);
  if (out !== INVALID) return E.right(out as JsonValue);
  let at = path;
  for (let i = st.trail.length - 1; i >= 0; i--) {
    const key = st.trail[i];
    at += typeof key === 'number' ? `[${key}]` : `.${key}`;
  }
  return E.left(validationError('non_serialisable_data', at, `${at} is not JSON-serialisable: ${st.why}`));
};

/**
 * Checks that `value` is JSON data that round-trips exactly (no `undefined`,
 * functions, symbols, bigints, non-finite numbers, class instances or cycles),
 * so a store can never silently record something different from what it was given.
 * The error names the offending path, e.g. `events[0].data.lines[2]`.
 */
export const validateJson = (value: unknown, path: string): E.Either<ValidationError, JsonValue> => checkJson(value, path, false);

/**
 * `validateJson` and `cloneJson` in one pass: checks `value` the same way and returns a deep copy
 * equal to `cloneJson(value)` (fresh objects and arrays, `-0` as `0`), so stored events never alias
 * the caller's objects, without the cost of a JSON round trip.
 */
export const copyJson = (value: unknown, path: string): E.Either<ValidationError, JsonValue> => checkJson(value, path, true);

/** Deep copy of validated JSON data, so stored events never alias caller objects. */
export const cloneJson = <T extends JsonValue>(value: T): T => JSON.parse(JSON.stringify(value)) as T;
