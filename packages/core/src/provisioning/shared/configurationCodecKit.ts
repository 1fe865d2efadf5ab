import * as E from 'fp-ts/lib/Either.js';
import * as t from 'io-ts';
import { type ValidationError, validationError } from '../../kernel/errors.js';
import { decodeWith } from '../../kernel/validation/decode.js';

/**
 * Small io-ts helpers shared by the configuration aggregates (cluster, route point,
 * application user, templates, profiles). In shared/ so that no aggregate's folder depends on
 * another's for them.
 */

/** A string codec checked by a predicate, failing with `message` (never echoing the value). */
export const checkedString = (name: string, test: (s: string) => boolean, message: string) =>
  new t.Type<string, string, unknown>(
    name,
    (u): u is string => typeof u === 'string' && test(u),
    (u, c) => (typeof u === 'string' && test(u) ? t.success(u) : t.failure(u, c, message)),
    (a) => a,
  );

/** `codec`, or `value` when the field is absent (`undefined`): vendor defaults applied at the boundary. */
export const withDefault = <A, O>(codec: t.Type<A, O, unknown>, value: A) =>
  new t.Type<A, O, unknown>(codec.name, codec.is, (u, c) => (u === undefined ? t.success(value) : codec.validate(u, c)), codec.encode);

/** An array of at most `max` entries (the error names the array field). */
export const boundedArray = <A, O>(item: t.Type<A, O, unknown>, max: number, name: string) => {
  const array = t.array(item);
  return new t.Type<A[], O[], unknown>(
    name,
    (u): u is A[] => array.is(u) && u.length <= max,
    (u, c) => {
      const r = array.validate(u, c);
      if (E.isLeft(r)) return r;
      return r.right.length <= max ? r : t.failure(u, c, `must have at most ${max} entries`);
    },
    array.encode,
  );
};

/**
 * A command codec: `{ type: <literal>, ...required, ...optional }`. Unknown properties
 * are stripped, so nothing the caller adds (a secret, a non-JSON value) can reach an event.
 */
export const commandCodec = <T extends string, R extends t.Props, P extends t.Props = {}>(type: T, required: R, optional?: P) =>
  t.exact(t.intersection([t.type({ type: t.literal(type), ...required }), t.partial(optional ?? ({} as P))]), type);

/**
 * Decodes a command of an aggregate: picks the codec by `type`, decodes it
 * (errors name the field), then runs the cross-field `check` (e.g. start <= end).
 */
export const commandDecoder =
  <C extends { readonly type: string }>(
    aggregate: string,
    codecs: Readonly<Record<string, t.Mixed>>,
    check: (command: C) => E.Either<ValidationError, C> = E.right,
  ) =>
  (input: unknown): E.Either<ValidationError, C> => {
    const type = typeof input === 'object' && input !== null ? (input as { type?: unknown }).type : undefined;
    const codec = typeof type === 'string' && Object.hasOwn(codecs, type) ? codecs[type] : undefined;
    if (codec === undefined)
      return E.left(validationError('unknown_command', 'type', `type must be a ${aggregate} command: ${Object.keys(codecs).join(', ')}`));
    const decoded = decodeWith(codec)(input) as E.Either<ValidationError, C>;
    return E.isLeft(decoded) ? decoded : check(decoded.right);
  };

/** Optional value as JSON event data: absent becomes `null` (event data may not hold `undefined`). */
export const orNull = <A>(value: A | undefined): A | null => (value === undefined ? null : value);

/** Removes `null` members (deeply, in plain objects), turning event data back into optional state fields. */
export const withoutNulls = <T>(value: T): T => {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (v !== null) out[k] = withoutNulls(v);
  return out as T;
};

/** Deep equality of JSON data (key order ignored): "same settings again" answers with no events. */
export const sameJson = (a: unknown, b: unknown): boolean => {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => sameJson(x, b[i]));
  const ka = Object.keys(a).filter((k) => (a as Record<string, unknown>)[k] !== undefined);
  const kb = Object.keys(b).filter((k) => (b as Record<string, unknown>)[k] !== undefined);
  return ka.length === kb.length && ka.every((k) => sameJson((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
};

/** The first duplicate of `key` in `items`, as the index of its second occurrence. */
export const firstDuplicate = <A>(items: readonly A[], key: (a: A) => unknown): number | undefined => {
  const seen = new Set<unknown>();
  for (let i = 0; i < items.length; i++) {
    const k = key(items[i] as A);
    if (seen.has(k)) return i;
    seen.add(k);
  }
  return undefined;
};

/** An object type whose optional members become required `| null`: the JSON form of optional fields in event data. */
export type NullableFields<T> = { readonly [K in keyof T]-?: undefined extends T[K] ? Exclude<T[K], undefined> | null : T[K] };

/** `fields` as event data: every key of `optionalKeys` present, absent ones as `null`. */
export const withNulls = <T extends object>(fields: T, optionalKeys: readonly string[]): NullableFields<T> =>
  ({ ...Object.fromEntries(optionalKeys.map((k) => [k, null])), ...definedOnly(fields) }) as NullableFields<T>;

/** `o` without its `undefined` members. */
export const definedOnly = <T extends object>(o: T): Partial<T> =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
