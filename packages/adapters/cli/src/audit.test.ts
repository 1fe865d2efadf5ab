// The auditor's verbs as users run them: separate `selfprov` processes on one SQLite file, with the
// demo seeded, a phone auto-registered and provisioned to alice from the IVR, then verify, replay,
// trail, export, erase, tampering with the file, and anchors.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '@selfprov/app';
import * as E from 'fp-ts/lib/Either.js';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';

const bin = new URL('../bin/selfprov.mjs', import.meta.url).pathname;
const selfprov = (args: string[], input = '') =>
  spawnSync(process.execPath, [bin, ...args], { input, encoding: 'utf8', timeout: 120_000, env: { ...process.env, SELFPROV_STORE: '' } });

const test = suite<{ dir: string; store: string; file: string; registeredAt: string; provisionedAt: string }>('selfprov audit', {
  dir: '',
  store: '',
  file: '',
  registeredAt: '',
  provisionedAt: '',
});

test.before(async (ctx) => {
  ctx.dir = mkdtempSync(join(tmpdir(), 'selfprov-audit-cli-'));
  ctx.file = join(ctx.dir, 'events.db');
  ctx.store = `sqlite:${ctx.file}`;
  assert.is(selfprov(['demo', '--store', ctx.store]).status, 0);
  assert.is(selfprov(['autoregister', '--mac', '00:11:22:33:44:55', '--store', ctx.store]).stdout.trim(), 'SEP001122334455 1000');
  const call = selfprov(['ivr', '--device', 'SEP001122334455', '--store', ctx.store], '1\n1\n2001#\n1\n73915824#\n');
  assert.match(call.stdout, /now provisioned with extension 2001/);
  const trail = selfprov(['audit', 'trail', '--device', 'SEP001122334455', '--format', 'jsonl', '--store', ctx.store]);
  const entries = trail.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { type: string; at: string });
  ctx.registeredAt = entries.find((e) => e.type === 'PhoneAutoRegistered')?.at ?? '';
  ctx.provisionedAt = entries.find((e) => e.type === 'PhoneProvisioned')?.at ?? '';
  assert.ok(ctx.registeredAt < ctx.provisionedAt, 'the IVR call comes after the auto-registration');
});
test.after((ctx) => rmSync(ctx.dir, { recursive: true, force: true }));

test('verify: exit 0 on the intact store, saying so', ({ store }) => {
  const r = selfprov(['audit', 'verify', '--store', store]);
  assert.is(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /^intact: \d+ events in \d+ streams, up to position \d+; every hash chain verifies \(sha256-jcs-v1\)/);
  assert.is(r.stderr, '', 'no progress bar when stderr is not a terminal');
});

test('replay --at: before the provisioning the phone is auto-registered; after it alice owns it since the call', ({
  store,
  registeredAt,
  provisionedAt,
}) => {
  const before = selfprov(['audit', 'replay', '--at', registeredAt, '--format', 'json', '--store', store]);
  assert.is(before.status, 0, before.stderr);
  const early = JSON.parse(before.stdout) as { phones: { deviceName: string; state: string; owner?: string; lines: { dn: string }[] }[] };
  const phone = early.phones.find((p) => p.deviceName === 'SEP001122334455');
  assert.is(phone?.state, 'autoregistered');
  assert.is(phone?.owner, undefined);
  assert.is(phone?.lines[0]?.dn, '1000');
  const after = selfprov(['audit', 'replay', '--at', provisionedAt, '--store', store]);
  assert.is(after.status, 0, after.stderr);
  assert.match(
    after.stdout,
    new RegExp(
      `SEP001122334455 +Cisco 8845 +provisioned +alice +${provisionedAt.replaceAll('.', '\\.')} +PhoneProvisioned by user:alice via ivr +1:2001 +yes`,
    ),
  );
  assert.match(after.stdout, /alice +Alice Martin +alice@example\.com +2001 +Standard +SEP001122334455/);
  const day = selfprov(['audit', 'replay', '--at', provisionedAt.slice(0, 10), '--format', 'json', '--store', store]);
  assert.is(
    (JSON.parse(day.stdout) as { at: string }).at,
    `${provisionedAt.slice(0, 10)}T23:59:59.999Z`,
    'a bare date is the end of that day',
  );
});

test('trail: by device, user and DN, with actor, channel and what changed; --since/--until bound it', ({ store, provisionedAt }) => {
  const dn = selfprov(['audit', 'trail', '--dn', '2001', '--store', store]);
  assert.is(dn.status, 0, dn.stderr);
  assert.match(dn.stdout, /user:alice +ivr +PhoneProvisioned device=SEP001122334455 owner=alice line1=2001 released=1000/);
  assert.match(dn.stdout, /DirectoryNumberReserved dn=2001 holder=user-line:alice/);
  const user = selfprov(['audit', 'trail', '--user', 'alice', '--since', provisionedAt, '--format', 'jsonl', '--store', store]);
  const lines = user.stdout.trim().split('\n');
  assert.ok(lines.length >= 3);
  for (const line of lines) assert.ok((JSON.parse(line) as { at: string }).at >= provisionedAt);
  const none = selfprov(['audit', 'trail', '--user', 'alice', '--until', '2000-01-01', '--store', store]);
  assert.match(none.stdout, /^0 changes concerning user alice until 2000-01-01T23:59:59\.999Z/);
  const bad = selfprov(['audit', 'trail', '--user', 'alice', '--device', 'x', '--store', store]);
  assert.is(bad.status, 2);
  assert.match(bad.stderr, /exactly one of --user/);
});

test('export: one stored event per line, personal data still encrypted; verify --input re-checks the file offline', ({ store, dir }) => {
  const out = join(dir, 'export.jsonl');
  const r = selfprov(['audit', 'export', '--format', 'jsonl', '--output', out, '--store', store]);
  assert.is(r.status, 0, r.stderr);
  const lines = readFileSync(out, 'utf8').trim().split('\n');
  const events = lines.map((l) => JSON.parse(l) as { globalPosition: number; hash?: string });
  assert.ok(events.length > 40);
  assert.ok(events.every((e, i) => i === 0 || e.globalPosition > (events[i - 1]?.globalPosition ?? 0)));
  assert.ok(events.every((e) => typeof e.hash === 'string'));
  assert.not.match(readFileSync(out, 'utf8'), /Alice|alice@example\.com/);
  assert.not.match(r.stderr, /\[#/, 'no progress bar when stderr is piped');
  const piped = selfprov(['audit', 'export', '--store', store]);
  assert.is(piped.stdout.trim().split('\n').length, lines.length);
  const offline = selfprov(['audit', 'verify', '--input', out]);
  assert.is(offline.status, 0, offline.stdout);
  const cut = join(dir, 'cut.jsonl');
  writeFileSync(cut, `${lines.filter((_, i) => i !== 20).join('\n')}\n`);
  const broken = selfprov(['audit', 'verify', '--input', cut]);
  assert.is(broken.status, 1);
  assert.match(broken.stdout, /first: DELETED at position/);
});

test('users erase: personal fields read [erased] in replay and trail, the actions stay, verify still passes', ({ store }) => {
  const r = selfprov(['users', 'erase', 'alice', '--store', store]);
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stdout, /erased the personal data of alice: key deleted, 2 credentials removed; recorded as PersonalDataErased/);
  const replay = selfprov(['audit', 'replay', '--store', store]);
  assert.match(replay.stdout, /alice +\[erased\] \[erased\] +\[erased\] +2001 +Standard +SEP001122334455/);
  assert.match(replay.stdout, /bob +Bob Dupont/, 'other users are untouched');
  const trail = selfprov(['audit', 'trail', '--user', 'alice', '--store', store]);
  assert.match(trail.stdout, /EndUserCreated user=alice name="\[erased\] \[erased\]" email=\[erased\]/);
  assert.match(trail.stdout, /PhoneProvisioned device=SEP001122334455 owner=alice/);
  assert.match(trail.stdout, /administrator:cli +cli +PersonalDataErased user(Id)?=alice/);
  const verify = selfprov(['audit', 'verify', '--store', store]);
  assert.is(verify.status, 0, verify.stdout);
  const again = selfprov(['users', 'erase', 'alice', '--store', store]);
  assert.match(again.stdout, /key already gone/);
  // Her PIN went with the credentials: on a new phone the IVR refuses it, and the phone stays unowned.
  const registered = selfprov(['autoregister', '--mac', '00:11:22:33:44:77', '--store', store]);
  assert.is(registered.stdout.trim(), 'SEP001122334477 1000', registered.stderr);
  const call = selfprov(['ivr', '--device', 'SEP001122334477', '--language', 'en_US', '--store', store], '1\n2001#\n1\n73915824#\n');
  assert.is(call.status, 0, call.stderr);
  const heard = call.stdout.split('\n');
  assert.equal(heard.slice(-4), [
    'Enter your PIN or password digits, followed by the pound key. Administrators: press the star key, then the authentication code.',
    'That PIN or code is not correct. Attempts left: 2.',
    'Enter your PIN or password digits, followed by the pound key. Administrators: press the star key, then the authentication code.',
    '',
  ]);
  assert.not.ok(heard.some((l) => l.includes('now provisioned')));
  const phoneTrail = selfprov(['audit', 'trail', '--device', 'SEP001122334477', '--format', 'jsonl', '--store', store]);
  assert.equal(
    phoneTrail.stdout
      .trim()
      .split('\n')
      .map((l) => (JSON.parse(l) as { type: string }).type)
      .filter((type) => !type.startsWith('Ivr')),
    ['PhoneAutoRegistered', 'DirectoryNumberReserved', 'CredentialVerificationRefused'],
    'besides the call itself: the auto-registration and the refused PIN check, no provisioning',
  );
});

test('anchors: a truncated stream tail passes without them and is caught with them; tampering names its place', async ({ store, dir }) => {
  const anchors = join(dir, 'anchors.json');
  const saved = selfprov(['audit', 'verify', '--save-anchors', anchors, '--store', store]);
  assert.is(saved.status, 0);
  assert.match(saved.stderr, /saved \d+ stream heads/);
  const opened = await openStore(store);
  if (E.isLeft(opened)) return assert.unreachable(opened.left.message);
  const db = (
    opened.right.events as unknown as {
      database: { prepare(sql: string): { run(...a: unknown[]): unknown; get(...a: unknown[]): unknown } };
    }
  ).database;
  const last = db.prepare("SELECT max(position) AS p FROM events WHERE stream_id = 'phone-SEP001122334455'").get() as { p: number };
  db.prepare('DELETE FROM events WHERE position = ?').run(last.p);
  const reordered = db.prepare("SELECT position FROM events WHERE stream_id = 'user-bob' ORDER BY stream_version LIMIT 1").get() as {
    position: number;
  };
  await opened.right.close();
  const plain = selfprov(['audit', 'verify', '--store', store]);
  assert.is(plain.status, 0, 'a deleted stream tail leaves no trace in the chains');
  const anchored = selfprov(['audit', 'verify', '--anchors', anchors, '--store', store]);
  assert.is(anchored.status, 1);
  assert.match(anchored.stdout, /first: ANCHOR at position \d+, stream "phone-SEP001122334455" version \d+: .*truncated/);
  const again = await openStore(store);
  if (E.isLeft(again)) return assert.unreachable(again.left.message);
  const db2 = (again.right.events as unknown as { database: { prepare(sql: string): { run(...a: unknown[]): unknown } } }).database;
  db2.prepare("UPDATE events SET data = replace(data, 'Standard', 'Standarc') WHERE position = ?").run(reordered.position);
  await again.right.close();
  const edited = selfprov(['audit', 'verify', '--store', store]);
  assert.is(edited.status, 1);
  assert.match(
    edited.stdout,
    new RegExp(`first: EDITED at position ${reordered.position}, stream "user-bob" version 0: .*content was changed`),
  );
});

test.run();
