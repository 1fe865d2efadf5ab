import * as t from 'io-ts';

/**
 * Branded primitives shared by every aggregate. A value of these types has passed
 * its codec at the boundary, so deciders never re-check formats.
 */

const brand = <B extends string>(name: B, test: (s: string) => boolean, message: string) =>
  new t.Type<string & t.Brand<{ readonly [K in B]: symbol }>, string, unknown>(
    name,
    (u): u is string & t.Brand<{ readonly [K in B]: symbol }> => typeof u === 'string' && test(u),
    (u, c) =>
      typeof u === 'string' && test(u) ? t.success(u as string & t.Brand<{ readonly [K in B]: symbol }>) : t.failure(u, c, message),
    (a) => a,
  );

const identifier = /^[A-Za-z0-9][A-Za-z0-9._@+-]{0,127}$/;

/** Cluster identifier: letters, digits, `.`, `_`, `-`, `@`, `+`; 1-128 characters. */
export const ClusterId = brand(
  'ClusterId',
  (s) => identifier.test(s),
  'must be 1-128 letters, digits or . _ - @ +, starting with a letter or digit',
);
export type ClusterId = t.TypeOf<typeof ClusterId>;

/** End-user or application-user id (the vendor's "User ID"). */
export const UserId = brand(
  'UserId',
  (s) => identifier.test(s),
  'must be 1-128 letters, digits or . _ - @ +, starting with a letter or digit',
);
export type UserId = t.TypeOf<typeof UserId>;

/** A name given by an administrator (template, profile, route point, node): 1-100 printable characters. */
export const Name = brand(
  'Name',
  (s) => s.length >= 1 && s.length <= 100 && s.trim() === s && !/[\u0000-\u001f\u007f]/.test(s),
  'must be 1-100 characters without control characters or surrounding spaces',
);
export type Name = t.TypeOf<typeof Name>;

/** A directory number: 1-24 ASCII digits (no unicode digits, no `+`). */
export const DirectoryNumber = brand('DirectoryNumber', (s) => /^[0-9]{1,24}$/.test(s), 'must be 1 to 24 digits 0-9');
export type DirectoryNumber = t.TypeOf<typeof DirectoryNumber>;

/** A DTMF digit string (0-9 only): self-provisioning ids, PIN-like entries. 1-24 digits. */
export const DtmfDigits = brand('DtmfDigits', (s) => /^[0-9]{1,24}$/.test(s), 'must be 1 to 24 digits 0-9');
export type DtmfDigits = t.TypeOf<typeof DtmfDigits>;

const MAC_FORMS = /^(?:[0-9A-Fa-f]{12}|(?:[0-9A-Fa-f]{2}[:-]){5}[0-9A-Fa-f]{2}|(?:[0-9A-Fa-f]{4}\.){2}[0-9A-Fa-f]{4})$/;

/** Normalises `00:11:22:AA:bb:cc`, `00-11-...`, `0011.22aa.bbcc` or `001122aabbcc` to `001122AABBCC`. */
export const normaliseMac = (s: string): string => s.replace(/[:.-]/g, '').toUpperCase();

/** A MAC address, normalised to 12 upper-case hex digits; the broadcast and all-zero addresses are refused. */
export const MacAddress = new t.Type<string & t.Brand<{ readonly MacAddress: symbol }>, string, unknown>(
  'MacAddress',
  (u): u is string & t.Brand<{ readonly MacAddress: symbol }> => typeof u === 'string' && /^[0-9A-F]{12}$/.test(u),
  (u, c) => {
    if (typeof u !== 'string' || !MAC_FORMS.test(u)) return t.failure(u, c, 'must be a MAC address: 12 hex digits, optionally separated');
    const mac = normaliseMac(u);
    if (mac === '000000000000' || mac === 'FFFFFFFFFFFF') return t.failure(u, c, 'must not be the all-zero or broadcast address');
    return t.success(mac as string & t.Brand<{ readonly MacAddress: symbol }>);
  },
  (a) => a,
);
export type MacAddress = t.TypeOf<typeof MacAddress>;

/** A device name: `SEP` + MAC for SIP/SCCP desk phones, or another 1-50 character vendor form (`BOT`, `CSF`, `TCT`...). */
export const DeviceName = brand(
  'DeviceName',
  (s) => /^[A-Z][A-Z0-9_.-]{2,49}$/.test(s),
  'must be 3-50 upper-case letters, digits, _ . -, e.g. SEP001122334455',
);
export type DeviceName = t.TypeOf<typeof DeviceName>;

/** The device name a desk phone auto-registers under. */
export const deviceNameForMac = (mac: MacAddress): DeviceName => `SEP${mac}` as DeviceName;

export const Protocol = t.keyof({ SIP: null, SCCP: null }, 'Protocol');
export type Protocol = t.TypeOf<typeof Protocol>;

/** A bounded integer codec, e.g. `intBetween(1, 20, 'ProvisioningLimit')`. */
export const intBetween = (min: number, max: number, name = `Int${min}to${max}`) =>
  new t.Type<number, number, unknown>(
    name,
    (u): u is number => typeof u === 'number' && Number.isInteger(u) && u >= min && u <= max,
    (u, c) =>
      typeof u === 'number' && Number.isInteger(u) && u >= min && u <= max
        ? t.success(u)
        : t.failure(u, c, `must be an integer from ${min} to ${max}`),
    (a) => a,
  );
