import type { SipHeader } from './model.js';

// Header names (compact forms, canonical spelling) and reading headers of a message.

/** Compact forms (RFC 3261 section 7.3.3 and later RFCs) and the canonical spelling of the names this package reads. */
const compact: Readonly<Record<string, string>> = {
  a: 'Accept-Contact',
  b: 'Referred-By',
  c: 'Content-Type',
  d: 'Request-Disposition',
  e: 'Content-Encoding',
  f: 'From',
  i: 'Call-ID',
  j: 'Reject-Contact',
  k: 'Supported',
  l: 'Content-Length',
  m: 'Contact',
  n: 'Identity-Info',
  o: 'Event',
  r: 'Refer-To',
  s: 'Subject',
  t: 'To',
  u: 'Allow-Events',
  v: 'Via',
  x: 'Session-Expires',
  y: 'Identity',
};

const known = [
  'Accept',
  'Allow',
  'Call-ID',
  'Contact',
  'Content-Length',
  'Content-Type',
  'CSeq',
  'Event',
  'Expires',
  'From',
  'Max-Forwards',
  'Min-Expires',
  'P-Associated-URI',
  'Record-Route',
  'Require',
  'Retry-After',
  'Route',
  'Server',
  'Subscription-State',
  'Supported',
  'To',
  'Unsupported',
  'User-Agent',
  'Via',
  'Warning',
  'WWW-Authenticate',
];
const canonicalByLower: ReadonlyMap<string, string> = new Map([
  ...Object.entries(compact),
  ...known.map((n) => [n.toLowerCase(), n] as [string, string]),
]);

/** The canonical spelling of a header name (compact forms expanded); unknown names are kept as given. */
export const canonicalHeaderName = (name: string): string => canonicalByLower.get(name.toLowerCase()) ?? name;

/** Headers whose value is a comma-separated list (RFC 3261 section 7.3.1): several values may share one line. */
const listHeaders = new Set(
  ['Via', 'Contact', 'Route', 'Record-Route', 'Allow', 'Supported', 'Require', 'Unsupported', 'Accept', 'P-Associated-URI'].map((n) =>
    n.toLowerCase(),
  ),
);

/** An RFC 3261 token (a method, a header name, ...). */
export const TOKEN = /^[A-Za-z0-9.!%*_+`'~-]+$/;

/** First value of a header (case-insensitive, compact forms understood). */
export const header = (msg: { readonly headers: readonly SipHeader[] }, name: string): string | undefined => {
  const wanted = canonicalHeaderName(name).toLowerCase();
  for (const h of msg.headers) if (h.name.toLowerCase() === wanted) return h.value;
  return undefined;
};

/**
 * Every value of a header, in order: repeated lines and, for list headers
 * (`Via`, `Contact`, `Route`...), comma-separated values each count as one.
 */
export const headerValues = (msg: { readonly headers: readonly SipHeader[] }, name: string): string[] => {
  const wanted = canonicalHeaderName(name).toLowerCase();
  const out: string[] = [];
  for (const h of msg.headers) {
    if (h.name.toLowerCase() !== wanted) continue;
    if (listHeaders.has(wanted)) out.push(...splitList(h.value));
    else out.push(h.value);
  }
  return out;
};

/** Splits a header value on the commas that are outside quotes and angle brackets. */
export const splitList = (value: string): string[] => {
  const out: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < value.length; i++) {
    const ch = value[i];
    if (quoted) {
      if (ch === '\\') i++;
      else if (ch === '"') quoted = false;
    } else if (ch === '"') quoted = true;
    else if (ch === '<') depth++;
    else if (ch === '>') depth = Math.max(0, depth - 1);
    else if (ch === ',' && depth === 0) {
      out.push(value.slice(start, i).trim());
      start = i + 1;
    }
  }
  out.push(value.slice(start).trim());
  return out.filter((v) => v.length > 0);
};
