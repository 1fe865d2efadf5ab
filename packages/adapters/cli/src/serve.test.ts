// `selfprov serve` as users run it: a real process on a SQLite file and a free port,
// the demo seeded once, the printed URL and token working, a graceful stop on SIGTERM.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startServe } from './serve.js';

const bin = new URL('../bin/selfprov.mjs', import.meta.url).pathname;
const env = (extra: Record<string, string> = {}) => {
  const e: Record<string, string | undefined> = { ...process.env, ...extra };
  for (const k of ['SELFPROV_STORE', 'SELFPROV_ADMIN_TOKEN', 'SELFPROV_IVR_TOKEN', 'PORT', 'HOST']) if (!(k in extra)) delete e[k];
  return e;
};

/** Starts `selfprov serve` and waits for its "Press Ctrl-C" line; answers the process and its output so far. */
const serve = (args: string[], extraEnv: Record<string, string> = {}) =>
  new Promise<{ child: ChildProcess; output: () => string }>((resolve, reject) => {
    const child = spawn(process.execPath, [bin, 'serve', ...args], { env: env(extraEnv), stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const timer = setTimeout(() => reject(new Error(`serve did not start:\n${out}`)), 60_000);
    const onData = (d: Buffer) => {
      out += d.toString();
      if (out.includes('Press Ctrl-C to stop.')) {
        clearTimeout(timer);
        resolve({ child, output: () => out });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited with ${code}:\n${out}`));
    });
  });

const stop = (child: ChildProcess) =>
  new Promise<number | null>((resolve) => {
    child.removeAllListeners('exit');
    child.on('exit', (code) => resolve(code));
    child.kill('SIGTERM');
  });

/** After a failed assertion: a server still running would keep this test process alive. */
const kill = (child: ChildProcess | undefined) => {
  if (child !== undefined && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
};

test('selfprov serve --demo: seeds once, prints the URL, the admin token and the demo logins, and stops on SIGTERM', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'selfprov-serve-'));
  const store = `sqlite:${join(dir, 'events.db')}`;
  const children: ChildProcess[] = [];
  try {
    const first = await serve(['--store', store, '--port', '0', '--sip-port', '0', '--demo']);
    children.push(first.child);
    const out = first.output();
    const url = /selfprov serving (http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1];
    const token = /admin token:\s+(\S+)\s+\(generated/.exec(out)?.[1];
    assert.ok(url && token, out);
    assert.match(out, /demo: seeded/);
    assert.match(out, /alice \/ Selfcare!2026/);
    assert.is((await fetch(`${url}/healthz`)).status, 200);
    assert.is((await fetch(`${url}/`)).status, 200);
    assert.is((await fetch(`${url}/api/admin/readiness`)).status, 401);
    const readiness = await (await fetch(`${url}/api/admin/readiness`, { headers: { authorization: `Bearer ${token}` } })).json();
    assert.equal(readiness, { clusters: [{ clusterId: 'cluster-1', ready: true, items: [] }] });
    const login = await fetch(`${url}/api/selfcare/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ userId: 'alice', password: 'Selfcare!2026' }),
    });
    assert.is(login.status, 200);
    const registered = await fetch(`${url}/api/devices/autoregister`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ mac: '00:11:22:33:44:55', model: 'Cisco 8845', protocol: 'SIP' }),
    });
    assert.is(registered.status, 201);
    assert.is(await stop(first.child), 0);
    assert.match(first.output(), /stopped/);

    // Again on the same file, with a chosen token: nothing seeded twice, the token is not printed, the phone is still there.
    const second = await serve(['--store', store, '--sip-port', '0', '--demo'], {
      PORT: '0',
      SELFPROV_ADMIN_TOKEN: 'chosen-admin-token-0123456789',
    });
    children.push(second.child);
    const out2 = second.output();
    assert.match(out2, /demo: already seeded/);
    assert.match(out2, /admin token:\s+from SELFPROV_ADMIN_TOKEN/);
    assert.not.ok(out2.includes('chosen-admin-token-0123456789'), 'a chosen token is never printed');
    const url2 = /selfprov serving (http:\/\/127\.0\.0\.1:\d+)/.exec(out2)?.[1];
    const phone = await fetch(`${url2}/api/admin/phones/SEP001122334455`, {
      headers: { authorization: 'Bearer chosen-admin-token-0123456789' },
    });
    assert.equal(((await phone.json()) as { state: string }).state, 'autoregistered');
    assert.is(await stop(second.child), 0);
  } finally {
    for (const child of children) kill(child);
    rmSync(dir, { recursive: true, force: true });
  }
});

test('selfprov serve refuses a bad port (usage, exit 2) and an unsupported store URL (exit 1)', () => {
  const port = spawnSync(process.execPath, [bin, 'serve', '--port', 'eighty'], { env: env(), encoding: 'utf8', timeout: 60_000 });
  assert.is(port.status, 2);
  assert.match(port.stderr, /--port must be a port number/);
  const store = spawnSync(process.execPath, [bin, 'serve', '--store', 'mysql://nope', '--port', '0'], {
    env: env(),
    encoding: 'utf8',
    timeout: 60_000,
  });
  assert.is(store.status, 1);
  assert.match(store.stderr, /invalid_store_url/);
});

test('--demo never seeds into a store holding other data; extra services start after HTTP and stop before the store closes', async () => {
  const events: string[] = [];
  const lines: string[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'selfprov-serve-'));
  const store = `sqlite:${join(dir, 'events.db')}`;
  let serving: Awaited<ReturnType<typeof startServe>> | undefined;
  try {
    // A store with someone's own data.
    const { createSelfprov } = await import('@selfprov/app');
    const own = await createSelfprov({ store });
    if (own._tag === 'Left') throw new Error(own.left.message);
    const appended = await own.right.events.append('acme-notes', 'no_stream', [
      { type: 'NoteTaken', data: { text: 'ours' }, metadata: { actor: { kind: 'system', id: 'acme' }, channel: 'system' } },
    ])();
    assert.ok(appended._tag === 'Right');
    await own.right.close();

    serving = await startServe({
      store,
      port: 0,
      host: '127.0.0.1',
      // Only handed to the probe below (nothing binds it): a marker value, not a port assumed free.
      sipPort: 5999,
      demo: true,
      adminToken: 'test-admin-token-0123456789',
      log: (line) => lines.push(line),
      extraServices: [
        {
          name: 'probe',
          start: async (ctx) => {
            events.push(`start sip-port ${ctx.sipPort}`);
            return { description: 'probe running', close: async () => void events.push('stop') };
          },
        },
      ],
    });
    if (serving._tag === 'Left') throw new Error(serving.left);
    assert.ok(lines.includes('demo: the store already holds other data; the demo data was not seeded'), lines.join('\n'));
    assert.not.ok(
      lines.some((l) => l.startsWith('demo:') && l !== 'demo: the store already holds other data; the demo data was not seeded'),
      'no other demo line (no seeding)',
    );
    assert.not.ok(lines.some((l) => l.includes('self-care logins')));
    assert.ok(lines.includes('probe: probe running'));
    await serving.right.stop();
    await serving.right.stop();
    assert.equal(events, ['start sip-port 5999', 'stop']);
    // Nothing was written beside the owner's data.
    const reopened = await createSelfprov({ store });
    if (reopened._tag === 'Left') throw new Error(reopened.left.message);
    const all = await reopened.right.events.readAll({})();
    await reopened.right.close();
    assert.equal(all._tag === 'Right' ? all.right.map((e) => `${e.streamId} ${e.type}`) : all, ['acme-notes NoteTaken']);
  } finally {
    if (serving?._tag === 'Right') await serving.right.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
