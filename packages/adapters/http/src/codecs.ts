import * as t from 'io-ts';

/**
 * Request bodies are built from the domain's own codecs: a command's codec minus
 * `type` and the fields the URL carries (`clusterId`, `deviceName`...). The
 * property codecs are the very same values, so the HTTP layer validates (and
 * documents) exactly what the domain accepts.
 */

/** Required and optional properties of an object codec (`type`, `partial`, `exact`, `readonly`, intersections of those). */
export interface ObjectShape {
  readonly required: t.Props;
  readonly optional: t.Props;
}

const tagOf = (codec: t.Mixed): string | undefined => (codec as unknown as { _tag?: string })._tag;

/** The properties of an object codec, or `undefined` when it is not one. */
export const shapeOf = (codec: t.Mixed): ObjectShape | undefined => {
  switch (tagOf(codec)) {
    case 'InterfaceType':
    case 'StrictType':
      return { required: (codec as unknown as t.InterfaceType<t.Props>).props, optional: {} };
    case 'PartialType':
      return { required: {}, optional: (codec as unknown as t.PartialType<t.Props>).props };
    case 'ExactType':
    case 'ReadonlyType':
      return shapeOf((codec as unknown as { type: t.Mixed }).type);
    case 'IntersectionType': {
      const out = { required: {} as t.Props, optional: {} as t.Props };
      for (const member of (codec as unknown as t.IntersectionType<t.Mixed[]>).types) {
        const s = shapeOf(member);
        if (s === undefined) return undefined;
        Object.assign(out.required, s.required);
        Object.assign(out.optional, s.optional);
      }
      return out;
    }
    default:
      return undefined;
  }
};

const without = (props: t.Props, omit: readonly string[]): t.Props =>
  Object.fromEntries(Object.entries(props).filter(([k]) => !omit.includes(k)));

/** A JSON object body: unknown properties are stripped (nothing the caller adds can reach an event). */
export type Body = Readonly<Record<string, unknown>>;
export type BodyCodec = t.Type<Body, unknown, unknown>;

/**
 * The body codec of a command sent to a URL: `codec`'s properties without `type`
 * and without `omit` (the URL's parameters), same property codecs.
 */
export const bodyOf = (name: string, codec: t.Mixed, omit: readonly string[] = []): BodyCodec => {
  const shape = shapeOf(codec);
  if (shape === undefined) throw new TypeError(`${codec.name} is not an object codec`);
  const skip = ['type', ...omit];
  return t.exact(t.intersection([t.type(without(shape.required, skip)), t.partial(without(shape.optional, skip))]), name) as BodyCodec;
};

/** An object body from property codecs (for inputs the transport composes itself). */
export const objectBody = (name: string, required: t.Props, optional: t.Props = {}): BodyCodec =>
  t.exact(t.intersection([t.type(required), t.partial(optional)]), name) as BodyCodec;

/** A body with no field (actions such as "restart the IVR service"); anything sent is ignored. */
export const EmptyBody: BodyCodec = objectBody('Empty', {});
