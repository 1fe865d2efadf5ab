// A user cannot read or change another user's resources through any route: one
// test per route of the OpenAPI document (so a new route without a case fails).
// alice (logged in) aims at bob's phone, line, speed dial and alternate number.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SESSION_COOKIE } from './index.js';
import { admin, eventsAfter, harness, json, logHead, login, PASSWORD, PINS, provisionPhone, type Session } from './testing/harness.js';

const h = await harness({ simulatedIvr: true });
const aliceDevice = await provisionPhone(h.server, '001122334455', '2001', PINS.alice as string);
const bobDevice = await provisionPhone(h.server, '0A0B0C0D0E0F', '2002', PINS.bob as string);
const bob = await login(h.server, 'bob');
const bobSetup = [
  { url: `/api/selfcare/phones/${bobDevice}/speed-dials`, payload: { speedDials: [{ number: '5550100', label: 'Bank' }] } },
  { url: `/api/selfcare/phones/${bobDevice}/lines/1/call-forward`, payload: { all: { to: 'number', number: '5550199' } } },
  { url: '/api/selfcare/user/email', payload: { email: 'bob.private@example.com' } },
];
for (const s of bobSetup) {
  const r = await h.server.inject({ method: 'PUT', ...s, headers: bob.headers });
  if (r.statusCode !== 200) throw new Error(`setup ${s.url}: ${r.body}`);
}
const added = await h.server.inject({
  method: 'POST',
  url: '/api/selfcare/snr/alternate-numbers',
  headers: bob.headers,
  payload: { number: '+15557654321', description: 'Bob mobile', lines: [{ deviceName: bobDevice, lineIndex: 1 }] },
});
if (added.statusCode !== 200) throw new Error(added.body);
const bobSnr = json<{ id: string }[]>(await h.server.inject({ method: 'GET', url: '/api/selfcare/snr', headers: { cookie: bob.cookie } }));
const bobAlternateId = bobSnr[0]?.id as string;
let alice: Session = await login(h.server, 'alice');
const aliceToken = alice.cookie.slice(SESSION_COOKIE.length + 1);

/** Everything of bob's that alice could read or change. */
const bobState = async () => {
  const get = async (url: string) => json(await h.server.inject({ method: 'GET', url, headers: { cookie: bob.cookie } }));
  return { carousel: await get('/api/selfcare/carousel'), user: await get('/api/selfcare/user'), snr: await get('/api/selfcare/snr') };
};
const BOB_SECRETS = ['bob.private@example.com', '+15557654321', '5550199', '5550100'];

type Operation = { method: string; path: string; operationId: string; access: 'admin' | 'session' | 'none' | 'ivr' };
const doc = json<{ paths: Record<string, Record<string, { operationId: string; security?: Record<string, unknown>[]; tags: string[] }>> }>(
  await h.server.inject({ method: 'GET', url: '/openapi.json' }),
);
const operations: Operation[] = Object.entries(doc.paths).flatMap(([path, ops]) =>
  Object.entries(ops).map(([method, op]) => ({
    method: method.toUpperCase(),
    path,
    operationId: op.operationId,
    access: op.security?.some((s) => 'adminToken' in s)
      ? 'admin'
      : op.security?.some((s) => 'sessionCookie' in s)
        ? 'session'
        : op.tags.includes('ivr')
          ? 'ivr'
          : 'none',
  })),
);

/** Bob's resources as path parameters. */
const bobParams: Record<string, string> = {
  deviceName: bobDevice,
  lineIndex: '1',
  position: '1',
  id: bobAlternateId,
  userId: 'bob',
  clusterId: 'cluster-1',
  name: 'Standard',
  node: 'cucm-pub.example.com',
  service: 'ctiManager',
  device: 'SelfProvIVR',
  kind: 'pin',
  domain: 'Default',
  page: 'phone',
  callId: 'guessed-call-id',
  file: 'portal.js',
};
const urlOf = (path: string) => path.replace(/\{([^}]+)\}/g, (_, p: string) => encodeURIComponent(bobParams[p] ?? 'x'));

/** Valid bodies of the self-care commands, aimed at bob wherever the body can name a resource. */
const bodies: Record<string, unknown> = {
  changeName: { firstName: 'Alice', lastName: 'Martin', userId: 'bob' },
  changeEmail: { email: 'alice@work.example', userId: 'bob' },
  changePrimaryPhone: { primaryPhone: bobDevice },
  changePassword: { currentPassword: PASSWORD, newPassword: 'Purple-Otter-Phrase-2026!', userId: 'bob' },
  changePhonePin: { pin: '80442917', userId: 'bob' },
  changeVoicemailPin: { pin: '80442917', userId: 'bob' },
  changeMacAddress: { macAddress: '0A0B0C0D0E1F' },
  renamePhone: { name: 'Mine now' },
  setDisplayLanguage: { displayLanguage: 'French France' },
  setSpeedDials: { speedDials: [{ number: '123', label: 'x' }] },
  addSpeedDial: { number: '123', label: 'x' },
  removeSpeedDial: {},
  setDoNotDisturb: { enabled: true },
  setLocale: { userLocale: 'French France' },
  setPhoneMusicOnHold: { userHoldAudioSource: 'SampleAudioSource' },
  setPhoneOptions: { video: false },
  setCallForward: { all: { to: 'voicemail' } },
  setCallerId: { presentation: 'restricted' },
  setNotification: { calls: { visual: false } },
  setLineMusicOnHold: { userHoldAudioSource: 'SampleAudioSource' },
  addAlternateNumber: { number: '+15550001111', lines: [{ deviceName: bobDevice, lineIndex: 1 }] },
  updateAlternateNumber: { description: 'mine now' },
  removeAlternateNumber: {},
  selfCareLogout: {},
};

/** Routes whose body names the resource (no path parameter): aiming at bob's is `not_owner`. */
const namesBobsResourceInBody = new Set(['changePrimaryPhone', 'addAlternateNumber']);
/** Routes acting on the session's own user only: they must change alice's streams and nothing of bob's. */
const ownOnly = new Set(['changeName', 'changeEmail', 'changePassword', 'changePhonePin', 'changeVoicemailPin']);

/**
 * The one answer of each route that is not user-scoped (system, portal files, devices, IVR), sent
 * with alice's session and `{}` as the body: the status and, for a refusal, the code and field.
 */
const notUserScoped: Record<string, { status: number; code?: string; field?: string }> = {
  health: { status: 200 },
  openapi: { status: 200 },
  portal: { status: 200 },
  adminPortal: { status: 200 },
  portalAsset: { status: 200 },
  autoRegisterDevice: { status: 400, code: 'invalid_input', field: 'mac' },
  startIvrCall: { status: 400, code: 'invalid_input', field: 'device' },
  getIvrCall: { status: 404, code: 'unknown_call', field: 'callId' },
  hangUpIvrCall: { status: 404, code: 'unknown_call', field: 'callId' },
  sendIvrDigits: { status: 400, code: 'invalid_input', field: 'digits' },
  ivrCallTimeout: { status: 404, code: 'unknown_call', field: 'callId' },
};

const send = (op: Operation, headers: Record<string, string>, payload?: unknown) =>
  h.server.inject({
    method: op.method as 'GET',
    url: urlOf(op.path),
    headers,
    ...(payload === undefined || op.method === 'GET' ? {} : { payload: payload as object }),
  });

const covered = new Set<string>();
// Logout ends alice's session: it runs last.
const ordered = [...operations].sort((a, b) => Number(a.operationId === 'selfCareLogout') - Number(b.operationId === 'selfCareLogout'));

for (const op of ordered) {
  test(`${op.method} ${op.path} (${op.operationId})`, async () => {
    covered.add(op.operationId);
    const before = await bobState();
    const head = await logHead(h.backend);

    if (op.access === 'admin') {
      // Alice's session, as a cookie (with its CSRF token) or as a bearer, is not the admin token.
      for (const headers of [alice.headers, { authorization: `Bearer ${aliceToken}` }]) {
        const r = await send(op, headers, {});
        assert.is(r.statusCode, 401, r.body);
        assert.is(json<{ code: string }>(r).code, 'unauthorized');
      }
      assert.is(await logHead(h.backend), head);
    } else if (op.access === 'session' && op.method === 'GET') {
      const r = await send(op, { cookie: alice.cookie });
      assert.is(r.statusCode, 200, r.body);
      for (const secret of [...BOB_SECRETS, bobDevice, bobAlternateId])
        assert.not.ok(r.body.includes(secret), `${op.path} shows bob's ${secret}`);
      if (op.operationId === 'selfCareCarousel')
        assert.equal(
          json<{ items: { deviceName: string }[] }>(r).items.map((i) => i.deviceName),
          [aliceDevice],
        );
      if (op.operationId === 'selfCareUser' || op.operationId === 'selfCareSession') assert.is(json<{ userId: string }>(r).userId, 'alice');
    } else if (op.access === 'session') {
      const body = bodies[op.operationId];
      assert.ok(body !== undefined, `no test body for ${op.operationId}: add one`);
      const r = await send(op, alice.headers, body);
      if (op.path.includes('{deviceName}')) {
        assert.is(r.statusCode, 403, r.body);
        assert.is(json<{ code: string }>(r).code, 'not_owner');
        assert.is(await logHead(h.backend), head, 'nothing appended');
      } else if (op.path.includes('{id}')) {
        assert.is(r.statusCode, 404, r.body);
        assert.is(json<{ code: string }>(r).code, 'alternate_number_not_found');
        assert.is(await logHead(h.backend), head, 'nothing appended');
      } else if (namesBobsResourceInBody.has(op.operationId)) {
        assert.is(r.statusCode, 403, r.body);
        assert.is(json<{ code: string }>(r).code, 'not_owner');
        assert.is(await logHead(h.backend), head, 'nothing appended');
      } else if (ownOnly.has(op.operationId) || op.operationId === 'selfCareLogout') {
        assert.is(r.statusCode, op.operationId === 'selfCareLogout' ? 204 : 200, r.body);
        const appended = await eventsAfter(h.backend, head);
        assert.ok(appended.length > 0, 'the change was recorded');
        for (const e of appended) assert.ok(e.streamId.endsWith('-alice'), `${op.operationId} wrote ${e.streamId}`);
        if (op.operationId === 'selfCareLogout') {
          const still = await h.server.inject({ method: 'GET', url: '/api/selfcare/session', headers: { cookie: bob.cookie } });
          assert.is(still.statusCode, 200, "alice's logout leaves bob's session open");
        }
      } else {
        assert.unreachable(`no ownership case for ${op.operationId}`);
      }
    } else if (op.operationId === 'selfCareLogin') {
      // Bob's account with a wrong password is 401, with no password 400: neither opens anything.
      const cases: [Record<string, string>, number, string][] = [
        [{ userId: 'bob', password: PASSWORD.replace('!', '?') }, 401, 'invalid_credentials'],
        [{ userId: 'bob' }, 400, 'invalid_input'],
      ];
      for (const [payload, status, code] of cases) {
        const r = await send(op, {}, payload);
        assert.is(r.statusCode, status, r.body);
        assert.equal([json<{ code: string }>(r).code, json<{ details: { field?: string } }>(r).details.field], [code, 'password']);
        assert.is(r.cookies.length, 0);
      }
    } else {
      // Not user-scoped (system, portal files, devices, IVR): nothing of bob's self-care data comes out, with or without a session.
      const expected = notUserScoped[op.operationId];
      assert.ok(expected !== undefined, `no expected answer for ${op.operationId}: add one to notUserScoped`);
      const r = await send(op, alice.headers, op.method === 'GET' ? undefined : {});
      assert.is(r.statusCode, expected?.status, r.body);
      if (expected?.code !== undefined)
        assert.equal(
          [json<{ code: string }>(r).code, json<{ details: { field?: string } }>(r).details.field],
          [expected.code, expected.field],
        );
      for (const secret of BOB_SECRETS) assert.not.ok(r.body.includes(secret), `${op.path} shows bob's ${secret}`);
    }
    assert.equal(await bobState(), before, "bob's settings are unchanged");
    // A password change closes alice's other sessions; log in again so later cases keep a session.
    if (op.operationId === 'changePassword') alice = await login(h.server, 'alice', 'Purple-Otter-Phrase-2026!');
  });
}

test('every route had its ownership case', async () => {
  assert.equal(
    operations.map((o) => o.operationId).filter((id) => !covered.has(id)),
    [],
  );
  // The admin can still see both users' phones: the refusals above were about alice, not a broken server.
  const phones = json<{ owner: string }[]>(await h.server.inject({ method: 'GET', url: '/api/admin/phones', headers: admin }));
  assert.equal(phones.map((p) => p.owner).sort(), ['alice', 'bob']);
  await h.close();
});

test.run();
