import { headerValues, TOKEN } from './headers.js';
import type { SipMessage } from './model.js';

// Header values: CSeq, parameters, URIs, name-addr values, Via, tags and branches.

/** A `CSeq` value: sequence number (below 2^31) and method. */
export const parseCSeq = (value: string | undefined): { readonly seq: number; readonly method: string } | undefined => {
  const m = /^\s*([0-9]{1,10})\s+([^\s]+)\s*$/.exec(value ?? '');
  if (!m?.[1] || !m[2] || !TOKEN.test(m[2])) return undefined;
  const seq = Number(m[1]);
  return seq < 2 ** 31 ? { seq, method: m[2] } : undefined;
};

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
