import * as E from 'fp-ts/lib/Either.js';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { describePostgresTarget, parsePostgresUrl } from './url.js';

const ok = (url: string) => {
  const r = parsePostgresUrl(url);
  if (E.isLeft(r)) assert.unreachable(`${url}: ${r.left.message}`);
  return (r as E.Right<Exclude<ReturnType<typeof parsePostgresUrl>, E.Left<unknown>>['right']>).right;
};
const bad = (url: unknown) => {
  const r = parsePostgresUrl(url);
  if (E.isRight(r)) assert.unreachable(`${String(url)} should be refused`);
  return (r as E.Left<{ code: string; field?: string; message: string }>).left;
};

test('a full URL: user, percent-encoded password, host, port, database, schema', () => {
  const u = ok('postgres://app:p%40ss%3Aw0rd@db.example.com:6543/selfprov?schema=tenant_a');
  assert.equal(
    { host: u.host, port: u.port, database: u.database, user: u.user, password: u.password, schema: u.schema },
    { host: 'db.example.com', port: 6543, database: 'selfprov', user: 'app', password: 'p@ss:w0rd', schema: 'tenant_a' },
  );
  assert.equal(u.clientConfig, { host: 'db.example.com', port: 6543, database: 'selfprov', user: 'app', password: 'p@ss:w0rd' });
});

test('postgresql:// works too; defaults: port 5432, no database, no user', () => {
  const u = ok('postgresql://localhost');
  assert.is(u.port, 5432);
  assert.is(u.database, undefined);
  assert.is(u.user, undefined);
  assert.is(ok('POSTGRES://localhost:80/x').port, 80);
});

test('IPv6, Unix sockets, sslmode, connect_timeout, application_name', () => {
  assert.is(ok('postgres://[::1]:5433/db').host, '::1');
  const sock = ok('postgres:///selfprov?host=/var/run/postgresql');
  assert.is(sock.host, '/var/run/postgresql');
  assert.is(sock.database, 'selfprov');
  assert.equal(ok('postgres://h/db?sslmode=require').clientConfig.ssl, { rejectUnauthorized: false });
  assert.is(ok('postgres://h/db?sslmode=verify-full').clientConfig.ssl, true);
  assert.is(ok('postgres://h/db?sslmode=disable').clientConfig.ssl, undefined);
  assert.is(ok('postgres://h/db?connect_timeout=3').connectTimeoutMs, 3000);
  assert.is(ok('postgres://h/db?application_name=ivr').clientConfig.application_name, 'ivr');
});

test('malformed URLs are refused with invalid_store_url naming the field, never echoing the password', () => {
  const cases: [unknown, RegExp][] = [
    [42, /must be a string/],
    ['mysql://h/db', /must start with "postgres:\/\/"/],
    ['sqlite:./x.db', /must start with/],
    ['postgres://h:99999/db', /malformed|port/],
    ['postgres://h:0/db', /port/],
    ['postgres://h:abc/db', /malformed|port/],
    ['postgres:///db', /no host/],
    ['postgres://h1,h2/db', /several hosts/],
    ['postgres://h/db?sslmode=sometimes', /sslmode/],
    ['postgres://h/db?schema=Bad-Name', /schema/],
    ['postgres://h/db?connect_timeout=0', /connect_timeout/],
    ['postgres://h/db?shcema=x', /unknown parameter "shcema"/],
    ['postgres://h/db?schema=a&schema=b', /twice/],
    ['postgres://h/db#frag', /fragment/],
    ['postgres://h/a/b', /must not contain "\/"/],
    ['postgres://u:%E0%A4%A@h/db', /percent-encoding/],
    [' postgres://h/db', /spaces|control/],
    ['postgres://h:5432/db?port=5433', /either in the URL or as \?port=/],
  ];
  for (const [url, why] of cases) {
    const e = bad(url);
    assert.is(e.code, 'invalid_store_url', String(url));
    assert.is(e.field, 'store');
    assert.match(e.message, why);
  }
  const secret = bad('postgres://app:hunter2@h:99999/db');
  assert.not.match(secret.message, /hunter2/);
  const field = parsePostgresUrl('nope', 'SELFPROV_STORE');
  assert.ok(E.isLeft(field) && field.left.field === 'SELFPROV_STORE');
});

test('describePostgresTarget prints host:port/database and never the password', () => {
  assert.is(describePostgresTarget({ host: 'db', port: 5432, database: 'x', password: 'pw' }), 'db:5432/x');
  assert.is(describePostgresTarget({ connectionString: 'postgres://u:pw@h:1/d' }), 'h:1/d');
  assert.is(describePostgresTarget({ host: '::1', port: 5 }), '[::1]:5');
});

test.run();
