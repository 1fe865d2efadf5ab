import * as E from 'fp-ts/lib/Either.js';
import type * as t from 'io-ts';
import { type ValidationError, validationError } from '../errors.js';

// Union and intersection members are keyed by their index; wrappers (exact, refinement, readonly,
// strict) add no context entry of their own, so the key after one belongs to the type they wrap.
const MEMBER_INDEXED = new Set(['UnionType', 'IntersectionType']);
const WRAPPERS = new Set(['RefinementType', 'ExactType', 'ReadonlyType', 'StrictType']);
const tagOf = (type: unknown): string | undefined => {
  let current = type as { _tag?: string; type?: unknown } | undefined;
  while (current?._tag !== undefined && WRAPPERS.has(current._tag) && current.type !== undefined) {
    current = current.type as { _tag?: string; type?: unknown };
  }
  return current?._tag;
};

/** The dotted path of the input field an io-ts error is about, e.g. `lines[0].dn`. */
export const fieldOf = (context: t.Context): string => {
  let path = '';
  for (let i = 1; i < context.length; i++) {
    const parent = context[i - 1];
    const entry = context[i];
    if (!entry || entry.key === '') continue;
    // Union and intersection members are keyed by their index: not a field of the input.
    const parentTag = tagOf(parent?.type);
    if (parentTag !== undefined && MEMBER_INDEXED.has(parentTag)) continue;
    path += /^\d+$/.test(entry.key) && parentTag !== 'InterfaceType' ? `[${entry.key}]` : path === '' ? entry.key : `.${entry.key}`;
  }
  return path === '' ? '(input)' : path;
};

/**
 * Validates untrusted input with an io-ts codec. The error names the field and
 * what was expected, and never echoes the value: it may be a PIN or a password.
 */
export const decodeWith =
  <A, O, I>(codec: t.Type<A, O, I>, code = 'invalid_input') =>
  (input: I): E.Either<ValidationError, A> => {
    const result = codec.decode(input);
    if (E.isRight(result)) return E.right(result.right);
    const first = result.left[0];
    if (first === undefined) return E.left(validationError(code, '(input)', 'input is invalid'));
    const field = fieldOf(first.context);
    const expected = first.context[first.context.length - 1]?.type.name ?? codec.name;
    const message = first.message ?? (first.value === undefined ? `${field} is required` : `${field} must be ${expected}`);
    return E.left(validationError(code, field, message, { expected }));
  };
