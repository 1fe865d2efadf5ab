// Random and malformed requests to every route of the OpenAPI document, with the
// credentials each route needs (so they reach validation): never a 5xx, always
// the error shape, and nothing appended to the log for a refused request (a
// refused login or password check records only its audit event, by design).
// FUZZ_RUNS (default 1000) sets the requests per route.
import fc from 'fast-check';
import type { InjectOptions } from 'fastify';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { admin, eventsAfter, harness, json, logHead, login, PINS, provisionPhone } from './testing/harness.js';

const RUNS = Number(process.env.FUZZ_RUNS ?? 1000);
const h = await harness({ simulatedIvr: true });
const aliceDevice = await provisionPhone(h.server, '001122334455', '2001', PINS.alice as string);
let alice = await login(h.server, 'alice');

type Operation = { method: string; path: string; operationId: string; security: string[]; properties: string[] };
const doc = json<{
  paths: Record<
    string,
    Record<
      string,
      {
        operationId: string;
        security?: Record<string, unknown>[];
        requestBody?: { content: { 'application/json': { schema: { properties?: Record<string, unknown> } } } };
      }
    >
  >;
}>(await h.server.inject({ method: 'GET', url: '/openapi.json' }));
const operations: Operation[] = Object.entries(doc.paths)
  .flatMap(([path, ops]) =>
    Object.entries(ops).map(([method, op]) => ({
      method: method.toUpperCase(),
      path,
      operationId: op.operationId,
      security: (op.security ?? []).flatMap((s) => Object.keys(s)),
      properties: Object.keys(op.requestBody?.content['application/json'].schema.properties ?? {}),
    })),
  )
  // Logout ends the session the other routes use: last.
  .sort((a, b) => Number(a.operationId === 'selfCareLogout') - Number(b.operationId === 'selfCareLogout'));

/** Events a refused request may still record: the audit of a failed credential check. */
const AUDIT = new Set(['LoginFailed', 'CredentialVerificationFailed', 'CredentialVerificationRefused', 'CredentialLockedOut']);

const plausible: Record<string, string> = {
  deviceName: aliceDevice,
  lineIndex: '1',
  position: '1',
  // Admin routes act on dave: a fuzzed admin request may reset a password or take a role, and alice's session must last.
  userId: 'dave',
  clusterId: 'cluster-1',
  name: 'Standard',
  node: 'cucm-pub.example.com',
  service: 'ctiManager',
  device: 'SelfProvIVR',
  kind: 'pin',
  domain: 'Default',
  page: 'phone',
  callId: 'no-such-call',
  id: 'no-such-id',
  file: 'portal.js',
};

const hostile = fc.constantFrom(
  '',
  ' ',
  '..',
  '../..',
  '%',
  '\u0000',
  '💥',
  'a'.repeat(300),
  'b'.repeat(120),
  '-1',
  '1e9',
  'NaN',
  '__proto__',
  'constructor',
  'SEP000000000000',
);
const paramValue = (name: string) =>
  fc.oneof(fc.constant(plausible[name] ?? 'x'), fc.string({ maxLength: 60 }), fc.string({ unit: 'binary', maxLength: 20 }), hostile);

const value = fc.jsonValue({ maxDepth: 3 });
const bodyArb = (properties: string[]) =>
  fc.oneof(
    // any JSON at all
    fc.record({ kind: fc.constant('json' as const), value }),
    // an object with the route's own field names (and some dangerous ones) holding wrong values
    fc.record({
      kind: fc.constant('json' as const),
      value: fc.dictionary(fc.constantFrom(...properties, 'type', 'userId', 'deviceName', '__proto__', 'constructor', 'prototype'), value, {
        maxKeys: 8,
      }),
    }),
    // broken JSON, other media types
    fc.record({
      kind: fc.constant('raw' as const),
      text: fc.oneof(
        fc.string({ maxLength: 200 }),
        fc.constantFrom('{', '[1,', 'nul', '{"a":1}}', '\u0000', '{"__proto__":{"x":1}}', '{"constructor":{"prototype":{"x":1}}}'),
      ),
      contentType: fc.constantFrom(
        'application/json',
        'text/plain',
        'application/x-www-form-urlencoded',
        'multipart/form-data; boundary=x',
        'application/xml',
        'application/json; charset=latin1',
      ),
    }),
    fc.constant({ kind: 'none' as const }),
  );

type Body = { kind: 'json'; value: unknown } | { kind: 'raw'; text: string; contentType: string } | { kind: 'none' };

const request = (op: Operation, params: Record<string, string>, body: Body): InjectOptions => {
  const url = op.path.replace(/\{([^}]+)\}/g, (_, p: string) => encodeURIComponent(params[p] ?? ''));
  const headers: Record<string, string> = {
    ...(op.security.includes('adminToken') ? admin : {}),
    ...(op.security.includes('sessionCookie') ? alice.headers : {}),
  };
  const base: InjectOptions = { method: op.method as 'POST', url, headers };
  if (op.method === 'GET' || body.kind === 'none') return base;
  if (body.kind === 'json')
    return { ...base, headers: { ...headers, 'content-type': 'application/json' }, payload: JSON.stringify(body.value) ?? 'null' };
  return { ...base, headers: { ...headers, 'content-type': body.contentType }, payload: body.text };
};

for (const op of operations) {
  test(`fuzz ${op.method} ${op.path} (${op.operationId})`, async () => {
    const names = [...op.path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1] as string);
    const paramsArb = fc.record(Object.fromEntries(names.map((n) => [n, paramValue(n)])) as Record<string, fc.Arbitrary<string>>);
    let refused = 0;
    await fc.assert(
      fc.asyncProperty(paramsArb, bodyArb(op.properties), async (params, body) => {
        const head = await logHead(h.backend);
        const r = await h.server.inject(request(op, params, body));
        if (r.statusCode >= 500) throw new Error(`${r.statusCode}: ${r.body}`);
        if (r.statusCode >= 400) {
          refused++;
          const e = json<{ code: unknown; message: unknown; details: unknown }>(r);
          if (typeof e.code !== 'string' || typeof e.message !== 'string' || typeof e.details !== 'object')
            throw new Error(`error shape: ${r.body}`);
          const appended = await eventsAfter(h.backend, head);
          const unexpected = appended.filter((ev) => !(AUDIT.has(ev.type) && r.statusCode !== 400));
          if (unexpected.length > 0) throw new Error(`${r.statusCode} ${e.code} appended ${unexpected.map((ev) => ev.type).join(', ')}`);
        }
        // A session closed by a fuzzed logout (or a password change) is replaced, so later runs still reach validation.
        if (r.statusCode === 401 && op.security.includes('sessionCookie') && json<{ code: string }>(r).code !== 'unauthorized')
          alice = await login(h.server, 'alice');
      }),
      { numRuns: RUNS, includeErrorInReport: true },
    );
    if (op.properties.length > 0 || names.length > 0) assert.ok(refused > 0, 'random input is refused');
  });
}

test('the server still serves after the fuzzing', async () => {
  assert.equal(json(await h.server.inject({ method: 'GET', url: '/healthz' })), { status: 'ok' });
  await h.close();
});

test.run();
