import { type ValidationError, validationError } from '@selfprov/core';
import * as E from 'fp-ts/lib/Either.js';
import type { ClientConfig } from 'pg';

/** Default schema holding the event store's tables. */
export const DEFAULT_SCHEMA = 'selfprov';

/** A schema name the store accepts: lower-case identifier, short enough to name a NOTIFY channel after it. */
const SCHEMA = /^[a-z_][a-z0-9_]{0,47}$/;

/** The parts of a `postgres://` store URL, ready for `pg`. */
export interface PostgresUrl {
  /** Host name, IP address, or a directory holding the server's Unix socket. */
  readonly host: string;
  readonly port: number;
  readonly database?: string;
  readonly user?: string;
  /** Secret: never log it. `describePostgresTarget` gives a printable form without it. */
  readonly password?: string;
  /** From `?schema=`; the store's `schema` option wins when both are given. */
  readonly schema?: string;
  /** From `?connect_timeout=` (seconds, as libpq). */
  readonly connectTimeoutMs?: number;
  /** The `pg` client configuration (host, port, database, user, password, ssl, application_name). */
  readonly clientConfig: ClientConfig;
}

const EXAMPLES = 'e.g. postgres://user:password@localhost:5432/selfprov?schema=selfprov';
const PARAMS = ['schema', 'sslmode', 'application_name', 'connect_timeout', 'host', 'port'] as const;
const CONTROL = /[\u0000-\u001f\u007f]/;

/** Checks a schema name: 1-48 characters of `[a-z0-9_]`, not starting with a digit. */
export const validateSchemaName = (value: unknown, field = 'schema'): E.Either<ValidationError, string> =>
  typeof value === 'string' && SCHEMA.test(value) && !value.startsWith('pg_')
    ? E.right(value)
    : E.left(
        validationError(
          'invalid_schema',
          field,
          `${field} must be 1-48 characters of a-z, 0-9 and _, not starting with a digit or "pg_" (e.g. ${DEFAULT_SCHEMA})`,
        ),
      );

const decode = (part: string): string | undefined => {
  try {
    return decodeURIComponent(part);
  } catch {
    return undefined;
  }
};

/**
 * Parses a store URL `postgres://[user[:password]@]host[:port][/database][?param=value&...]`
 * (`postgresql://` too). User, password and database are percent-decoded.
 *
 * Parameters: `schema` (the store's schema, default `selfprov`), `sslmode` (`disable`, `require`:
 * encrypted without certificate check, `verify-ca` / `verify-full`: encrypted and verified),
 * `application_name`, `connect_timeout` (seconds), and `host` / `port` (a Unix socket directory:
 * `postgres:///selfprov?host=/var/run/postgresql`). Anything else is refused, so a typo is not
 * silently ignored.
 *
 * @param url the store URL; `field` names it in the error (default `store`).
 * @returns the parts, or a `ValidationError` with code `invalid_store_url` whose message never
 *   repeats the URL (it may hold a password).
 */
export const parsePostgresUrl = (url: unknown, field = 'store'): E.Either<ValidationError, PostgresUrl> => {
  const fail = (why: string) => E.left(validationError('invalid_store_url', field, `${why} (${EXAMPLES})`));
  if (typeof url !== 'string') return fail('the store URL must be a string');
  if (CONTROL.test(url) || url.trim() !== url) return fail('the PostgreSQL URL must not contain spaces at its ends or control characters');
  const scheme = /^(postgres|postgresql):\/\//i.exec(url);
  if (!scheme) return fail('not a PostgreSQL store URL: it must start with "postgres://" or "postgresql://"');
  const rest = url.slice(scheme[0].length);
  const authority = rest.split(/[/?#]/)[0] ?? '';
  if (authority.includes(',')) return fail('several hosts in one URL are not supported');
  const at = authority.lastIndexOf('@');
  const hostPart = authority.slice(at + 1);
  const emptyHost = hostPart === '' || hostPart.startsWith(':');
  let parsed: URL;
  try {
    // WHATWG URL parses unknown schemes loosely; parse as http:// to get host and port checks. An empty
    // host (Unix socket given by ?host=) gets a placeholder, as http:// would otherwise swallow the path.
    const authorityForParse = emptyHost ? `${authority.slice(0, at + 1)}placeholder${hostPart}` : authority;
    parsed = new URL(`http://${authorityForParse}${rest.slice(authority.length)}`);
  } catch {
    return fail(
      'the PostgreSQL URL is malformed (check the host, the port and that special characters in the password are percent-encoded)',
    );
  }
  if (parsed.hash !== '') return fail('the PostgreSQL URL must not have a #fragment');
  const params = new Map<string, string>();
  for (const [key, value] of parsed.searchParams) {
    if (!(PARAMS as readonly string[]).includes(key)) return fail(`unknown parameter "${key}" (supported: ${PARAMS.join(', ')})`);
    if (params.has(key)) return fail(`parameter "${key}" is given twice`);
    params.set(key, value);
  }
  const user = parsed.username === '' ? undefined : decode(parsed.username);
  const password = parsed.password === '' ? undefined : decode(parsed.password);
  if (user === undefined && parsed.username !== '') return fail('the user name is not valid percent-encoding');
  if (password === undefined && parsed.password !== '') return fail('the password is not valid percent-encoding');
  const path = parsed.pathname.replace(/^\//, '');
  const database = path === '' ? undefined : decode(path);
  if (path !== '' && database === undefined) return fail('the database name is not valid percent-encoding');
  if (database?.includes('/')) return fail('the database name must not contain "/"');

  // http:// drops a default port of 80: read the port from the authority itself.
  const portText = /:(\d*)$/.exec(hostPart.startsWith('[') ? hostPart.slice(hostPart.indexOf(']') + 1) : hostPart)?.[1];
  let host = emptyHost ? '' : parsed.hostname.replace(/^\[(.*)\]$/, '$1');
  const hostParam = params.get('host');
  if (hostParam !== undefined) {
    if (host !== '') return fail('give the host either in the URL or as ?host=, not both');
    if (hostParam === '') return fail('the host parameter is empty');
    host = hostParam;
  }
  if (host === '') return fail('the PostgreSQL URL has no host');
  const urlPort = portText === '' ? undefined : portText;
  if (params.has('port') && urlPort !== undefined) return fail('give the port either in the URL or as ?port=, not both');
  const portValue = params.get('port') ?? urlPort;
  const port = portValue === undefined ? 5432 : Number(portValue);
  if (!/^\d{1,5}$/.test(portValue ?? '5432') || port < 1 || port > 65535) return fail('the port must be a number from 1 to 65535');

  const schemaParam = params.get('schema');
  if (schemaParam !== undefined && E.isLeft(validateSchemaName(schemaParam)))
    return fail('the schema parameter must be 1-48 characters of a-z, 0-9 and _, not starting with a digit');

  let connectTimeoutMs: number | undefined;
  const timeout = params.get('connect_timeout');
  if (timeout !== undefined) {
    if (!/^\d{1,6}$/.test(timeout) || Number(timeout) < 1) return fail('connect_timeout must be a whole number of seconds >= 1');
    connectTimeoutMs = Number(timeout) * 1000;
  }

  let ssl: ClientConfig['ssl'];
  const sslmode = params.get('sslmode');
  switch (sslmode) {
    case undefined:
    case 'disable':
      ssl = undefined;
      break;
    case 'require':
      ssl = { rejectUnauthorized: false };
      break;
    case 'verify-ca':
    case 'verify-full':
      ssl = true;
      break;
    default:
      return fail('sslmode must be disable, require, verify-ca or verify-full');
  }

  const applicationName = params.get('application_name');
  const clientConfig: ClientConfig = {
    host,
    port,
    ...(database === undefined ? {} : { database }),
    ...(user === undefined ? {} : { user }),
    ...(password === undefined ? {} : { password }),
    ...(ssl === undefined ? {} : { ssl }),
    ...(applicationName === undefined ? {} : { application_name: applicationName }),
  };
  return E.right({
    host,
    port,
    clientConfig,
    ...(database === undefined ? {} : { database }),
    ...(user === undefined ? {} : { user }),
    ...(password === undefined ? {} : { password }),
    ...(schemaParam === undefined ? {} : { schema: schemaParam }),
    ...(connectTimeoutMs === undefined ? {} : { connectTimeoutMs }),
  });
};

/** `host:port/database` of a client configuration: printable, never the password. */
export const describePostgresTarget = (config: ClientConfig): string => {
  if (config.connectionString !== undefined) {
    const parsed = parsePostgresUrl(config.connectionString);
    if (E.isRight(parsed)) return describePostgresTarget(parsed.right.clientConfig);
    return 'PostgreSQL';
  }
  const host = config.host ?? 'localhost';
  return `${host.includes(':') ? `[${host}]` : host}:${config.port ?? 5432}${config.database ? `/${config.database}` : ''}`;
};
