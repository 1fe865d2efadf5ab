import { demoSecrets } from '@selfprov/app';
import Fastify from 'fastify';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CSRF_HEADER, SESSION_COOKIE, selfprovHttp } from './index.js';
import { ADMIN_TOKEN, admin, eventsAfter, type Harness, harness, json, logHead, login, PINS, provisionPhone } from './testing/harness.js';

type ErrorBody = { code: string; message: string; details: Record<string, unknown> };
type Turn = {
  callId: string;
  prompts: { id: string; text: string }[];
  awaiting: { kind: string; secret: boolean; maxDigits: number };
  ended: boolean;
  state: string;
};

/** A new phone auto-registers (201); answers its device name. */
const autoRegister = async (h: Harness, mac: string): Promise<string> => {
  const r = await h.server.inject({
    method: 'POST',
    url: '/api/devices/autoregister',
    payload: { mac, model: 'Cisco 8845', protocol: 'SIP' },
  });
  assert.is(r.statusCode, 201, r.body);
  return json<{ deviceName: string }>(r).deviceName;
};

/** The phone dials the IVR through the webhook (201); `keys` sends DTMF and expects 200. */
const dialIvr = async (h: Harness, device: string) => {
  const call = await h.server.inject({ method: 'POST', url: '/api/ivr/calls', payload: { device, dialled: '8000' } });
  assert.is(call.statusCode, 201, call.body);
  const first = json<Turn>(call);
  const keys = async (digits: string): Promise<Turn> => {
    const r = await h.server.inject({ method: 'POST', url: `/api/ivr/calls/${first.callId}/dtmf`, payload: { digits } });
    assert.is(r.statusCode, 200, r.body);
    return json<Turn>(r);
  };
  return { first, keys };
};

const ids = (turn: Turn) => turn.prompts.map((p) => p.id);

test('GET /healthz answers ok; GET /openapi.json describes every registered route', async () => {
  const h = await harness();
  try {
    const health = await h.server.inject({ method: 'GET', url: '/healthz' });
    assert.is(health.statusCode, 200);
    assert.equal(json(health), { status: 'ok' });

    // Every route Fastify registers (HEAD twins aside) is an operation of the document.
    const registered: string[] = [];
    const probe = Fastify();
    probe.addHook('onRoute', (r) => {
      for (const m of [r.method].flat()) if (m !== 'HEAD') registered.push(`${m} ${r.url}`);
    });
    await probe.register(selfprovHttp, { backend: h.backend, adminToken: ADMIN_TOKEN });
    await probe.ready();
    const doc = json<{
      openapi: string;
      paths: Record<string, Record<string, { operationId: string; responses: Record<string, unknown> }>>;
    }>(await h.server.inject({ method: 'GET', url: '/openapi.json' }));
    assert.is(doc.openapi, '3.1.0');
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${path.replace(/\{([^}]+)\}/g, ':$1')}`),
    );
    assert.equal([...documented].sort(), [...new Set(registered)].sort());
    assert.ok(documented.length > 80, `only ${documented.length} operations`);
    // Fixed points are there.
    for (const op of [
      'GET /healthz',
      'GET /openapi.json',
      'GET /',
      'POST /api/devices/autoregister',
      'POST /api/ivr/calls',
      'POST /api/ivr/calls/:callId/dtmf',
      'GET /api/admin/phones/:deviceName',
    ])
      assert.ok(documented.includes(op), op);
    const ids = Object.values(doc.paths).flatMap((ops) => Object.values(ops).map((o) => o.operationId));
    assert.is(new Set(ids).size, ids.length, 'operation ids are unique');
    await probe.close();
  } finally {
    await h.close();
  }
});

test('device auto-registration: 201 with the lowest free DN; a MAC registers once; bad input names the field', async () => {
  const h = await harness();
  try {
    const first = await h.server.inject({
      method: 'POST',
      url: '/api/devices/autoregister',
      payload: { mac: '00:11:22:aa:bb:cc', model: 'Cisco 8845', protocol: 'SIP' },
    });
    assert.is(first.statusCode, 201);
    assert.equal(json(first), { deviceName: 'SEP001122AABBCC', directoryNumber: '1000', clusterId: 'cluster-1' });
    const second = await h.server.inject({
      method: 'POST',
      url: '/api/devices/autoregister',
      payload: { mac: '0A0B0C0D0E0F', model: 'Cisco 7841', protocol: 'SCCP' },
    });
    assert.is(json<{ directoryNumber: string }>(second).directoryNumber, '1001');

    const head = await logHead(h.backend);
    const again = await h.server.inject({
      method: 'POST',
      url: '/api/devices/autoregister',
      payload: { mac: '001122AABBCC', model: 'Cisco 8845', protocol: 'SIP' },
    });
    assert.is(again.statusCode, 409);
    assert.is(json<ErrorBody>(again).code, 'mac_already_registered');
    assert.is(json<ErrorBody>(again).details.deviceName, 'SEP001122AABBCC');

    const bad = await h.server.inject({
      method: 'POST',
      url: '/api/devices/autoregister',
      payload: { mac: 'ff:ff:ff:ff:ff:ff', model: 'x', protocol: 'SIP' },
    });
    assert.is(bad.statusCode, 400);
    assert.equal(Object.keys(json(bad)).sort(), ['code', 'details', 'message']);
    assert.is(json<ErrorBody>(bad).details.field, 'mac');
    const proto = await h.server.inject({
      method: 'POST',
      url: '/api/devices/autoregister',
      payload: { mac: '0A0B0C0D0E01', model: 'x', protocol: 'H323' },
    });
    assert.is(json<ErrorBody>(proto).details.field, 'protocol');
    assert.is(await logHead(h.backend), head, 'nothing appended for refused requests');
  } finally {
    await h.close();
  }
});

test('an Idempotency-Key makes a retried auto-registration answer the first result', async () => {
  const h = await harness();
  try {
    const send = () =>
      h.server.inject({
        method: 'POST',
        url: '/api/devices/autoregister',
        headers: { 'idempotency-key': 'boot-42' },
        payload: { mac: '001122334466', model: 'Cisco 8845', protocol: 'SIP' },
      });
    const a = await send();
    const head = await logHead(h.backend);
    const b = await send();
    assert.is(a.statusCode, 201);
    assert.is(b.statusCode, 201);
    assert.equal(json(b), json(a));
    assert.is(await logHead(h.backend), head);
    const wrong = await h.server.inject({
      method: 'POST',
      url: '/api/devices/autoregister',
      headers: { 'idempotency-key': 'no spaces allowed' },
      payload: { mac: '001122334467', model: 'Cisco 8845', protocol: 'SIP' },
    });
    assert.is(wrong.statusCode, 400);
    assert.is(json<ErrorBody>(wrong).details.field, 'Idempotency-Key');
  } finally {
    await h.close();
  }
});

test('the IVR webhook provisions a phone; GET /api/admin/phones/:deviceName shows owner, state, lines and templates', async () => {
  // IVR timers on simulated time: a slow machine cannot make a no-input timeout fire between two requests.
  const h = await harness({ simulatedIvr: true });
  try {
    const deviceName = await autoRegister(h, '001122334455');
    const auto = json<{ state: string; owner: unknown; lines: unknown }>(
      await h.server.inject({ method: 'GET', url: `/api/admin/phones/${deviceName}`, headers: admin }),
    );
    assert.equal(
      [auto.state, auto.owner, auto.lines],
      ['autoregistered', null, [{ index: 1, directoryNumber: '1000', lineTemplate: 'Standard Line' }]],
    );

    const { first: turn, keys } = await dialIvr(h, deviceName);
    assert.equal(ids(turn), ['welcome', 'language-option', 'language-option']);
    assert.is(turn.awaiting.kind, 'menu');
    assert.equal(ids(await keys('1')), ['main-menu']);
    assert.equal(ids(await keys('1')), ['enter-self-provisioning-id']);
    assert.equal(ids(await keys('2001#')), ['confirm-self-provisioning-id']);
    const pinPrompt = await keys('1');
    assert.equal(ids(pinPrompt), ['enter-pin-or-authentication-code']);
    assert.equal(pinPrompt.awaiting, { kind: 'digits', secret: true, maxDigits: 32 }, 'the PIN entry is secret');
    const done = await keys(`${PINS.alice}#`);
    assert.equal(ids(done), ['please-wait', 'phone-provisioned', 'goodbye']);
    assert.is(done.prompts[1]?.text, 'Your phone is now provisioned with extension 2001. It will restart.');
    assert.equal([done.ended, done.awaiting.kind], [true, 'none']);

    const phone = json(await h.server.inject({ method: 'GET', url: `/api/admin/phones/${deviceName}`, headers: admin }));
    assert.equal(phone, {
      deviceName,
      mac: '001122334455',
      model: 'Cisco 8845',
      protocol: 'SIP',
      clusterId: 'cluster-1',
      owner: 'alice',
      state: 'provisioned',
      registered: true,
      lines: [{ index: 1, directoryNumber: '2001', lineTemplate: 'Standard Line' }],
      templates: { device: 'Standard Desk Phone', lines: ['Standard Line'] },
    });
    // The PIN never reaches the log.
    const all = await eventsAfter(h.backend, 0);
    assert.not.ok(JSON.stringify(all).includes(PINS.alice as string));

    // The driver forgets an ended call; a later request rebuilds it from its events, finds it over: 409 call_ended.
    const head = await logHead(h.backend);
    const ended = await h.server.inject({ method: 'POST', url: `/api/ivr/calls/${turn.callId}/dtmf`, payload: { digits: '1' } });
    assert.is(ended.statusCode, 409, ended.body);
    assert.equal(json<ErrorBody>(ended), {
      code: 'call_ended',
      message: 'this IVR call has ended',
      details: { field: 'callId', callId: turn.callId },
    });
    assert.is(await logHead(h.backend), head, 'keys after the end are not recorded');
    const unknown = await h.server.inject({ method: 'POST', url: '/api/ivr/calls/no-such-call/dtmf', payload: { digits: '1' } });
    assert.is(unknown.statusCode, 404);
    assert.is(json<ErrorBody>(unknown).code, 'unknown_call');
    const badKeys = await h.server.inject({ method: 'POST', url: `/api/ivr/calls/${turn.callId}/dtmf`, payload: { digits: '12a' } });
    assert.is(badKeys.statusCode, 400);
    assert.is(json<ErrorBody>(badKeys).details.field, 'digits');
    const missing = await h.server.inject({ method: 'GET', url: '/api/admin/phones/SEP0000000000AA', headers: admin });
    assert.is(missing.statusCode, 404);
    assert.is(json<ErrorBody>(missing).code, 'phone_not_found');
  } finally {
    await h.close();
  }
});

test('the IVR webhook requires the IVR token when one is configured', async () => {
  const h = await harness({ server: { ivrToken: 'ivr-token-0123456789' } });
  try {
    const open = await h.server.inject({ method: 'POST', url: '/api/ivr/calls', payload: { device: 'SEP001122334455' } });
    assert.is(open.statusCode, 401);
    assert.is(json<ErrorBody>(open).code, 'unauthorized');
    const ok = await h.server.inject({
      method: 'POST',
      url: '/api/ivr/calls',
      headers: { authorization: 'Bearer ivr-token-0123456789' },
      payload: { device: 'SEP001122334455' },
    });
    assert.is(ok.statusCode, 201);
  } finally {
    await h.close();
  }
});

test('admin API: bearer token required; the six-step configuration through HTTP; refusals are 409/404 with codes', async () => {
  const h = await harness();
  try {
    for (const headers of [{}, { authorization: 'Bearer wrong-token-wrong-token' }, { authorization: ADMIN_TOKEN }]) {
      const r = await h.server.inject({ method: 'GET', url: '/api/admin/clusters', headers });
      assert.is(r.statusCode, 401);
      assert.is(json<ErrorBody>(r).code, 'unauthorized');
      assert.ok(String(r.headers['www-authenticate']).startsWith('Bearer'));
    }
    const put = (url: string, payload: unknown, method: 'POST' | 'PUT' | 'PATCH' = 'PUT') =>
      h.server.inject({ method, url, headers: admin, payload: payload as object });
    const c = '/api/admin/clusters/lab';
    assert.is(
      (await put('/api/admin/clusters', { clusterId: 'lab', name: 'Lab', publisher: 'lab-pub.example.com' }, 'POST')).statusCode,
      201,
    );
    const dup = await put('/api/admin/clusters', { clusterId: 'lab', name: 'Lab', publisher: 'lab-pub.example.com' }, 'POST');
    assert.is(dup.statusCode, 409);

    const report = json<{ ready: boolean; items: { step: number; code: string }[] }>(
      await h.server.inject({ method: 'GET', url: `${c}/readiness`, headers: admin }),
    );
    assert.not.ok(report.ready);
    assert.ok(report.items.some((i) => i.step === 1));

    assert.is((await put(`${c}/nodes/lab-pub.example.com/services/selfProvisioningIvr`, { active: true })).statusCode, 200);
    assert.is((await put(`${c}/nodes/lab-pub.example.com/services/ctiManager`, { active: true })).statusCode, 200);
    const noRange = await put(`${c}/auto-registration/enabled`, { enabled: true });
    assert.is(noRange.statusCode, 409);
    assert.is(json<ErrorBody>(noRange).code, 'autoregistration_range_required');
    const range = await put(`${c}/auto-registration`, { startDn: '3000', endDn: '2999' });
    assert.is(range.statusCode, 400);
    assert.is((await put('/api/admin/line-templates', { name: 'Lab Line', clusterId: 'lab' }, 'POST')).statusCode, 201);
    assert.is(
      (
        await put(
          '/api/admin/device-templates',
          {
            name: 'Lab Phone',
            clusterId: 'lab',
            deviceDescription: '#FirstName# #LastName# (#Product#)',
            devicePool: 'Default',
            deviceSecurityProfile: 'Standard',
            sipProfile: 'Standard SIP Profile',
            phoneButtonTemplate: 'Standard 8845 SIP',
          },
          'POST',
        )
      ).statusCode,
      201,
    );
    assert.is(
      (await put(`${c}/auto-registration`, { startDn: '3000', endDn: '3009', deviceTemplate: 'Lab Phone', lineTemplate: 'Lab Line' }))
        .statusCode,
      200,
    );
    assert.is((await put(`${c}/auto-registration/enabled`, { enabled: true })).statusCode, 200);
    const foreign = await put('/api/admin/route-points', { name: 'LabIVR', clusterId: 'nowhere', devicePool: 'Default' }, 'POST');
    assert.is(foreign.statusCode, 409, 'a missing referenced cluster is a refusal, not a missing URL resource');
    assert.is(json<ErrorBody>(foreign).code, 'cluster_not_found');
    assert.is((await put('/api/admin/route-points', { name: 'LabIVR', clusterId: 'lab', devicePool: 'Default' }, 'POST')).statusCode, 201);
    assert.is((await put('/api/admin/route-points/LabIVR/line1', { dn: '8100' })).statusCode, 200);
    assert.is((await put('/api/admin/application-users', { userId: 'lab-ivr', clusterId: 'lab' }, 'POST')).statusCode, 201);
    assert.is((await put('/api/admin/application-users/lab-ivr/controlled-devices/LabIVR', {})).statusCode, 200);
    assert.is(
      (
        await put(`${c}/self-provisioning`, {
          authentication: 'secure-users',
          languages: ['en_US'],
          ctiRoutePoint: 'LabIVR',
          applicationUser: 'lab-ivr',
        })
      ).statusCode,
      200,
    );
    const restart = await put(`${c}/ivr-restart`, {}, 'POST');
    assert.is(restart.statusCode, 200);
    const ready = json<{ ready: boolean; items: unknown[] }>(
      await h.server.inject({ method: 'GET', url: `${c}/readiness`, headers: admin }),
    );
    assert.equal(ready.items, []);
    assert.ok(ready.ready);

    // Two clusters now: a device must say which one.
    const which = await h.server.inject({
      method: 'POST',
      url: '/api/devices/autoregister',
      payload: { mac: '001122330000', model: 'Cisco 8845', protocol: 'SIP' },
    });
    assert.is(which.statusCode, 409);
    assert.is(json<ErrorBody>(which).code, 'cluster_ambiguous');
    const lab = await h.server.inject({
      method: 'POST',
      url: '/api/devices/autoregister',
      payload: { mac: '001122330000', model: 'Cisco 8845', protocol: 'SIP', clusterId: 'lab' },
    });
    assert.equal(json(lab), { deviceName: 'SEP001122330000', directoryNumber: '3000', clusterId: 'lab' });

    // Credential policy, a user, its PIN (never echoed), its readiness.
    assert.is((await put(`${c}/credential-policy`, { minLength: 6 }, 'PATCH')).statusCode, 200);
    const cluster = json<{ credentialPolicy: { minLength: number } }>(await h.server.inject({ method: 'GET', url: c, headers: admin }));
    assert.is(cluster.credentialPolicy.minLength, 6);
    const badPolicy = await put(`${c}/credential-policy`, { minLength: 0 }, 'PATCH');
    assert.is(json<ErrorBody>(badPolicy).details.field, 'minLength');
    assert.is(
      (
        await put(
          '/api/admin/users',
          { userId: 'erin', clusterId: 'lab', personal: { firstName: 'Erin', lastName: 'Example' }, primaryExtension: '2100' },
          'POST',
        )
      ).statusCode,
      201,
    );
    const pin = await put('/api/admin/users/erin/pin', { pin: '80442917' });
    assert.is(pin.statusCode, 204);
    assert.is(pin.body, '');
    const trivial = await put('/api/admin/users/erin/pin', { pin: '11111111' });
    assert.is(trivial.statusCode, 400);
    assert.not.ok(trivial.body.includes('11111111'), 'a refused PIN is never echoed');
    assert.is((await put('/api/admin/users/nobody/pin', { pin: '80442917' })).statusCode, 404);
    const userReady = json<{ items: { code: string }[] }>(
      await h.server.inject({ method: 'GET', url: '/api/admin/users/erin/readiness', headers: admin }),
    );
    assert.ok(userReady.items.some((i) => i.code === 'user_has_no_user_profile'));
    const code = await put(`${c}/authentication-code`, { code: '9317' });
    assert.is(code.statusCode, 204);
    const log = JSON.stringify(await eventsAfter(h.backend, 0));
    assert.not.ok(log.includes('80442917'));
    assert.not.ok(log.includes('"9317"'));
    assert.ok(log.includes('AuthenticationCodeChanged'));
  } finally {
    await h.close();
  }
});

test('self-care login: HttpOnly SameSite=Strict cookie (Secure over https), CSRF token required, logout ends the session', async () => {
  const h = await harness();
  try {
    const wrong = await h.server.inject({ method: 'POST', url: '/api/selfcare/login', payload: { userId: 'alice', password: 'nope' } });
    assert.is(wrong.statusCode, 401);
    assert.is(json<ErrorBody>(wrong).code, 'invalid_credentials');
    assert.is(wrong.cookies.length, 0);
    const unknown = await h.server.inject({ method: 'POST', url: '/api/selfcare/login', payload: { userId: 'mallory', password: 'nope' } });
    assert.equal(json(unknown), json(wrong), 'an unknown user answers exactly like a wrong password');

    const r = await h.server.inject({
      method: 'POST',
      url: '/api/selfcare/login',
      payload: { userId: 'bob', password: demoSecrets.selfCarePassword },
    });
    assert.is(r.statusCode, 200);
    const setCookie = String(r.headers['set-cookie']);
    assert.match(setCookie, /HttpOnly/);
    assert.match(setCookie, /SameSite=Strict/);
    assert.not.match(setCookie, /Secure/, 'plain http: no Secure flag (documented exception)');
    const body = json<{ csrfToken: string; userId: string }>(r);
    assert.is(body.userId, 'bob');
    assert.not.ok(r.body.includes(r.cookies[0]?.value ?? '--'), 'the session token is never in a body');

    const https = await h.server.inject({
      method: 'POST',
      url: '/api/selfcare/login',
      payload: { userId: 'bob', password: demoSecrets.selfCarePassword },
      remoteAddress: '127.0.0.1',
      headers: { 'x-forwarded-proto': 'https' },
    });
    assert.not.match(String(https.headers['set-cookie']), /Secure/, 'X-Forwarded-Proto is ignored without trustProxy');

    const bob = await login(h.server, 'bob');
    const session = await h.server.inject({ method: 'GET', url: '/api/selfcare/session', headers: { cookie: bob.cookie } });
    assert.equal(json(session), { userId: 'bob', csrfToken: bob.csrf });

    const alice = await login(h.server, 'alice');
    const head = await logHead(h.backend);
    const noCsrf = await h.server.inject({
      method: 'PUT',
      url: '/api/selfcare/user/email',
      headers: { cookie: bob.cookie },
      payload: { email: 'b@example.com' },
    });
    assert.is(noCsrf.statusCode, 403);
    assert.is(json<ErrorBody>(noCsrf).code, 'csrf_token_invalid');
    const otherCsrf = await h.server.inject({
      method: 'PUT',
      url: '/api/selfcare/user/email',
      headers: { cookie: bob.cookie, [CSRF_HEADER]: alice.csrf },
      payload: { email: 'b@example.com' },
    });
    assert.is(otherCsrf.statusCode, 403, "another session's CSRF token does not fit");
    const crossSite = await h.server.inject({
      method: 'PUT',
      url: '/api/selfcare/user/email',
      headers: { ...bob.headers, origin: 'https://evil.example' },
      payload: { email: 'b@example.com' },
    });
    assert.is(crossSite.statusCode, 403);
    assert.is(json<ErrorBody>(crossSite).code, 'cross_origin_request');
    const form = await h.server.inject({
      method: 'PUT',
      url: '/api/selfcare/user/email',
      headers: { ...bob.headers, 'content-type': 'text/plain' },
      payload: '{"email":"b@example.com"}',
    });
    assert.is(form.statusCode, 415);
    assert.is(await logHead(h.backend), head, 'nothing recorded for the refused requests');

    const ok = await h.server.inject({
      method: 'PUT',
      url: '/api/selfcare/user/email',
      headers: bob.headers,
      payload: { email: 'bob@work.example' },
    });
    assert.is(ok.statusCode, 200);
    assert.ok(json<{ changed: boolean }>(ok).changed);
    const user = json<{ personal: { email: string } }>(
      await h.server.inject({ method: 'GET', url: '/api/selfcare/user', headers: { cookie: bob.cookie } }),
    );
    assert.is(user.personal.email, 'bob@work.example');

    const out = await h.server.inject({ method: 'POST', url: '/api/selfcare/logout', headers: bob.headers });
    assert.is(out.statusCode, 204);
    assert.match(String(out.headers['set-cookie']), new RegExp(`${SESSION_COOKIE}=;`));
    const after = await h.server.inject({ method: 'GET', url: '/api/selfcare/carousel', headers: { cookie: bob.cookie } });
    assert.is(after.statusCode, 401);
    assert.is(json<ErrorBody>(after).code, 'not_authenticated');
  } finally {
    await h.close();
  }
});

test('Secure cookies over https (trustProxy and X-Forwarded-Proto) and when forced', async () => {
  const proxied = await harness({ server: { trustProxy: true } });
  const forced = await harness({ server: { secureCookies: true } });
  try {
    const viaProxy = await proxied.server.inject({
      method: 'POST',
      url: '/api/selfcare/login',
      payload: { userId: 'bob', password: demoSecrets.selfCarePassword },
      headers: { 'x-forwarded-proto': 'https' },
    });
    assert.match(String(viaProxy.headers['set-cookie']), /; Secure/);
    const always = await forced.server.inject({
      method: 'POST',
      url: '/api/selfcare/login',
      payload: { userId: 'bob', password: demoSecrets.selfCarePassword },
    });
    assert.match(String(always.headers['set-cookie']), /; Secure/);
  } finally {
    await proxied.close();
    await forced.close();
  }
});

test('self-care settings through HTTP: call forward and speed dials change and read back; a hidden feature is refused', async () => {
  const h = await harness({ simulatedIvr: true });
  try {
    const device = await provisionPhone(h.server, '001122334455', '2001', PINS.alice as string);
    const alice = await login(h.server, 'alice');
    const fwd = await h.server.inject({
      method: 'PUT',
      url: `/api/selfcare/phones/${device}/lines/1/call-forward`,
      headers: alice.headers,
      payload: { all: { to: 'number', number: '5551234' }, busy: { internal: { to: 'voicemail' } } },
    });
    assert.is(fwd.statusCode, 200, fwd.body);
    const dials = await h.server.inject({
      method: 'PUT',
      url: `/api/selfcare/phones/${device}/speed-dials`,
      headers: alice.headers,
      payload: { speedDials: [{ number: '5550100,,42#', label: 'Bank' }] },
    });
    assert.is(dials.statusCode, 200, dials.body);
    const loop = await h.server.inject({
      method: 'PUT',
      url: `/api/selfcare/phones/${device}/lines/1/call-forward`,
      headers: alice.headers,
      payload: { all: { to: 'number', number: '2001' } },
    });
    assert.is(loop.statusCode, 409);
    assert.is(json<ErrorBody>(loop).code, 'forward_loop');
    const noLine = await h.server.inject({
      method: 'PUT',
      url: `/api/selfcare/phones/${device}/lines/7/caller-id`,
      headers: alice.headers,
      payload: { presentation: 'restricted' },
    });
    assert.is(noLine.statusCode, 404);
    assert.is(json<ErrorBody>(noLine).code, 'unknown_line');
    const badIndex = await h.server.inject({
      method: 'PUT',
      url: `/api/selfcare/phones/${device}/lines/x/caller-id`,
      headers: alice.headers,
      payload: {},
    });
    assert.is(badIndex.statusCode, 400);
    assert.is(json<ErrorBody>(badIndex).details.field, 'lineIndex');

    const view = json<{
      items: {
        deviceName: string;
        settings: { speedDials: unknown[]; speedDialPauses: number[] };
        lines: { settings: { callForward: { all: unknown } } }[];
      }[];
    }>(await h.server.inject({ method: 'GET', url: '/api/selfcare/carousel', headers: { cookie: alice.cookie } }));
    const item = view.items[0];
    assert.is(item?.deviceName, device);
    assert.equal(item?.settings.speedDials, [{ position: 1, number: '5550100,,42#', label: 'Bank' }]);
    assert.equal(item?.settings.speedDialPauses, [4]);
    assert.equal(item?.lines[0]?.settings.callForward.all, { to: 'number', number: '5551234' });

    // The operator hides "Others": it disappears from the visible list and its command is refused.
    const hide = await h.server.inject({
      method: 'PUT',
      url: '/api/admin/selfcare/visible-features/phone',
      headers: admin,
      payload: { features: 'General,SpeedDials,DoNotDisturb,Locale,MusicOnHold#' },
    });
    assert.is(hide.statusCode, 200, hide.body);
    const features = json<{ phone: string[] }>(
      await h.server.inject({ method: 'GET', url: '/api/selfcare/features', headers: { cookie: alice.cookie } }),
    );
    assert.not.ok(features.phone.includes('Others'));
    const head = await logHead(h.backend);
    const hidden = await h.server.inject({
      method: 'PATCH',
      url: `/api/selfcare/phones/${device}/options`,
      headers: alice.headers,
      payload: { video: false },
    });
    assert.is(hidden.statusCode, 403);
    assert.is(json<ErrorBody>(hidden).code, 'feature_hidden');
    assert.is(json<ErrorBody>(hidden).details.feature, 'Others');
    assert.is(await logHead(h.backend), head);
    const badFeature = await h.server.inject({
      method: 'PUT',
      url: '/api/admin/selfcare/visible-features/phone',
      headers: admin,
      payload: { features: 'Teleport' },
    });
    assert.is(badFeature.statusCode, 400);
  } finally {
    await h.close();
  }
});

test('password and PIN changes go to the credential store only and take effect: the new ones work, the old ones are refused; a wrong current password is refused', async () => {
  const h = await harness({ simulatedIvr: true });
  try {
    const bob = await login(h.server, 'bob');
    const wrong = await h.server.inject({
      method: 'PUT',
      url: '/api/selfcare/user/password',
      headers: bob.headers,
      payload: { currentPassword: 'not-it', newPassword: 'N3w-Secret-Phrase!' },
    });
    assert.is(wrong.statusCode, 403);
    assert.is(json<ErrorBody>(wrong).code, 'current_password_wrong');
    const changed = await h.server.inject({
      method: 'PUT',
      url: '/api/selfcare/user/password',
      headers: bob.headers,
      payload: { currentPassword: demoSecrets.selfCarePassword, newPassword: 'N3w-Secret-Phrase!' },
    });
    assert.is(changed.statusCode, 200, changed.body);
    const pin = await h.server.inject({
      method: 'PUT',
      url: '/api/selfcare/user/phone-pin',
      headers: bob.headers,
      payload: { pin: '90817263' },
    });
    assert.is(pin.statusCode, 200, pin.body);
    for (const r of [wrong, changed, pin]) {
      assert.not.ok(r.body.includes('N3w-Secret-Phrase!'));
      assert.not.ok(r.body.includes('90817263'));
    }

    // The password: the old one is refused like any wrong password, the new one opens a session.
    const old = await h.server.inject({
      method: 'POST',
      url: '/api/selfcare/login',
      payload: { userId: 'bob', password: demoSecrets.selfCarePassword },
    });
    assert.is(old.statusCode, 401);
    assert.is(json<ErrorBody>(old).code, 'invalid_credentials');
    assert.is(old.cookies.length, 0);
    const fresh = await login(h.server, 'bob', 'N3w-Secret-Phrase!');
    assert.ok(fresh.cookie.startsWith(`${SESSION_COOKIE}=`));
    const session = await h.server.inject({ method: 'GET', url: '/api/selfcare/session', headers: { cookie: fresh.cookie } });
    assert.is(session.statusCode, 200, session.body);
    assert.equal(json(session), { userId: 'bob', csrfToken: fresh.csrf });

    // The PIN, through the IVR webhook on two auto-registered phones (bob's self-provisioning id is 2002).
    const toPinEntry = async (device: string) => {
      const call = await dialIvr(h, device);
      for (const digits of ['1', '1', '2002#']) await call.keys(digits);
      assert.equal(ids(await call.keys('1')), ['enter-pin-or-authentication-code']);
      return call;
    };
    // The old PIN: the wrong-PIN prompt, the PIN asked again, the phone untouched.
    const first = await autoRegister(h, '0A0B0C0D0E01');
    const refusedCall = await toPinEntry(first);
    const refused = await refusedCall.keys(`${PINS.bob}#`);
    assert.equal(ids(refused), ['wrong-credential', 'enter-pin-or-authentication-code']);
    assert.is(refused.prompts[0]?.text, 'That PIN or code is not correct. Attempts left: 2.');
    assert.equal([refused.ended, refused.awaiting.kind, refused.awaiting.secret], [false, 'digits', true]);
    const hungUp = await h.server.inject({ method: 'DELETE', url: `/api/ivr/calls/${refusedCall.first.callId}` });
    assert.is(hungUp.statusCode, 200, hungUp.body);
    assert.is(json<Turn>(hungUp).ended, true);
    const untouched = json<{ state: string; owner: unknown }>(
      await h.server.inject({ method: 'GET', url: `/api/admin/phones/${first}`, headers: admin }),
    );
    assert.equal([untouched.state, untouched.owner], ['autoregistered', null]);
    // The new PIN provisions the other phone.
    const second = await autoRegister(h, '0A0B0C0D0E02');
    const accepted = await (await toPinEntry(second)).keys('90817263#');
    assert.equal(ids(accepted), ['please-wait', 'phone-provisioned', 'goodbye']);
    assert.is(accepted.prompts[1]?.text, 'Your phone is now provisioned with extension 2002. It will restart.');
    assert.is(accepted.ended, true);
    const provisioned = json<{ state: string; owner: unknown; lines: unknown }>(
      await h.server.inject({ method: 'GET', url: `/api/admin/phones/${second}`, headers: admin }),
    );
    assert.equal(
      [provisioned.state, provisioned.owner, provisioned.lines],
      ['provisioned', 'bob', [{ index: 1, directoryNumber: '2002', lineTemplate: 'Standard Line' }]],
    );

    // Neither secret, old or new, reaches the log.
    const log = JSON.stringify(await eventsAfter(h.backend, 0));
    const secrets: [string, string][] = [
      ['the new password', 'N3w-Secret-Phrase!'],
      ['the new PIN', '90817263'],
      ['the old PIN', PINS.bob as string],
    ];
    // The failure message names which secret, never the secret itself.
    for (const [label, secret] of secrets) assert.not.ok(log.includes(secret), `${label} is in the log`);
  } finally {
    await h.close();
  }
});

test('errors: unknown routes, bad JSON, wrong media type, oversized bodies: 4xx JSON without stacks', async () => {
  const h = await harness();
  try {
    const cases = [
      await h.server.inject({ method: 'GET', url: '/api/nothing-here' }),
      await h.server.inject({
        method: 'POST',
        url: '/api/devices/autoregister',
        headers: { 'content-type': 'application/json' },
        payload: '{"mac": ',
      }),
      await h.server.inject({
        method: 'POST',
        url: '/api/devices/autoregister',
        headers: { 'content-type': 'application/json' },
        payload: '',
      }),
      await h.server.inject({
        method: 'POST',
        url: '/api/devices/autoregister',
        headers: { 'content-type': 'application/xml' },
        payload: '<a/>',
      }),
      await h.server.inject({
        method: 'POST',
        url: '/api/devices/autoregister',
        headers: { 'content-type': 'application/json' },
        payload: '{"__proto__": {"admin": true}, "mac": "001122334455"}',
      }),
      await h.server.inject({ method: 'POST', url: '/api/devices/autoregister', payload: { mac: 'x'.repeat(200_000) } }),
      await h.server.inject({ method: 'POST', url: '/api/devices/autoregister', payload: [1, 2, 3] }),
      await h.server.inject({
        method: 'POST',
        url: '/api/devices/autoregister',
        headers: { 'content-type': 'application/json' },
        payload: 'null',
      }),
    ];
    assert.equal(
      cases.map((r) => r.statusCode),
      [404, 400, 400, 415, 400, 413, 400, 400],
    );
    for (const r of cases) {
      const body = json<ErrorBody>(r);
      assert.equal(Object.keys(body).sort(), ['code', 'details', 'message']);
      assert.not.match(r.body, /at .*\.(ts|js):\d+/, 'no stack');
      assert.is(r.headers['x-content-type-options'], 'nosniff');
    }
  } finally {
    await h.close();
  }
});

test('the portal pages are served with a strict Content-Security-Policy', async () => {
  const h = await harness();
  try {
    const page = await h.server.inject({ method: 'GET', url: '/' });
    assert.is(page.statusCode, 200);
    assert.match(String(page.headers['content-type']), /text\/html/);
    assert.match(String(page.headers['content-security-policy']), /script-src 'self'/);
    assert.not.match(page.body, /<script>/, 'no inline script');
    assert.match(page.body, /src="\/assets\/portal\.js"/);
    const js = await h.server.inject({ method: 'GET', url: '/assets/portal.js' });
    assert.is(js.statusCode, 200);
    assert.match(String(js.headers['content-type']), /javascript/);
    const adminPage = await h.server.inject({ method: 'GET', url: '/admin' });
    assert.is(adminPage.statusCode, 200);
    assert.is((await h.server.inject({ method: 'GET', url: '/assets/..%2Fpackage.json' })).statusCode, 400);
  } finally {
    await h.close();
  }
});

test('a host application mounts the plugin under a prefix next to its own routes', async () => {
  const h = await harness();
  const host = Fastify();
  try {
    host.get('/', async () => ({ host: true }));
    await host.register(selfprovHttp, { prefix: '/selfprov', backend: h.backend, adminToken: ADMIN_TOKEN });
    await host.ready();
    assert.equal(json(await host.inject({ method: 'GET', url: '/' })), { host: true });
    assert.equal(json(await host.inject({ method: 'GET', url: '/selfprov/healthz' })), { status: 'ok' });
    const page = await host.inject({ method: 'GET', url: '/selfprov/' });
    assert.match(page.body, /src="\/selfprov\/assets\/portal\.js"/);
    const r = await host.inject({
      method: 'POST',
      url: '/selfprov/api/selfcare/login',
      payload: { userId: 'alice', password: demoSecrets.selfCarePassword },
    });
    assert.match(String(r.headers['set-cookie']), /Path=\/selfprov/);
    const doc = json<{ paths: Record<string, unknown> }>(await host.inject({ method: 'GET', url: '/selfprov/openapi.json' }));
    assert.ok('/selfprov/api/devices/autoregister' in doc.paths);
    const miss = await host.inject({ method: 'GET', url: '/selfprov/api/none' });
    assert.is(json<ErrorBody>(miss).code, 'not_found');
  } finally {
    await host.close();
    await h.close();
  }
});

test.run();
