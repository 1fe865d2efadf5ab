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

/**
 * Checks that `value` is JSON data that round-trips exactly (no `undefined`,
 * functions, symbols, bigints, non-finite numbers, class instances or cycles),
 * so a store can never silently record something different from what it was given.
 * The error names the offending path, e.g. `events[0].data.lines[2]`.
 */
export const validateJson = (value: unknown, path: string): E.Either<ValidationError, JsonValue> => {
  const seen = new Set<object>();
  const fail = (at: string, why: string) => E.left(validationError('non_serialisable_data', at, `${at} is not JSON-serialisable: ${why}`));
  const walk = (v: unknown, at: string): E.Either<ValidationError, JsonValue> => {
    if (v === null || typeof v === 'string' || typeof v === 'boolean') return E.right(v);
    if (typeof v === 'number') return Number.isFinite(v) ? E.right(v) : fail(at, `${v} is not a finite number`);
    if (typeof v !== 'object') return fail(at, `${describe(v)} values are not allowed`);
    if (seen.has(v)) return fail(at, 'circular reference');
    seen.add(v);
    try {
      if (Array.isArray(v)) {
        for (let i = 0; i < v.length; i++) {
          const r = walk(v[i], `${at}[${i}]`);
          if (E.isLeft(r)) return r;
        }
        return E.right(v as JsonValue);
      }
      if (!isPlainObject(v)) return fail(at, `${describe(v)} instances are not plain data`);
      for (const key of Object.keys(v)) {
        const r = walk((v as Record<string, unknown>)[key], `${at}.${key}`);
        if (E.isLeft(r)) return r;
      }
      return E.right(v as JsonValue);
    } finally {
      seen.delete(v);
    }
  };
  return walk(value, path);
};

/** Deep copy of validated JSON data, so stored events never alias caller objects. */
export const cloneJson = <T extends JsonValue>(value: T): T => JSON.parse(JSON.stringify(value)) as T;
