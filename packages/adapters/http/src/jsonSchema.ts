import * as core from '@selfprov/core';
import * as selfcare from '@selfprov/selfcare';
import * as E from 'fp-ts/lib/Either.js';
import * as t from 'io-ts';

/**
 * A small io-ts -> JSON Schema (2020-12, as OpenAPI 3.1 uses) converter for the
 * codecs the HTTP routes validate with, so `/openapi.json` is generated from the
 * same values that validate the requests.
 *
 * io-ts combinators (`type`, `partial`, `exact`, `intersection`, `union`,
 * `keyof`, `literal`, `array`...) convert structurally. The domain's own scalar
 * codecs (`new t.Type(...)`: branded strings, bounded integers, keywords,
 * defaults) expose no structure, so they are read by asking them: the value they
 * default to (`validate(undefined)`), the element codec they report for a bad
 * array entry, and the rule they state when refusing a value (`must be an
 * integer from 1 to 20`, `must be one of a, b`, `must be true or false`; other
 * rules describe a string). Codecs whose rule cannot be read so are listed by
 * name below.
 */

export type JsonSchema = { readonly [key: string]: unknown };

export interface Conversion {
  readonly schema: JsonSchema;
  /** Names of codecs the converter could not read (a test keeps this empty). */
  readonly unresolved: readonly string[];
}

type Tagged = t.Mixed & { readonly _tag?: string };

const isCodec = (u: unknown): u is Tagged =>
  typeof u === 'object' && u !== null && typeof (u as t.Mixed).validate === 'function' && typeof (u as t.Mixed).name === 'string';

/** Structured codecs exported by the domain packages, by name: a wrapper (a default) keeps its inner codec's name. */
const exportedByName: ReadonlyMap<string, Tagged> = (() => {
  const map = new Map<string, Tagged>([
    ['string', t.string],
    ['number', t.number],
    ['boolean', t.boolean],
  ]);
  for (const mod of [core, selfcare] as readonly Record<string, unknown>[])
    for (const value of Object.values(mod))
      if (isCodec(value) && value._tag !== undefined && !map.has(value.name)) map.set(value.name, value);
  return map;
})();

/** Codecs whose rule is not a plain sentence about a string. */
const byName: Readonly<Record<string, JsonSchema>> = {
  ForwardTarget: {
    description: 'where forwarded calls go; null: not forwarded',
    anyOf: [
      { type: 'null' },
      { type: 'object', properties: { to: { const: 'voicemail' } }, required: ['to'] },
      {
        type: 'object',
        properties: { to: { const: 'number' }, number: { type: 'string', pattern: '^\\+?[0-9*#]{1,50}$' } },
        required: ['to', 'number'],
      },
    ],
  },
  Locale: { type: 'string', enum: Object.keys(core.knownLocales), description: 'a known locale id such as en_US or fr_FR' },
};

const PROBE_FIELD = 'value';
const probeContext = (codec: t.Mixed): t.Context => [
  { key: '', type: codec, actual: undefined },
  { key: PROBE_FIELD, type: codec, actual: undefined },
];

/** A codec's own statement of its rule, read from the refusal of a value no rule accepts. */
const ruleOf = (codec: t.Mixed): string | undefined => {
  try {
    const r = codec.validate(Symbol('probe'), probeContext(codec));
    if (E.isRight(r)) return undefined;
    const message = r.left[0]?.message;
    return message?.replace(new RegExp(`^${PROBE_FIELD} `), '');
  } catch {
    return undefined;
  }
};

/** The element codec an array codec reports for a bad first entry. */
const elementOf = (codec: t.Mixed): t.Mixed | undefined => {
  try {
    const context = probeContext(codec);
    const r = codec.validate([Symbol('probe')], context);
    if (E.isRight(r)) return undefined;
    for (const error of r.left) {
      const entry = error.context[context.length];
      if (entry?.key === '0') return entry.type as t.Mixed;
    }
  } catch {
    // not an array codec
  }
  return undefined;
};

const defaultOf = (codec: t.Mixed): { readonly value: unknown } | undefined => {
  try {
    const r = codec.validate(undefined, probeContext(codec));
    return E.isRight(r) && r.right !== undefined ? { value: r.right } : undefined;
  } catch {
    return undefined;
  }
};

/** Whether an object property must be given: a property whose codec accepts `undefined` (a default, an optional) need not. */
const acceptsUndefined = (codec: t.Mixed): boolean => {
  try {
    return E.isRight(codec.validate(undefined, probeContext(codec)));
  } catch {
    return false;
  }
};

interface State {
  readonly unresolved: Set<string>;
  readonly seen: Set<t.Mixed>;
}

const merge = (schemas: readonly JsonSchema[]): JsonSchema => {
  if (!schemas.every((s) => s.type === 'object')) return { allOf: schemas };
  const properties: Record<string, unknown> = {};
  const required: string[] = [];
  for (const s of schemas) {
    Object.assign(properties, s.properties ?? {});
    for (const r of (s.required as readonly string[] | undefined) ?? []) if (!required.includes(r)) required.push(r);
  }
  return required.length > 0 ? { type: 'object', properties, required } : { type: 'object', properties };
};

const objectSchema = (props: t.Props, allOptional: boolean, state: State): JsonSchema => {
  const properties: Record<string, JsonSchema> = {};
  const required: string[] = [];
  for (const [key, codec] of Object.entries(props)) {
    properties[key] = convert(codec, state);
    if (!allOptional && !acceptsUndefined(codec)) required.push(key);
  }
  return required.length > 0 ? { type: 'object', properties, required } : { type: 'object', properties };
};

const custom = (codec: Tagged, state: State): JsonSchema => {
  const named = byName[codec.name];
  if (named !== undefined) return named;
  const dflt = defaultOf(codec);
  const withDefault = (s: JsonSchema): JsonSchema => (dflt === undefined ? s : { ...s, default: dflt.value });
  // A wrapper (e.g. a default) around an exported structured codec of the same name.
  const exported = exportedByName.get(codec.name);
  if (exported !== undefined && exported !== codec) return withDefault(convert(exported, state));
  const element = elementOf(codec);
  if (element !== undefined) {
    const rule = ruleOf(codec);
    return withDefault({ type: 'array', items: convert(element, state), ...(rule ? { description: rule } : {}) });
  }
  const rule = ruleOf(codec);
  if (rule === undefined) {
    state.unresolved.add(codec.name);
    return withDefault({ title: codec.name });
  }
  const int = /^must be an integer from (-?\d+) to (-?\d+)(.*)$/.exec(rule);
  if (int) return withDefault({ type: 'integer', minimum: Number(int[1]), maximum: Number(int[2]), description: rule });
  if (rule === 'must be true or false') return withDefault({ type: 'boolean' });
  const keywords = /^must be one of (.+)$/.exec(rule);
  if (keywords?.[1]) return withDefault({ type: 'string', enum: keywords[1].split(', ') });
  return withDefault({ type: 'string', title: codec.name, description: rule });
};

const convert = (codec: t.Mixed, state: State): JsonSchema => {
  const c = codec as Tagged;
  switch (c._tag) {
    case 'StringType':
      return { type: 'string' };
    case 'NumberType':
      return { type: 'number' };
    case 'BooleanType':
      return { type: 'boolean' };
    case 'NullType':
      return { type: 'null' };
    case 'UnknownType':
    case 'AnyType':
      return {};
    case 'UnknownRecordType':
    case 'AnyDictionaryType':
      return { type: 'object' };
    case 'UnknownArrayType':
    case 'AnyArrayType':
      return { type: 'array' };
    case 'LiteralType':
      return { const: (c as unknown as t.LiteralType<string>).value };
    case 'KeyofType':
      return { type: 'string', enum: Object.keys((c as unknown as t.KeyofType<Record<string, unknown>>).keys) };
    case 'ArrayType':
    case 'ReadonlyArrayType':
      return { type: 'array', items: convert((c as unknown as { type: t.Mixed }).type, state) };
    case 'InterfaceType':
    case 'StrictType':
      return objectSchema((c as unknown as t.InterfaceType<t.Props>).props, false, state);
    case 'PartialType':
      return objectSchema((c as unknown as t.PartialType<t.Props>).props, true, state);
    case 'ExactType':
    case 'ReadonlyType':
    case 'RefinementType':
      return convert((c as unknown as { type: t.Mixed }).type, state);
    case 'IntersectionType':
      return merge((c as unknown as t.IntersectionType<t.Mixed[]>).types.map((m) => convert(m, state)));
    case 'UnionType':
      return { anyOf: (c as unknown as t.UnionType<t.Mixed[]>).types.map((m) => convert(m, state)) };
    case 'DictionaryType':
      return { type: 'object', additionalProperties: convert((c as unknown as { codomain: t.Mixed }).codomain, state) };
    case 'TupleType':
      return { type: 'array', prefixItems: (c as unknown as { types: t.Mixed[] }).types.map((m) => convert(m, state)) };
    default: {
      if (state.seen.has(c)) return { title: c.name };
      state.seen.add(c);
      try {
        return custom(c, state);
      } finally {
        state.seen.delete(c);
      }
    }
  }
};

/** The JSON Schema of an io-ts codec, and the names of the codecs it could not read. */
export const toJsonSchema = (codec: t.Mixed): Conversion => {
  const state: State = { unresolved: new Set(), seen: new Set() };
  const schema = convert(codec, state);
  return { schema, unresolved: [...state.unresolved] };
};
