import { fieldOf } from '@selfprov/core';
import * as E from 'fp-ts/lib/Either.js';
import * as t from 'io-ts';

/**
 * Branded primitives of the self-care domain. A value of these types has passed
 * its codec at the boundary, so deciders never re-check formats. Messages name
 * the field and the rule, never the value (it may be personal data).
 *
 * `UserId`, `DeviceName`, `MacAddress` and `DirectoryNumber` follow the same
 * rules (and brands) as the core domain's codecs, so values flow both ways.
 */

type Branded<B extends string> = string & t.Brand<{ readonly [K in B]: symbol }>;

const CONTROL = /[\u0000-\u001f\u007f]/;

/** A branded string codec checked by a predicate. */
export const brandedString = <B extends string>(name: B, test: (s: string) => boolean, rule: string) =>
  new t.Type<Branded<B>, string, unknown>(
    name,
    (u): u is Branded<B> => typeof u === 'string' && test(u),
    (u, c) => (typeof u === 'string' && test(u) ? t.success(u as Branded<B>) : t.failure(u, c, `${fieldOf(c)} ${rule}`)),
    (a) => a,
  );

/** A plain string codec checked by a predicate (no brand: for free text such as labels). */
export const checkedString = (name: string, test: (s: string) => boolean, rule: string) =>
  new t.Type<string, string, unknown>(
    name,
    (u): u is string => typeof u === 'string' && test(u),
    (u, c) => (typeof u === 'string' && test(u) ? t.success(u) : t.failure(u, c, `${fieldOf(c)} ${rule}`)),
    (a) => a,
  );

/** An integer in `[min, max]`; the message names the field and the bounds. */
export const intBetween = (min: number, max: number, name: string, note = '') =>
  new t.Type<number, number, unknown>(
    name,
    (u): u is number => typeof u === 'number' && Number.isInteger(u) && u >= min && u <= max,
    (u, c) =>
      typeof u === 'number' && Number.isInteger(u) && u >= min && u <= max
        ? t.success(u)
        : t.failure(u, c, `${fieldOf(c)} must be an integer from ${min} to ${max}${note}`),
    (a) => a,
  );

/** An array of at most `max` items (the error names the array field). */
export const boundedArray = <A, O>(item: t.Type<A, O, unknown>, max: number, name: string) => {
  const array = t.array(item);
  return new t.Type<A[], O[], unknown>(
    name,
    (u): u is A[] => array.is(u) && u.length <= max,
    (u, c) => {
      const r = array.validate(u, c);
      if (E.isLeft(r)) return r;
      return r.right.length <= max ? r : t.failure(u, c, `${fieldOf(c)} must have at most ${max} entries`);
    },
    array.encode,
  );
};

/** A keyword codec whose message lists the allowed values. */
export const oneOf = <K extends string>(name: string, values: readonly K[]) =>
  new t.Type<K, K, unknown>(
    name,
    (u): u is K => typeof u === 'string' && (values as readonly string[]).includes(u),
    (u, c) =>
      typeof u === 'string' && (values as readonly string[]).includes(u)
        ? t.success(u as K)
        : t.failure(u, c, `${fieldOf(c)} must be one of ${values.join(', ')}`),
    (a) => a,
  );

/** A boolean whose message names the field. */
export const Bool = new t.Type<boolean, boolean, unknown>(
  'boolean',
  (u): u is boolean => typeof u === 'boolean',
  (u, c) => (typeof u === 'boolean' ? t.success(u) : t.failure(u, c, `${fieldOf(c)} must be true or false`)),
  (a) => a,
);

/** A required object with required and optional properties; unknown properties are stripped. */
export const struct = <R extends t.Props, P extends t.Props = {}>(name: string, required: R, optional?: P) =>
  t.exact(t.intersection([t.type(required), t.partial(optional ?? ({} as P))]), name);

const identifier = /^[A-Za-z0-9][A-Za-z0-9._@+-]{0,127}$/;
const noControl = (s: string) => !CONTROL.test(s);
const trimmed = (s: string) => s.trim() === s;
const codePoints = (s: string) => [...s].length;

/** End-user id (the vendor's "User ID"): the same id as the core end user. */
export const UserId = brandedString(
  'UserId',
  (s) => identifier.test(s),
  'must be 1-128 letters, digits or . _ - @ +, starting with a letter or digit',
);
export type UserId = t.TypeOf<typeof UserId>;

/** A device (phone or profile) name, e.g. `SEP001122334455`. */
export const DeviceName = brandedString(
  'DeviceName',
  (s) => /^[A-Z][A-Z0-9_.-]{2,49}$/.test(s),
  'must be 3-50 upper-case letters, digits, _ . -, e.g. SEP001122334455',
);
export type DeviceName = t.TypeOf<typeof DeviceName>;

const MAC_FORMS = /^(?:[0-9A-Fa-f]{12}|(?:[0-9A-Fa-f]{2}[:-]){5}[0-9A-Fa-f]{2}|(?:[0-9A-Fa-f]{4}\.){2}[0-9A-Fa-f]{4})$/;

/** A MAC address, normalised to 12 upper-case hex digits; all-zero and broadcast refused. */
export const MacAddress = new t.Type<Branded<'MacAddress'>, string, unknown>(
  'MacAddress',
  (u): u is Branded<'MacAddress'> => typeof u === 'string' && /^[0-9A-F]{12}$/.test(u),
  (u, c) => {
    if (typeof u !== 'string' || !MAC_FORMS.test(u))
      return t.failure(u, c, `${fieldOf(c)} must be a MAC address: 12 hex digits, optionally separated by : - or .`);
    const mac = u.replace(/[:.-]/g, '').toUpperCase();
    if (mac === '000000000000' || mac === 'FFFFFFFFFFFF')
      return t.failure(u, c, `${fieldOf(c)} must not be the all-zero or broadcast address`);
    return t.success(mac as Branded<'MacAddress'>);
  },
  (a) => a,
);
export type MacAddress = t.TypeOf<typeof MacAddress>;

/** A directory number: 1-24 ASCII digits. */
export const DirectoryNumber = brandedString('DirectoryNumber', (s) => /^[0-9]{1,24}$/.test(s), 'must be 1 to 24 digits 0-9');
export type DirectoryNumber = t.TypeOf<typeof DirectoryNumber>;

/** A provisioning domain name: 1-64 letters, digits, space, `_ . -`, starting with a letter or digit. */
export const DomainName = brandedString(
  'DomainName',
  (s) => /^[A-Za-z0-9][A-Za-z0-9 _.-]{0,63}$/.test(s) && trimmed(s),
  'must be 1-64 letters, digits, spaces or _ . -, starting with a letter or digit, without trailing spaces',
);
export type DomainName = t.TypeOf<typeof DomainName>;

/** An authorization role name, e.g. `SelfCareUser`, `Maintenance`, `Ordering`. */
export const RoleName = brandedString(
  'RoleName',
  (s) => /^[A-Za-z][A-Za-z0-9_-]{0,63}$/.test(s),
  'must be 1-64 letters, digits, _ or -, starting with a letter',
);
export type RoleName = t.TypeOf<typeof RoleName>;

/** The self-care role. */
export const SELF_CARE_ROLE = 'SelfCareUser';

/** The highest line index accepted (1-based, as on the phone). */
export const MAX_LINE_INDEX = 200;
/** A line of a phone or profile, 1-based. */
export const LineIndex = intBetween(1, MAX_LINE_INDEX, 'LineIndex');

/** A first or last name: 1-100 characters (any script), no control characters or surrounding spaces. */
export const PersonName = brandedString(
  'PersonName',
  (s) => codePoints(s) >= 1 && codePoints(s) <= 100 && trimmed(s) && noControl(s),
  'must be 1-100 characters without control characters or surrounding spaces',
);
export type PersonName = t.TypeOf<typeof PersonName>;

const EMAIL = /^[^\s@]{1,64}@[^\s@]+\.[^\s@]+$/;
/** An email address: a plain `local@domain.tld` shape, at most 254 characters. */
export const Email = brandedString('Email', (s) => s.length <= 254 && EMAIL.test(s), 'must be an email address (local@domain.tld)');
export type Email = t.TypeOf<typeof Email>;

/** A locale or language name as installed on the cluster, e.g. `English United States`, `France`. */
export const LocaleName = brandedString(
  'LocaleName',
  (s) => s.length >= 1 && s.length <= 64 && trimmed(s) && noControl(s),
  'must be 1-64 characters without control characters',
);
export type LocaleName = t.TypeOf<typeof LocaleName>;

/** A music-on-hold audio source name as configured on the cluster. */
export const AudioSourceName = brandedString(
  'AudioSourceName',
  (s) => s.length >= 1 && s.length <= 64 && trimmed(s) && noControl(s),
  'must be 1-64 characters without control characters',
);
export type AudioSourceName = t.TypeOf<typeof AudioSourceName>;

/** Free text shown to people (labels, descriptions): at most `max` characters, no control characters. */
export const label = (name: string, max: number, min = 0) =>
  checkedString(
    name,
    (s) => codePoints(s) >= min && codePoints(s) <= max && noControl(s) && trimmed(s),
    `must be ${min}-${max} characters without control characters or surrounding spaces`,
  );

/** A secret as typed by a person (password, PIN): any non-empty string up to 256 characters. Rules are the credentials port's. */
export const SecretInput = checkedString('Secret', (s) => s.length >= 1 && s.length <= 256, 'must be 1 to 256 characters');

/** An ISO-8601 instant as stored in events. */
export const isoAfter = (iso: string, now: Date): boolean => Date.parse(iso) > now.getTime();
