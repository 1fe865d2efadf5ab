import { AutoRegisterPhoneInput, ConfigureSelfProvisioning, CredentialPolicyUpdate, Protocol } from '@selfprov/core';
import { SetCallForwardInput, SetDoNotDisturbInput, SetSpeedDialsInput } from '@selfprov/selfcare';
import * as t from 'io-ts';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { bodyOf } from './codecs.js';
import { selfprovOpenApi, toJsonSchema } from './index.js';
import { ADMIN_TOKEN, harness, json } from './testing/harness.js';

test('io-ts combinators convert structurally', () => {
  const codec = t.exact(
    t.intersection([
      t.type({ a: t.string, b: t.array(t.number), c: t.keyof({ x: null, y: null }), d: t.literal('k') }),
      t.partial({ e: t.union([t.boolean, t.null]), f: t.record(t.string, t.string) }),
    ]),
  );
  assert.equal(toJsonSchema(codec), {
    schema: {
      type: 'object',
      properties: {
        a: { type: 'string' },
        b: { type: 'array', items: { type: 'number' } },
        c: { type: 'string', enum: ['x', 'y'] },
        d: { const: 'k' },
        e: { anyOf: [{ type: 'boolean' }, { type: 'null' }] },
        f: { type: 'object', additionalProperties: { type: 'string' } },
      },
      required: ['a', 'b', 'c', 'd'],
    },
    unresolved: [],
  });
});

test("the domain's own codecs are read from what they state: bounds, keywords, defaults, element codecs", () => {
  const auto = toJsonSchema(AutoRegisterPhoneInput).schema as { properties: Record<string, Record<string, unknown>>; required: string[] };
  assert.equal(auto.required, ['clusterId', 'mac', 'model', 'protocol']);
  assert.equal(auto.properties.protocol, toJsonSchema(Protocol).schema);
  assert.is(auto.properties.mac?.type, 'string');
  assert.match(String(auto.properties.mac?.description), /MAC address/);

  // Defaults (withDefault) are optional and carry the default.
  const settings = toJsonSchema(bodyOf('Settings', ConfigureSelfProvisioning, ['clusterId'])).schema as {
    properties: Record<string, Record<string, unknown>>;
    required: string[];
  };
  assert.equal(settings.required, ['ctiRoutePoint', 'applicationUser']);
  assert.equal(settings.properties.authentication, {
    type: 'string',
    enum: ['non-secure', 'secure-users', 'secure-users-and-admins'],
    default: 'non-secure',
  });
  assert.equal(settings.properties.languages?.default, ['en_US']);
  assert.ok(((settings.properties.languages?.items as { enum?: string[] } | undefined)?.enum ?? []).includes('fr_FR'));

  // Bounded integers.
  const policy = toJsonSchema(CredentialPolicyUpdate).schema as { properties: Record<string, Record<string, unknown>> };
  assert.equal([policy.properties.lockoutThreshold?.minimum, policy.properties.lockoutThreshold?.maximum], [0, 100]);

  // Keywords and booleans of the self-care codecs; arrays with their element codec.
  const dnd = toJsonSchema(SetDoNotDisturbInput).schema as { properties: Record<string, Record<string, unknown>> };
  assert.equal(dnd.properties.enabled, { type: 'boolean' });
  assert.equal(dnd.properties.incomingCallOption?.enum, ['ringer-off', 'call-reject', 'beep-only']);
  const dials = toJsonSchema(SetSpeedDialsInput).schema as { properties: { speedDials: { type: string; items: { required: string[] } } } };
  assert.is(dials.properties.speedDials.type, 'array');
  assert.equal(dials.properties.speedDials.items.required, ['number']);
  const forward = toJsonSchema(SetCallForwardInput).schema as { properties: { all: { anyOf: unknown[] } } };
  assert.is(forward.properties.all.anyOf.length, 3);
});

test('an unknown custom codec is reported, not guessed', () => {
  const opaque = new t.Type<string, string, unknown>(
    'Opaque',
    (u): u is string => typeof u === 'string',
    (u, c) => (typeof u === 'string' ? t.success(u) : t.failure(u, c)),
    (a) => a,
  );
  assert.equal(toJsonSchema(t.type({ x: opaque })).unresolved, ['Opaque']);
});

test('every body, parameter and answer of every route converts without an unresolved codec', async () => {
  const h = await harness();
  try {
    const { document, unresolved } = selfprovOpenApi({ backend: h.backend, adminToken: ADMIN_TOKEN });
    assert.equal(unresolved, []);
    const served = json(await h.server.inject({ method: 'GET', url: '/openapi.json' }));
    assert.equal(served, JSON.parse(JSON.stringify(document)), 'the served document is the generated one');
    const ops = Object.values((document as { paths: Record<string, Record<string, { requestBody?: unknown }>> }).paths).flatMap((o) =>
      Object.values(o),
    );
    assert.ok(ops.filter((o) => o.requestBody !== undefined).length > 50);
  } finally {
    await h.close();
  }
});

test.run();
