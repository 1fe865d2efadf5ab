import { KurrentDBClient } from '@kurrent/kurrentdb-client';
import * as fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createKurrentDbEventStore, type KurrentDbUrl, parseKurrentDbUrl, redactCredentials } from './index.js';

const ok = (url: string): KurrentDbUrl => {
  const r = parseKurrentDbUrl(url);
  if (E.isLeft(r)) assert.unreachable(`${url} should parse: ${r.left.message}`);
  return (r as E.Right<KurrentDbUrl>).right;
};
const bad = (url: unknown) => {
  const r = parseKurrentDbUrl(url);
  if (E.isRight(r)) assert.unreachable(`${String(url)} should be refused`);
  return (r as E.Left<{ code: string; field: string; message: string }>).left;
};

test('kurrentdb:// with the usual development options', () => {
  const u = ok('kurrentdb://localhost:2113?tls=false');
  assert.is(u.scheme, 'kurrentdb');
  assert.is(u.discover, false);
  assert.equal(u.hosts, [{ host: 'localhost', port: 2113 }]);
  assert.is(u.tls, false);
  assert.equal(u.options, { tls: false });
  assert.is(u.hasPassword, false);
  assert.is(u.connectionString, 'kurrentdb://localhost:2113?tls=false');
});

test('the port defaults to 2113 and TLS defaults to on', () => {
  const u = ok('kurrentdb://db.example.com');
  assert.equal(u.hosts, [{ host: 'db.example.com', port: 2113 }]);
  assert.is(u.tls, true);
});

test('esdb:// and esdb+discover:// are accepted and normalised to kurrentdb for the client', () => {
  const a = ok('esdb://127.0.0.1:2113?tls=false');
  assert.is(a.scheme, 'esdb');
  assert.is(a.connectionString, 'kurrentdb://127.0.0.1:2113?tls=false');
  const b = ok('esdb+discover://cluster.example.com:2113');
  assert.is(b.scheme, 'esdb+discover');
  assert.is(b.discover, true);
  assert.is(b.connectionString, 'kurrentdb+discover://cluster.example.com:2113');
  assert.is(ok('kurrentdb+discover://cluster.example.com').connectionString, 'kurrentdb+discover://cluster.example.com');
});

test('several hosts are gossip seeds (discovery), each with its own port', () => {
  const u = ok('kurrentdb://node1:2113,node2:2114,node3?nodePreference=follower');
  assert.is(u.discover, true);
  assert.equal(
    u.hosts.map((h) => `${h.host}:${h.port}`),
    ['node1:2113', 'node2:2114', 'node3:2113'],
  );
  assert.is(u.options.nodePreference, 'follower');
});

test('credentials: kept for the client, hidden in redacted, percent-encoding honoured', () => {
  const u = ok('kurrentdb://admin:ch%3Aange%40it@localhost:2113/?tls=false');
  assert.is(u.username, 'admin');
  assert.is(u.hasPassword, true);
  assert.is(u.connectionString, 'kurrentdb://admin:ch%3Aange%40it@localhost:2113?tls=false');
  assert.is(u.redacted, 'kurrentdb://admin:***@localhost:2113?tls=false');
  assert.not.ok(JSON.stringify({ ...u, connectionString: undefined }).includes('ch:ange@it'), 'only connectionString carries the password');
});

test('option names are case- and dash-insensitive; values are typed', () => {
  const u = ok(
    'kurrentdb://h?TLS=false&tls-verify-cert=false&defaultDeadline=5000&maxDiscoverAttempts=3&keepAliveInterval=-1&connectionName=my%20app&nodePreference=readOnlyReplica',
  );
  assert.equal(u.options, {
    tls: false,
    tlsVerifyCert: false,
    defaultDeadline: 5000,
    maxDiscoverAttempts: 3,
    keepAliveInterval: -1,
    connectionName: 'my app',
    nodePreference: 'read_only_replica',
  });
});

const malformed: [string, unknown, RegExp][] = [
  ['not a string', 42, /must be a string/],
  ['empty', '', /empty/],
  ['http scheme', 'http://localhost:2113', /unsupported scheme "http"/],
  ['no scheme', 'localhost:2113', /must start with/],
  ['postgres URL', 'postgres://u:p@localhost/db', /unsupported scheme "postgres"/],
  ['no host', 'kurrentdb://', /at least one host/],
  ['no host after credentials', 'kurrentdb://a:b@', /at least one host/],
  ['empty host in list', 'kurrentdb://a,,b', /host 2 is empty/],
  ['port not a number', 'kurrentdb://localhost:21x3', /port that is not a number/],
  ['port out of range', 'kurrentdb://localhost:70000', /outside 1-65535/],
  ['port zero', 'kurrentdb://localhost:0', /outside 1-65535/],
  ['two colons', 'kurrentdb://localhost:2113:1', /"host" or "host:port"/],
  ['IPv6 literal', 'kurrentdb://[::1]:2113', /IPv6/],
  ['bad host characters', 'kurrentdb://local%host', /not a valid host/],
  ['a path', 'kurrentdb://localhost:2113/db', /path is not allowed/],
  ['whitespace', 'kurrentdb://local host', /whitespace/],
  ['fragment', 'kurrentdb://localhost#x', /fragment/],
  ['username only', 'kurrentdb://admin@localhost', /username:password@/],
  ['empty password', 'kurrentdb://admin:@localhost', /username:password@/],
  ['raw colon in password', 'kurrentdb://admin:a:b@localhost', /%3A/],
  ['bad percent-encoding', 'kurrentdb://admin:%zz@localhost', /percent-encoding/],
  ['empty query', 'kurrentdb://localhost?', /empty query/],
  ['option without value', 'kurrentdb://localhost?tls', /key=value/],
  ['unknown option', 'kurrentdb://localhost?tsl=false', /unknown option "tsl"/],
  ['bad boolean', 'kurrentdb://localhost?tls=no', /"tls" must be true or false/],
  ['bad integer', 'kurrentdb://localhost?defaultDeadline=soon', /"defaultDeadline" must be an integer >= 1/],
  ['integer below minimum', 'kurrentdb://localhost?maxDiscoverAttempts=0', /must be an integer >= 1/],
  ['bad node preference', 'kurrentdb://localhost?nodePreference=primary', /nodePreference/],
  ['duplicate option', 'kurrentdb://localhost?tls=false&TLS=true', /given twice/],
];
for (const [why, url, message] of malformed) {
  test(`malformed URL (${why}) is a typed error naming connectionString`, () => {
    const e = bad(url);
    assert.is(e.code, 'invalid_kurrentdb_url');
    assert.is(e.field, 'connectionString');
    assert.match(e.message, message);
  });
}

test('no error message ever contains the password (property)', () => {
  const secret = fc.stringMatching(/^[A-Za-z0-9]{6,20}$/).map((s) => `Pw${s}`);
  const tails = ['localhost:99999', 'localhost?tls=maybe', 'localhost/path', 'localhost?nope=1', '[::1]', 'a,,b', ''];
  fc.assert(
    fc.property(secret, fc.constantFrom(...tails), (password, tail) => {
      const r = parseKurrentDbUrl(`kurrentdb://admin:${password}@${tail}`);
      if (E.isRight(r)) return;
      assert.not.ok(r.left.message.includes(password), r.left.message);
    }),
  );
});

test('every URL accepted here is accepted by the real client (and its native bridge) too', async () => {
  for (const url of [
    'kurrentdb://localhost:2113?tls=false',
    'esdb://127.0.0.1:2113?tls=false',
    'kurrentdb+discover://cluster.example.com:2113?maxDiscoverAttempts=1',
    'kurrentdb://node1:2113,node2:2114?tls=false&nodePreference=readOnlyReplica',
    'kurrentdb://admin:ch%3Aange%40it@localhost:2113?tls=false&defaultDeadline=5000&keepAliveInterval=-1&connectionName=my%20app',
  ]) {
    const client = KurrentDBClient.connectionString(ok(url).connectionString);
    assert.ok(client.connectionName.length > 0, url);
    await client.dispose();
  }
});

test('redactCredentials hides user:password in any text', () => {
  assert.is(
    redactCredentials('failed for kurrentdb://admin:s3cret@host:2113?tls=false'),
    'failed for kurrentdb://***:***@host:2113?tls=false',
  );
  assert.is(redactCredentials('no credentials here: kurrentdb://host:2113'), 'no credentials here: kurrentdb://host:2113');
});

test('createKurrentDbEventStore refuses a malformed URL or option before connecting', () => {
  const r = createKurrentDbEventStore({ connectionString: 'kurrentdb://admin:hunter2@localhost:99999' });
  assert.ok(E.isLeft(r));
  if (E.isLeft(r)) {
    assert.is(r.left.code, 'invalid_kurrentdb_url');
    assert.not.ok(r.left.message.includes('hunter2'));
  }
  const m = createKurrentDbEventStore({ connectionString: 'kurrentdb://localhost', multiStream: 'sometimes' as never });
  assert.ok(E.isLeft(m) && m.left.code === 'invalid_store_option' && m.left.field === 'multiStream');
  const t = createKurrentDbEventStore({ connectionString: 'kurrentdb://localhost', operationTimeoutMs: 0 });
  assert.ok(E.isLeft(t) && t.left.field === 'operationTimeoutMs');
});

test.run();
