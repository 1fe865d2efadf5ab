// Docs stay true: the snippet under "## Example" in each package README is run
// as a real program (from a temporary file inside this workspace package, so
// `@selfprov/*` imports resolve), and must exit 0 and print something.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { acquire, release } from '@selfprov/store-postgres/testing';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

const root = new URL('../../../', import.meta.url).pathname;
const here = new URL('./', import.meta.url).pathname;
const readmes = ['packages', 'packages/adapters']
  .flatMap((base) => readdirSync(join(root, base)).map((name) => join(root, base, name, 'README.md')))
  .filter((path) => existsSync(path));

// The first ```ts block of the "## Example" section (prose may come first, another section may not).
const exampleOf = (markdown: string): string | undefined =>
  /## Example[^\n]*\n(?:(?!\n## )[\s\S])*?```ts\n([\s\S]*?)```/.exec(markdown)?.[1];

for (const readme of readmes) {
  const snippet = exampleOf(readFileSync(readme, 'utf8'));
  if (snippet === undefined) continue;
  const name = readme.slice(root.length);
  test(`${name}: the example runs`, async () => {
    // The PostgreSQL example needs a real server: the same embedded one the adapter's tests start.
    const pg = name.includes('/postgres/') ? await acquire() : undefined;
    const file = join(here, `.readme-snippet-${name.replace(/[^a-z0-9]+/gi, '-')}.ts`);
    writeFileSync(file, snippet);
    try {
      // A scratch working directory: snippets that create files (a SQLite store...) leave nothing behind.
      const cwd = mkdtempSync(join(tmpdir(), 'selfprov-readme-'));
      const run = spawnSync(process.execPath, ['--conditions=source', '--import', import.meta.resolve('tsx'), file], {
        cwd,
        env: pg ? { ...process.env, SELFPROV_PG_URL: pg.url } : process.env,
        encoding: 'utf8',
        timeout: 60_000,
      });
      rmSync(cwd, { recursive: true, force: true });
      assert.is(run.status, 0, `${name} example failed:\n${run.stderr}`);
      assert.ok(run.stdout.trim().length > 0, `${name} example printed nothing`);
    } finally {
      rmSync(file, { force: true });
      if (pg) await release();
    }
  });
}

test('every package README has a runnable example', () => {
  const without = readmes.filter((r) => exampleOf(readFileSync(r, 'utf8')) === undefined).map((r) => r.slice(root.length));
  assert.equal(without, []);
});

test.run();
