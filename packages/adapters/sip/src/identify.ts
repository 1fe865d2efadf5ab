import { MacAddress } from '@selfprov/core';
import * as E from 'fp-ts/lib/Either.js';
import { header, headerValues } from './message/headers.js';
import type { SipRequest } from './message/model.js';
import { parseNameAddr, parseUri } from './message/values.js';

/**
 * Which device sends a request: its MAC address, found (in this order) in
 *
 * 1. the Contact's `+sip.instance` (RFC 5626): `"<urn:uuid:00000000-0000-0000-0000-001122334455>"`
 *    (the form Cisco phones use: zeros, then the MAC), a version-1 (time and node) UUID whose node
 *    field is the MAC, or `"<urn:dev:mac:001122334455>"` (RFC 9039);
 * 2. the user part of the address (`To` of a REGISTER, `From` of an INVITE) when it is `SEP<MAC>`
 *    or a MAC (`001122334455`, `00-11-22-33-44-55`, `0011.2233.4455`; colons cannot appear in a SIP user part);
 * 3. a configurable header, `X-Device-MAC` by default.
 *
 * A random (version 4) `+sip.instance` UUID is not a MAC and is ignored.
 */
export type MacSource = 'instance' | 'user' | 'header';

export interface DeviceMac {
  /** 12 upper-case hex digits. */
  readonly mac: string;
  readonly source: MacSource;
}

const asMac = (candidate: string | undefined): string | undefined => {
  if (candidate === undefined) return undefined;
  const decoded = MacAddress.decode(candidate);
  return E.isRight(decoded) ? decoded.right : undefined;
};

/** The MAC in a `+sip.instance` value (quoted, with or without angle brackets), if it carries one. */
export const macFromInstance = (instance: string | null | undefined): string | undefined => {
  if (typeof instance !== 'string') return undefined;
  const urn = instance.replace(/^"|"$/g, '').replace(/^<|>$/g, '').trim();
  const uuid = /^urn:uuid:([0-9a-f]{8})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{12})$/i.exec(urn);
  if (uuid) {
    const [, a, b, c, d, node] = uuid;
    const zeros = `${a}${b}${c}${d}` === '0'.repeat(20);
    const version1 = c?.[0] === '1';
    return zeros || version1 ? asMac(node) : undefined;
  }
  const dev = /^urn:dev:mac:([0-9a-f]{12})$/i.exec(urn);
  return dev ? asMac(dev[1]) : undefined;
};

/** The MAC a user part names: `SEP<MAC>` (any case) or a MAC in one of its usual spellings. */
export const macFromUser = (user: string | undefined): string | undefined => {
  if (user === undefined) return undefined;
  const sep = /^SEP([0-9A-Fa-f]{12})$/i.exec(user);
  return asMac(sep ? sep[1] : user);
};

/** The user part of the URI in a `From`/`To`/`Contact` value. */
export const userOf = (value: string | undefined): string | undefined => {
  const n = value === undefined ? undefined : parseNameAddr(value);
  return n ? parseUri(n.uri)?.user : undefined;
};

/**
 * The MAC of the device that sent `request`. `addressHeader` is `To` for a
 * REGISTER (the address of record) and `From` for other requests.
 */
export const deviceMacOf = (request: SipRequest, addressHeader: 'To' | 'From', macHeader = 'X-Device-MAC'): DeviceMac | undefined => {
  for (const contact of headerValues(request, 'Contact')) {
    const mac = macFromInstance(parseNameAddr(contact)?.params['+sip.instance']);
    if (mac) return { mac, source: 'instance' };
  }
  const fromUser = macFromUser(userOf(header(request, addressHeader)));
  if (fromUser) return { mac: fromUser, source: 'user' };
  const fromHeader = asMac(header(request, macHeader)?.trim());
  return fromHeader ? { mac: fromHeader, source: 'header' } : undefined;
};

/** A phone model from `User-Agent` (printable, at most 100 characters), else `fallback`. */
export const modelOf = (request: SipRequest, fallback = 'Third-party SIP Device'): string => {
  const ua = header(request, 'User-Agent')
    ?.replace(/[\u0000-\u001f\u007f]/g, '')
    .trim()
    .slice(0, 100)
    .trim();
  return ua !== undefined && ua !== '' ? ua : fallback;
};
