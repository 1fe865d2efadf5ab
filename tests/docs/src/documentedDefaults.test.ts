// The credential defaults an operator reads in docs/domain.md and the credentials README are the
// ones the code applies: each documented number is compared with the exported default.
import { readFileSync } from 'node:fs';
import { defaultCredentialPolicy, defaultThrottlePolicy, MAX_CONSECUTIVE_FAILURES } from '@selfprov/core/credentials';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

const root = new URL('../../../', import.meta.url);
const read = (path: string) => readFileSync(new URL(path, root), 'utf8');
const documents = ['docs/domain.md', 'packages/core/src/credentials/README.md'];

test('the throttling defaults of the docs are the code’s', () => {
  const p = defaultThrottlePolicy;
  for (const doc of documents) {
    const text = read(doc).replace(/\s+/g, ' ');
    assert.ok(
      text.includes(
        `\`deviceMaxFailures\` ${p.deviceMaxFailures} per \`deviceWindowMinutes\` ${p.deviceWindowMinutes}, \`globalMaxFailures\` ${p.globalMaxFailures} per \`globalWindowMinutes\` ${p.globalWindowMinutes}`,
      ),
      `${doc} states the throttle defaults ${JSON.stringify(p)}`,
    );
  }
});

test('the credential policy table of docs/domain.md is the code’s defaults', () => {
  const text = read('docs/domain.md');
  for (const [field, value] of Object.entries(defaultCredentialPolicy)) {
    const row = text.split('\n').find((l) => l.startsWith(`| \`${field}\``));
    assert.ok(row, `docs/domain.md has a row for ${field}`);
    assert.is(row?.split('|')[2]?.trim(), String(value), `${field} default`);
  }
  assert.match(text, new RegExp(`${MAX_CONSECUTIVE_FAILURES} consecutive failures per account`));
});

test.run();
