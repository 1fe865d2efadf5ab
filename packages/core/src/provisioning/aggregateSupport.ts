import * as E from 'fp-ts/lib/Either.js';
import * as t from 'io-ts';
import { type ValidationError, validationError } from '../kernel/errors.js';
import { decodeWith } from '../kernel/validation/decode.js';

/**
 * Helpers shared by the end-user, phone and directory-number aggregates. Commands
 * are flat `{ type, ...fields }` values, as those of the configuration aggregates.
 */

/** A command codec: `{ type: <literal>, ...required, ...optional }`. */
export const commandCodec = <T extends string, R extends t.Props, P extends t.Props = {}>(type: T, required: R, optional?: P) =>
  t.intersection([t.type({ type: t.literal(type), ...required }), t.partial(optional ?? ({} as P))], type);

/** Decodes a command of an aggregate: `type` picks the codec, so the error names the field of that command. */
export const commandDecoder =
  <M extends Record<string, t.Mixed>>(aggregate: string, codecs: M) =>
  (input: unknown): E.Either<ValidationError, t.TypeOf<M[keyof M]>> => {
    const type = typeof input === 'object' && input !== null ? (input as { type?: unknown }).type : undefined;
    const codec = typeof type === 'string' && Object.hasOwn(codecs, type) ? codecs[type] : undefined;
    if (codec === undefined)
      return E.left(validationError('unknown_command', 'type', `type must be a ${aggregate} command: ${Object.keys(codecs).join(', ')}`));
    return decodeWith(codec)(input) as E.Either<ValidationError, t.TypeOf<M[keyof M]>>;
  };

/** Copies `value` without its `undefined` properties, so states and event data stay plain JSON (a store refuses `undefined`). */
export const compact = <T extends object>(value: T): T => {
  // A loop, not Object.fromEntries(Object.entries(...).filter(...)): read models call this for every
  // event they fold, and the three intermediate arrays dominated the replay of a phone's events.
  const out: Record<string, unknown> = {};
  const source = value as Record<string, unknown>;
  for (const key of Object.keys(source)) {
    const v = source[key];
    if (v === undefined) continue;
    // `__proto__` must stay an own data property, as Object.fromEntries makes it.
    if (key === '__proto__') Object.defineProperty(out, key, { value: v, enumerable: true, writable: true, configurable: true });
    else out[key] = v;
  }
  return out as T;
};
