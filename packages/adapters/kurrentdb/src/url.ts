import { type ValidationError, validationError } from '@selfprov/core';
import * as E from 'fp-ts/lib/Either.js';

/** The URL schemes this adapter accepts (`esdb` ones are the EventStoreDB spellings of the same thing). */
export type KurrentDbScheme = 'kurrentdb' | 'kurrentdb+discover' | 'esdb' | 'esdb+discover';

export const kurrentDbSchemes: readonly KurrentDbScheme[] = ['kurrentdb', 'kurrentdb+discover', 'esdb', 'esdb+discover'];

export interface KurrentDbHost {
  readonly host: string;
  readonly port: number;
}

/** A checked KurrentDB / EventStoreDB connection string. */
export interface KurrentDbUrl {
  readonly scheme: KurrentDbScheme;
  /** Cluster discovery (`+discover`, or several hosts as gossip seeds). */
  readonly discover: boolean;
  readonly hosts: readonly KurrentDbHost[];
  readonly username?: string;
  /** Whether the URL carries a password. The password itself is only inside `connectionString`. */
  readonly hasPassword: boolean;
  /** TLS is on unless the URL says `tls=false`. */
  readonly tls: boolean;
  /** Query options by their canonical name (`tls`, `defaultDeadline`, `nodePreference`, ...). */
  readonly options: Readonly<Record<string, string | number | boolean>>;
  /**
   * The string handed to `@kurrent/kurrentdb-client`: the scheme normalised to `kurrentdb` /
   * `kurrentdb+discover` (the client deprecates `esdb`), everything else as given.
   * It contains the password when there is one: never log it, use `redacted`.
   */
  readonly connectionString: string;
  /** `connectionString` with the password replaced by `***`: safe for logs and error messages. */
  readonly redacted: string;
}

type OptionKind = 'boolean' | 'string' | 'nodePreference' | { readonly min: number };

/** Query options `@kurrent/kurrentdb-client` 1.3.1 understands, keyed by their flat (lower case, no `-`/`_`) spelling. */
const queryOptions: ReadonlyMap<string, readonly [name: string, kind: OptionKind]> = new Map([
  ['tls', ['tls', 'boolean']],
  ['tlsverifycert', ['tlsVerifyCert', 'boolean']],
  ['tlscafile', ['tlsCAFile', 'string']],
  ['usercertfile', ['userCertFile', 'string']],
  ['userkeyfile', ['userKeyFile', 'string']],
  ['connectionname', ['connectionName', 'string']],
  ['maxdiscoverattempts', ['maxDiscoverAttempts', { min: 1 }]],
  ['discoveryinterval', ['discoveryInterval', { min: 0 }]],
  ['gossiptimeout', ['gossipTimeout', { min: 0 }]],
  ['defaultdeadline', ['defaultDeadline', { min: 1 }]],
  // -1 disables keep-alive.
  ['keepaliveinterval', ['keepAliveInterval', { min: -1 }]],
  ['keepalivetimeout', ['keepAliveTimeout', { min: -1 }]],
  ['throwonappendfailure', ['throwOnAppendFailure', 'boolean']],
  ['nodepreference', ['nodePreference', 'nodePreference']],
] as const);

const nodePreferences: ReadonlyMap<string, string> = new Map([
  ['leader', 'leader'],
  ['follower', 'follower'],
  ['random', 'random'],
  ['readonlyreplica', 'read_only_replica'],
]);

const flat = (s: string) => s.toLowerCase().replace(/[-_]/g, '');
const HOST = /^[A-Za-z0-9_](?:[A-Za-z0-9_-]*[A-Za-z0-9_])?(?:\.[A-Za-z0-9_](?:[A-Za-z0-9_-]*[A-Za-z0-9_])?)*$/;

const fail = (message: string): E.Either<ValidationError, never> =>
  E.left(validationError('invalid_kurrentdb_url', 'connectionString', `invalid KurrentDB URL: ${message}`));

const decode = (s: string): string | undefined => {
  try {
    return decodeURIComponent(s);
  } catch {
    return undefined;
  }
};

/**
 * Checks a `kurrentdb://`, `kurrentdb+discover://`, `esdb://` or `esdb+discover://` URL
 * (`[user:password@]host[:port][,host[:port]...][/][?key=value&...]`, port default 2113)
 * and returns its parts, or a `ValidationError` (code `invalid_kurrentdb_url`, field
 * `connectionString`). Stricter than the client: an unknown option or a malformed value
 * is an error rather than a warning, and no error message ever repeats the password.
 */
export const parseKurrentDbUrl = (url: unknown): E.Either<ValidationError, KurrentDbUrl> => {
  if (typeof url !== 'string') return fail('it must be a string');
  if (url.length === 0) return fail('it is empty');
  if (/[\s\u0000-\u001f\u007f]/.test(url)) return fail('it must not contain whitespace or control characters');
  if (url.includes('#')) return fail('a fragment (#...) is not allowed');
  const schemeMatch = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(url);
  if (!schemeMatch) return fail(`it must start with one of ${kurrentDbSchemes.map((s) => `${s}://`).join(', ')}`);
  const scheme = (schemeMatch[1] ?? '').toLowerCase() as KurrentDbScheme;
  if (!kurrentDbSchemes.includes(scheme))
    return fail(`unsupported scheme "${scheme}"; use one of ${kurrentDbSchemes.map((s) => `${s}://`).join(', ')}`);
  const rest = url.slice(schemeMatch[0].length);
  const queryAt = rest.indexOf('?');
  let authority = queryAt < 0 ? rest : rest.slice(0, queryAt);
  const query = queryAt < 0 ? undefined : rest.slice(queryAt + 1);
  // A single trailing slash (an empty path) is fine; any other path is not.
  if (authority.endsWith('/')) authority = authority.slice(0, -1);
  if (authority.includes('/')) return fail('a path is not allowed after the host list');

  // Credentials: everything up to the last '@' of the authority.
  let username: string | undefined;
  let password: string | undefined;
  let hostList = authority;
  const at = authority.lastIndexOf('@');
  if (at >= 0) {
    const userinfo = authority.slice(0, at);
    hostList = authority.slice(at + 1);
    const colon = userinfo.indexOf(':');
    if (colon <= 0 || colon === userinfo.length - 1) return fail('credentials must be "username:password@" with both parts non-empty');
    const rawUser = userinfo.slice(0, colon);
    const rawPassword = userinfo.slice(colon + 1);
    // The client splits on ':' and would silently drop the rest of such a password.
    if (rawPassword.includes(':')) return fail('a ":" in the password must be percent-encoded as %3A');
    if (rawUser.includes('@') || rawPassword.includes('@')) return fail('an "@" in the credentials must be percent-encoded as %40');
    username = decode(rawUser);
    password = decode(rawPassword);
    if (username === undefined) return fail('the username has a malformed percent-encoding');
    if (password === undefined) return fail('the password has a malformed percent-encoding');
  }

  if (hostList.length === 0) return fail('at least one host is required');
  const hosts: KurrentDbHost[] = [];
  for (const [i, entry] of hostList.split(',').entries()) {
    const which = `host ${i + 1}`;
    if (entry.length === 0) return fail(`${which} is empty`);
    if (entry.startsWith('[')) return fail(`${which}: IPv6 literals are not supported by the KurrentDB client; use a host name`);
    const parts = entry.split(':');
    if (parts.length > 2) return fail(`${which} must be "host" or "host:port"`);
    const [host = '', rawPort] = parts;
    if (!HOST.test(host)) return fail(`${which} is not a valid host name or IPv4 address`);
    let port = 2113;
    if (rawPort !== undefined) {
      if (!/^\d{1,5}$/.test(rawPort)) return fail(`${which} has a port that is not a number`);
      port = Number(rawPort);
      if (port < 1 || port > 65535) return fail(`${which} has a port outside 1-65535`);
    }
    hosts.push({ host, port });
  }

  const options: Record<string, string | number | boolean> = {};
  if (query !== undefined) {
    if (query.length === 0) return fail('an empty query string ("?" with no options)');
    for (const pair of query.split('&')) {
      const eq = pair.indexOf('=');
      if (eq <= 0 || eq === pair.length - 1) return fail('query options must be "key=value" pairs joined by "&"');
      const key = pair.slice(0, eq);
      const raw = pair.slice(eq + 1);
      const known = queryOptions.get(flat(key));
      // Only the key name is echoed: option values may be file paths, never secrets, but stay quiet anyway.
      if (!known) return fail(`unknown option "${key.slice(0, 40)}"`);
      const [name, kind] = known;
      if (name in options) return fail(`option "${name}" is given twice`);
      if (kind === 'boolean') {
        if (raw !== 'true' && raw !== 'false') return fail(`option "${name}" must be true or false`);
        options[name] = raw === 'true';
      } else if (kind === 'string') {
        const value = decode(raw);
        if (value === undefined || value.length === 0) return fail(`option "${name}" has a malformed value`);
        options[name] = value;
      } else if (kind === 'nodePreference') {
        const value = nodePreferences.get(flat(raw));
        if (value === undefined) return fail(`option "nodePreference" must be leader, follower, random or readOnlyReplica`);
        options[name] = value;
      } else {
        if (!/^-?\d{1,10}$/.test(raw) || Number(raw) < kind.min) return fail(`option "${name}" must be an integer >= ${kind.min}`);
        options[name] = Number(raw);
      }
    }
  }

  const discover = scheme.endsWith('+discover') || hosts.length > 1;
  const normalisedScheme = scheme.endsWith('+discover') ? 'kurrentdb+discover' : 'kurrentdb';
  const tail = `${hostList}${query === undefined ? '' : `?${query}`}`;
  const credentialsPart = (redact: boolean) =>
    username === undefined ? '' : `${encodeURIComponent(username)}:${redact ? '***' : encodeURIComponent(password ?? '')}@`;
  return E.right({
    scheme,
    discover,
    hosts,
    ...(username === undefined ? {} : { username }),
    hasPassword: password !== undefined,
    tls: options.tls !== false,
    options,
    connectionString: `${normalisedScheme}://${credentialsPart(false)}${tail}`,
    redacted: `${normalisedScheme}://${credentialsPart(true)}${tail}`,
  });
};

/** Removes `user:password@` from any URL-looking text, so a client error message can never leak credentials. */
export const redactCredentials = (text: string): string => text.replace(/\/\/[^/@\s]*:[^/@\s]*@/g, '//***:***@');
