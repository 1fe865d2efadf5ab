// The example is a real program: run it and check what it says it did.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

test('the embed example records, replays, and rebuilds the read models from the file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'selfprov-embed-'));
  try {
    const main = new URL('./main.ts', import.meta.url).pathname;
    const run = spawnSync(
      process.execPath,
      ['--conditions=source', '--import', import.meta.resolve('tsx'), main, '--db', join(dir, 'events.db')],
      {
        encoding: 'utf8',
        timeout: 120_000,
      },
    );
    assert.is(run.status, 0, run.stderr);
    assert.match(run.stdout, /system readiness: ready/);
    assert.match(run.stdout, /SEP001122334455 auto-registered with temporary DN 1000/);
    assert.match(run.stdout, /her PIN: verified/);
    assert.match(run.stdout, /secrets or personal data in clear in the file: none/);
    assert.match(run.stdout, /SEP001122334455: state provisioned, owner alice, lines \[\{"index":1,"dn":"2001"/);
    assert.match(run.stdout, /alice \(Alice Martin\): extension 2001, phones \["SEP001122334455"\]/);
    assert.match(run.stdout, /next free DNs 1000, 1001, 1002/);
    assert.match(run.stdout, /GET \/hello -> 200 \{"hello":"from the host application"\}/);
    assert.match(run.stdout, /GET \/selfprov\/healthz -> 200/);
    assert.match(run.stdout, /GET \/selfprov\/api\/admin\/phones\/SEP001122334455 -> 200 owner alice, state provisioned, line 1 2001/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
