// Runs the walkthrough as a user would (a separate process on a fresh SQLite file) and checks
// what it shows an auditor.
import { spawnSync } from 'node:child_process';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

const main = new URL('./main.ts', import.meta.url).pathname;

test('the walkthrough runs and answers the auditor’s questions', () => {
  const run = spawnSync(process.execPath, ['--conditions=source', '--import', 'tsx', main], { encoding: 'utf8', timeout: 120_000 });
  assert.is(run.status, 0, run.stderr);
  const out = run.stdout;
  assert.match(out, /== 1\. Verify the hash chains[^\n]*\nintact: \d+ events/);
  assert.match(out, /end of 2 March: SEP001122334455 autoregistered, owner nobody, line 1 DN 1000/);
  assert.match(
    out,
    /end of 4 March: SEP001122334455 provisioned, owner alice since 2026-03-03T10:15:00\.000Z \(PhoneProvisioned by user:alice via ivr\), lines 1:2001/,
  );
  assert.match(out, /alice: Alice Martin <alice@example\.com>/);
  assert.match(out, /2026-03-02T08:00:00\.000Z +#\d+ +device:SEP001122334455 via sip: PhoneAutoRegistered device=SEP001122334455/);
  assert.match(out, /user:alice via ivr: PhoneProvisioned device=SEP001122334455 owner=alice line1=2001 released=1000/);
  assert.match(out, /key deleted: true, credentials removed: 2/);
  assert.match(out, /alice now: \[erased\] \[erased\] <\[erased\]>; still owns SEP001122334455/);
  assert.match(out, /her trail keeps every action \(\d+ entries\), e\.g\. EndUserCreated user=alice name="\[erased\] \[erased\]"/);
  assert.match(out, /== 5\.[^\n]*\nintact: \d+ events: erasure deleted a key, not an event/);
  assert.not.match(out, /BROKEN/);
});

test.run();
