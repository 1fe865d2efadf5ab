#!/usr/bin/env node
// Runs every benchmark under bench/ (each `bench/<name>/run.ts`), one process each,
// with --expose-gc so memory figures are measured after a collection.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const only = process.argv.slice(2);
const benches = readdirSync(join(root, 'bench'), { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(join(root, 'bench', d.name, 'run.ts')))
  .map((d) => d.name)
  .filter((name) => only.length === 0 || only.includes(name));
let failed = 0;
for (const name of benches) {
  console.log(`\n## bench/${name}`);
  const r = spawnSync(process.execPath, ['--expose-gc', '--conditions=source', '--import', 'tsx', join('bench', name, 'run.ts')], {
    cwd: root,
    stdio: 'inherit',
  });
  if (r.status !== 0) failed += 1;
}
process.exit(failed > 0 ? 1 : 0);
