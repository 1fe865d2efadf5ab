import * as E from 'fp-ts/lib/Either.js';

/**
 * The SIP message model, a parser and a serializer: the subset of RFC 3261 a
 * registrar and an IVR user agent need, written to survive anything a network
 * can deliver. The parser never throws: it answers a typed `SipParseError`,
 * which carries what could be read (`partial`) so the server can still answer
 * `400` to a broken request.
 *
 * Accepted liberally: compact header forms (`v`, `f`, `t`, `i`, `m`, `l`, ...),
 * header names in any case, line folding (RFC 3261 section 7.3.1), bare `LF`
 * line ends, blank lines before the start line, repeated and comma-separated
 * list headers (several `Via`). Refused: a bad start line, a header line without
 * a name or colon, a missing mandatory header (`Via`, `From`, `To`, `Call-ID`,
 * `CSeq`), a `CSeq` that does not match the method, a bad or conflicting
 * `Content-Length`, a body larger than allowed or shorter than announced.
 */

export interface SipHeader {
  /** Canonical name (`Via`, `Call-ID`, ...; compact forms expanded); unknown names as received. */
  readonly name: string;
  readonly value: string;
}

export interface SipRequest {
  readonly kind: 'request';
  readonly method: string;
  readonly uri: string;
  readonly headers: readonly SipHeader[];
  readonly body: Buffer;
}

export interface SipResponse {
  readonly kind: 'response';
  readonly status: number;
  readonly reason: string;
  readonly headers: readonly SipHeader[];
  readonly body: Buffer;
}

export type SipMessage = SipRequest | SipResponse;

export type SipParseErrorCode =
  | 'empty'
  | 'too_large'
  | 'truncated'
  | 'bad_start_line'
  | 'bad_header'
  | 'missing_header'
  | 'bad_cseq'
  | 'bad_content_length'
  | 'body_too_large'
  | 'body_truncated';

/** Why a message was refused; `partial` is what was read of a request (enough, often, to answer `400`). */
export interface SipParseError {
  readonly _tag: 'SipParseError';
  readonly code: SipParseErrorCode;
  readonly message: string;
  /** The header at fault, when there is one. */
  readonly field?: string;
  readonly partial?: SipRequest;
}

export interface ParseOptions {
  /** Whole message (headers and body). Default 65,535 (a UDP datagram's maximum). */
  readonly maxMessageBytes?: number;
  /** Body. Default 16,384: an SDP offer or a DTMF relay body is far smaller. */
  readonly maxBodyBytes?: number;
  /**
   * `datagram` (default): the body is the rest of the datagram (truncated to `Content-Length`);
   * `stream`: the framer already cut the message, a missing `Content-Length` means no body.
   */
  readonly framing?: 'datagram' | 'stream';
}

export const DEFAULT_MAX_MESSAGE_BYTES = 65_535;
export const DEFAULT_MAX_BODY_BYTES = 16_384;
const MAX_HEADERS = 128;

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

const TOKEN = /^[A-Za-z0-9.!%*_+`'~-]+$/;

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

const fail = (
  code: SipParseErrorCode,
  message: string,
  extra: { field?: string; partial?: SipRequest } = {},
): E.Either<SipParseError, never> => E.left({ _tag: 'SipParseError', code, message, ...extra });

const indexOfSeparator = (buf: Buffer): { end: number; bodyStart: number } | undefined => {
  // The header section ends at the first empty line: CRLF CRLF, or LF LF from a sloppy peer.
  for (let i = 0; i < buf.length - 1; i++) {
    if (buf[i] !== 0x0a) continue;
    if (buf[i + 1] === 0x0a) return { end: i, bodyStart: i + 2 };
    if (buf[i + 1] === 0x0d && buf[i + 2] === 0x0a) return { end: i, bodyStart: i + 3 };
  }
  return undefined;
};

/** Strips leading empty lines (RFC 3261 section 7.5 asks to ignore CRLFs before the start line). */
const skipLeadingBlankLines = (buf: Buffer): Buffer => {
  let i = 0;
  while (i < buf.length && (buf[i] === 0x0d || buf[i] === 0x0a)) i++;
  return i === 0 ? buf : buf.subarray(i);
};

interface StartLine {
  readonly kind: 'request' | 'response';
  readonly method: string;
  readonly uri: string;
  readonly status: number;
  readonly reason: string;
}

const parseStartLine = (line: string): StartLine | undefined => {
  const response = /^SIP\/2\.0 ([1-6][0-9]{2})(?: (.*))?$/i.exec(line);
  if (response) return { kind: 'response', method: '', uri: '', status: Number(response[1]), reason: response[2] ?? '' };
  const request = /^([^ ]+) ([^ ]+) SIP\/2\.0$/i.exec(line);
  if (request?.[1] && request[2] && TOKEN.test(request[1]) && /^[a-zA-Z][a-zA-Z0-9+.-]*:[^\s]+$/.test(request[2]))
    return { kind: 'request', method: request[1], uri: request[2], status: 0, reason: '' };
  return undefined;
};

/** Header lines, unfolded. Returns the headers read and the first fault, if any (reading goes on past it). */
const parseHeaderLines = (lines: readonly string[]): { headers: SipHeader[]; fault?: { message: string; field?: string } } => {
  const headers: SipHeader[] = [];
  let fault: { message: string; field?: string } | undefined;
  let current: { name: string; value: string } | undefined;
  const flush = () => {
    if (current) headers.push({ name: canonicalHeaderName(current.name), value: current.value.trim() });
    current = undefined;
  };
  for (const [i, line] of lines.entries()) {
    if (line.length > 0 && (line[0] === ' ' || line[0] === '\t')) {
      // A folded continuation of the previous header (RFC 3261 section 7.3.1).
      if (current) current.value += ` ${line.trim()}`;
      else fault ??= { message: `line ${i + 2} continues no header` };
      continue;
    }
    flush();
    const colon = line.indexOf(':');
    const name = colon < 0 ? '' : line.slice(0, colon).replace(/[ \t]+$/, '');
    if (colon <= 0 || !TOKEN.test(name)) {
      fault ??= { message: `line ${i + 2} is not a header (name: value)` };
      continue;
    }
    if (headers.length >= MAX_HEADERS) {
      fault ??= { message: `more than ${MAX_HEADERS} headers` };
      continue;
    }
    current = { name, value: line.slice(colon + 1) };
  }
  flush();
  return fault === undefined ? { headers } : { headers, fault };
};

/** A `CSeq` value: sequence number (below 2^31) and method. */
export const parseCSeq = (value: string | undefined): { readonly seq: number; readonly method: string } | undefined => {
  const m = /^\s*([0-9]{1,10})\s+([^\s]+)\s*$/.exec(value ?? '');
  if (!m?.[1] || !m[2] || !TOKEN.test(m[2])) return undefined;
  const seq = Number(m[1]);
  return seq < 2 ** 31 ? { seq, method: m[2] } : undefined;
};

const mandatory = ['Via', 'From', 'To', 'Call-ID', 'CSeq'] as const;

/**
 * Parses one SIP message (a datagram, or a message the stream framer cut).
 * Never throws; see the module comment for what is accepted.
 */
export const parseSipMessage = (input: Buffer | string, options: ParseOptions = {}): E.Either<SipParseError, SipMessage> => {
  const maxMessage = options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
  const maxBody = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const raw = typeof input === 'string' ? Buffer.from(input, 'utf8') : input;
  if (raw.length > maxMessage) return fail('too_large', `the message is larger than ${maxMessage} bytes`);
  const buf = skipLeadingBlankLines(raw);
  if (buf.length === 0) return fail('empty', 'the message is empty');
  const sep = indexOfSeparator(buf);
  const head = buf.subarray(0, sep?.end ?? buf.length).toString('utf8');
  const lines = head.split(/\r?\n/).map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
  const start = parseStartLine(lines[0] ?? '');
  if (start === undefined) return fail('bad_start_line', 'the first line is neither a SIP/2.0 request line nor a status line');
  const { headers, fault } = parseHeaderLines(lines.slice(1));
  const partial: SipRequest | undefined =
    start.kind === 'request' ? { kind: 'request', method: start.method, uri: start.uri, headers, body: Buffer.alloc(0) } : undefined;
  const withPartial = partial ? { partial } : {};
  if (fault) return fail('bad_header', fault.message, withPartial);
  if (sep === undefined) return fail('truncated', 'the message ends before the empty line that closes the headers', withPartial);
  for (const name of mandatory) {
    if (header({ headers }, name) === undefined)
      return fail('missing_header', `the ${name} header is missing`, { field: name, ...withPartial });
  }
  const cseq = parseCSeq(header({ headers }, 'CSeq'));
  if (cseq === undefined) return fail('bad_cseq', 'CSeq must be a number below 2^31 and a method', { field: 'CSeq', ...withPartial });
  if (start.kind === 'request' && cseq.method !== start.method)
    return fail('bad_cseq', `the CSeq method ${cseq.method} is not the request's method ${start.method}`, {
      field: 'CSeq',
      ...withPartial,
    });

  const lengths = headerValues({ headers }, 'Content-Length');
  let contentLength: number | undefined;
  for (const l of lengths) {
    if (!/^[0-9]{1,9}$/.test(l))
      return fail('bad_content_length', 'Content-Length must be a decimal number', { field: 'Content-Length', ...withPartial });
    const n = Number(l);
    if (contentLength !== undefined && contentLength !== n)
      return fail('bad_content_length', 'conflicting Content-Length headers', { field: 'Content-Length', ...withPartial });
    contentLength = n;
  }
  const available = buf.length - sep.bodyStart;
  if ((contentLength ?? 0) > maxBody || (contentLength === undefined && available > maxBody))
    return fail('body_too_large', `the body is larger than ${maxBody} bytes`, { field: 'Content-Length', ...withPartial });
  let body: Buffer;
  if (contentLength === undefined) body = options.framing === 'stream' ? Buffer.alloc(0) : buf.subarray(sep.bodyStart);
  else if (contentLength > available)
    return fail('body_truncated', `Content-Length announces ${contentLength} bytes, ${available} arrived`, {
      field: 'Content-Length',
      ...withPartial,
    });
  else body = buf.subarray(sep.bodyStart, sep.bodyStart + contentLength);
  // A copy: the message must not pin a large receive buffer (or change if the caller reuses it).
  body = Buffer.from(body);

  return E.right(
    start.kind === 'request'
      ? { kind: 'request', method: start.method, uri: start.uri, headers, body }
      : { kind: 'response', status: start.status, reason: start.reason, headers, body },
  );
};

/** A header value must not smuggle a line break into the message. */
const clean = (s: string): string => s.replace(/[\r\n]+/g, ' ');

/** Serializes a message; `Content-Length` is always computed from the body (any given one is dropped). */
export const serializeSip = (msg: SipMessage): Buffer => {
  const start = msg.kind === 'request' ? `${msg.method} ${msg.uri} SIP/2.0` : `SIP/2.0 ${msg.status} ${clean(msg.reason)}`;
  const lines = [start];
  for (const h of msg.headers) if (h.name.toLowerCase() !== 'content-length') lines.push(`${h.name}: ${clean(h.value)}`);
  lines.push(`Content-Length: ${msg.body.length}`);
  return Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'utf8'), msg.body]);
};

// ---------------------------------------------------------------------------------------------
// Parameters, URIs, name-addr values, Via.

/** A host as written in a URI, Via or Warning: an IPv6 address in brackets. */
export const uriHost = (host: string): string => (host.includes(':') && !host.startsWith('[') ? `[${host}]` : host);

/** `;name=value;flag` parameters (names lower-cased; quoted values unquoted). */
export type SipParams = Readonly<Record<string, string | null>>;

const unquote = (v: string): string => (v.length >= 2 && v.startsWith('"') && v.endsWith('"') ? v.slice(1, -1).replace(/\\(.)/g, '$1') : v);

/** Splits `a=1;b;c="x;y"` on the semicolons outside quotes. */
export const parseParams = (s: string): Record<string, string | null> => {
  const out: Record<string, string | null> = {};
  let quoted = false;
  let startAt = 0;
  const parts: string[] = [];
  for (let i = 0; i < s.length; i++) {
    const ch = s[i];
    if (quoted) {
      if (ch === '\\') i++;
      else if (ch === '"') quoted = false;
    } else if (ch === '"') quoted = true;
    else if (ch === ';') {
      parts.push(s.slice(startAt, i));
      startAt = i + 1;
    }
  }
  parts.push(s.slice(startAt));
  for (const part of parts) {
    const p = part.trim();
    if (p === '') continue;
    const eq = p.indexOf('=');
    const name = (eq < 0 ? p : p.slice(0, eq)).trim().toLowerCase();
    if (name === '' || name === '__proto__') continue;
    out[name] = eq < 0 ? null : unquote(p.slice(eq + 1).trim());
  }
  return out;
};

const formatParams = (params: SipParams): string =>
  Object.entries(params)
    .map(([k, v]) => (v === null ? `;${k}` : `;${k}=${/^[A-Za-z0-9.!%*_+`'~:\-[\]]+$/.test(v) ? v : `"${v.replace(/(["\\])/g, '\\$1')}"`}`))
    .join('');

export interface SipUri {
  readonly scheme: string;
  readonly user?: string;
  readonly host: string;
  readonly port?: number;
  readonly params: SipParams;
}

/** `sip:user@host:port;params` (also `sips:`, `tel:`); URI headers (`?...`) are dropped. */
export const parseUri = (value: string): SipUri | undefined => {
  const m = /^([a-zA-Z][a-zA-Z0-9+.-]*):(.*)$/.exec(value.trim());
  if (!m?.[1] || m[2] === undefined) return undefined;
  const scheme = m[1].toLowerCase();
  let rest = m[2];
  const q = rest.indexOf('?');
  if (q >= 0) rest = rest.slice(0, q);
  if (scheme === 'tel') {
    const semi = rest.indexOf(';');
    const number = semi < 0 ? rest : rest.slice(0, semi);
    return number ? { scheme, user: number, host: '', params: parseParams(semi < 0 ? '' : rest.slice(semi + 1)) } : undefined;
  }
  const at = rest.lastIndexOf('@', rest.indexOf(';') < 0 ? rest.length : rest.indexOf(';'));
  const userinfo = at >= 0 ? rest.slice(0, at) : undefined;
  const hostpart = at >= 0 ? rest.slice(at + 1) : rest;
  const semi = hostpart.indexOf(';');
  const hostport = semi < 0 ? hostpart : hostpart.slice(0, semi);
  const params = parseParams(semi < 0 ? '' : hostpart.slice(semi + 1));
  const hp = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._-]+)(?::([0-9]{1,5}))?$/.exec(hostport);
  if (!hp?.[1]) return undefined;
  const port = hp[2] === undefined ? undefined : Number(hp[2]);
  if (port !== undefined && (port < 1 || port > 65535)) return undefined;
  const user = userinfo === undefined ? undefined : decodeURIComponentSafe(userinfo.split(':')[0] ?? '');
  return {
    scheme,
    host: hp[1],
    params,
    ...(user !== undefined && user !== '' ? { user } : {}),
    ...(port !== undefined ? { port } : {}),
  };
};

const decodeURIComponentSafe = (s: string): string => {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
};

export const formatUri = (u: SipUri): string =>
  `${u.scheme}:${u.user !== undefined ? `${encodeURIComponent(u.user).replace(/%2B/g, '+')}@` : ''}${u.host}${u.port !== undefined ? `:${u.port}` : ''}${formatParams(u.params)}`;

/** A `From`/`To`/`Contact` value: optional display name, the URI, and the header's own parameters. */
export interface NameAddr {
  readonly display?: string;
  readonly uri: string;
  readonly params: SipParams;
}

export const parseNameAddr = (value: string): NameAddr | undefined => {
  const v = value.trim();
  const lt = v.indexOf('<');
  if (lt >= 0) {
    const gt = v.indexOf('>', lt);
    if (gt < 0) return undefined;
    const display = unquote(v.slice(0, lt).trim());
    const uri = v.slice(lt + 1, gt).trim();
    if (uri === '') return undefined;
    return { uri, params: parseParams(v.slice(gt + 1).replace(/^\s*;/, '')), ...(display !== '' ? { display } : {}) };
  }
  // addr-spec form: parameters after the URI belong to the header (RFC 3261 section 20).
  const semi = v.indexOf(';');
  const uri = (semi < 0 ? v : v.slice(0, semi)).trim();
  if (uri === '') return undefined;
  return { uri, params: parseParams(semi < 0 ? '' : v.slice(semi + 1)) };
};

export const formatNameAddr = (n: NameAddr): string =>
  `${n.display !== undefined ? `"${n.display.replace(/(["\\])/g, '\\$1')}" ` : ''}<${n.uri}>${formatParams(n.params)}`;

export interface Via {
  readonly transport: string;
  readonly host: string;
  readonly port?: number;
  readonly params: SipParams;
}

/** One `Via` value: `SIP/2.0/UDP host:port;branch=...;rport`. */
export const parseVia = (value: string): Via | undefined => {
  const m = /^SIP\s*\/\s*2\.0\s*\/\s*([A-Za-z]+)\s+(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._-]+)(?:\s*:\s*([0-9]{1,5}))?\s*(;.*)?$/i.exec(
    value.trim(),
  );
  if (!m?.[1] || !m[2]) return undefined;
  const port = m[3] === undefined ? undefined : Number(m[3]);
  if (port !== undefined && (port < 1 || port > 65535)) return undefined;
  return { transport: m[1].toUpperCase(), host: m[2], params: parseParams((m[4] ?? '').replace(/^;/, '')), ...(port ? { port } : {}) };
};

export const formatVia = (v: Via): string =>
  `SIP/2.0/${v.transport} ${v.host}${v.port !== undefined ? `:${v.port}` : ''}${formatParams(v.params)}`;

/** The `tag` of a `From`/`To` value. */
export const tagOf = (value: string | undefined): string | undefined => {
  const n = value === undefined ? undefined : parseNameAddr(value);
  const tag = n?.params.tag;
  return typeof tag === 'string' && tag !== '' ? tag : undefined;
};

/** The branch of the top `Via`, the key of a transaction. */
export const topBranch = (msg: SipMessage): string | undefined => {
  const top = headerValues(msg, 'Via')[0];
  const branch = top === undefined ? undefined : parseVia(top)?.params.branch;
  return typeof branch === 'string' ? branch : undefined;
};

/** Standard reason phrases for the status codes this package sends. */
export const reasonPhrases: Readonly<Record<number, string>> = {
  100: 'Trying',
  180: 'Ringing',
  200: 'OK',
  400: 'Bad Request',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  415: 'Unsupported Media Type',
  416: 'Unsupported URI Scheme',
  420: 'Bad Extension',
  423: 'Interval Too Brief',
  481: 'Call/Transaction Does Not Exist',
  483: 'Too Many Hops',
  486: 'Busy Here',
  487: 'Request Terminated',
  488: 'Not Acceptable Here',
  491: 'Request Pending',
  500: 'Server Internal Error',
  503: 'Service Unavailable',
};

export interface ResponseExtras {
  readonly reason?: string;
  readonly headers?: readonly SipHeader[];
  readonly body?: Buffer;
  /** Added to `To` when it has no tag (every response but 100 of a dialog-creating or out-of-dialog request). */
  readonly toTag?: string;
}

/**
 * A response to `request` (RFC 3261 section 8.2.6): its `Via` values, `From`,
 * `To` (with `toTag` added when it has none), `Call-ID` and `CSeq` copied.
 * Works on a `partial` request too (whatever of those it has is copied).
 */
export const responseTo = (request: SipRequest, status: number, extras: ResponseExtras = {}): SipResponse => {
  const headers: SipHeader[] = [];
  for (const via of headerValues(request, 'Via')) headers.push({ name: 'Via', value: via });
  const from = header(request, 'From');
  if (from !== undefined) headers.push({ name: 'From', value: from });
  const to = header(request, 'To');
  if (to !== undefined)
    headers.push({
      name: 'To',
      value: extras.toTag !== undefined && status > 100 && tagOf(to) === undefined ? `${to};tag=${extras.toTag}` : to,
    });
  for (const name of ['Call-ID', 'CSeq']) {
    const v = header(request, name);
    if (v !== undefined) headers.push({ name, value: v });
  }
  headers.push(...(extras.headers ?? []));
  return {
    kind: 'response',
    status,
    reason: extras.reason ?? reasonPhrases[status] ?? 'Unknown',
    headers,
    body: extras.body ?? Buffer.alloc(0),
  };
};
