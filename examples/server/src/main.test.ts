// Runs the demo server program on a scratch SQLite file and a free port, provisions
// a phone through HTTP the way a phone and its user do, and stops it with SIGTERM.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

const main = new URL('./main.ts', import.meta.url).pathname;

test('the demo server serves the portal and provisions a phone over HTTP, then stops gracefully', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'selfprov-example-server-'));
  const child = spawn(
    process.execPath,
    ['--conditions=source', '--import', import.meta.resolve('tsx'), main, '--store', `sqlite:${join(dir, 'events.db')}`, '--port', '0'],
    { env: { ...process.env, SELFPROV_ADMIN_TOKEN: 'example-admin-token-0123456789' }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr.on('data', (d: Buffer) => {
    out += d.toString();
  });
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no start:\n${out}`)), 60_000);
      child.stdout.on('data', () => {
        const m = /demo server on (http:\/\/\S+)/.exec(out);
        if (m?.[1] && out.includes('logins:')) {
          clearTimeout(timer);
          resolve(m[1]);
        }
      });
    });
    assert.match(out, /admin token: from SELFPROV_ADMIN_TOKEN/);
    assert.is((await fetch(`${url}/`)).status, 200);
    const post = (path: string, body: unknown) =>
      fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const reg = (await (
      await post('/api/devices/autoregister', { mac: '00:11:22:33:44:55', model: 'Cisco 8845', protocol: 'SIP' })
    ).json()) as {
      deviceName: string;
    };
    const call = (await (await post('/api/ivr/calls', { device: reg.deviceName, dialled: '8000' })).json()) as { callId: string };
    let last: { prompts: { id: string }[] } = { prompts: [] };
    for (const digits of ['1', '1', '2001#', '1', '73915824#'])
      last = (await (await post(`/api/ivr/calls/${call.callId}/dtmf`, { digits })).json()) as typeof last;
    assert.ok(last.prompts.some((p) => p.id === 'phone-provisioned'));
    const phone = (await (
      await fetch(`${url}/api/admin/phones/${reg.deviceName}`, { headers: { authorization: 'Bearer example-admin-token-0123456789' } })
    ).json()) as { owner: string; state: string };
    assert.equal([phone.owner, phone.state], ['alice', 'provisioned']);
    const code = await new Promise<number | null>((resolve) => {
      child.on('exit', resolve);
      child.kill('SIGTERM');
    });
    assert.is(code, 0);
    assert.match(out, /stopped/);
  } finally {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
