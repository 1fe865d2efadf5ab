#!/usr/bin/env node
// The `selfprov` command. Inside the workspace (sources present) it runs the
// TypeScript sources through tsx, with the `source` export condition so workspace
// packages resolve to their sources too: a stale `dist/` never shadows an edit.
// Published installs ship `bin` and `dist` only, and run the compiled code.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const main = fileURLToPath(new URL('../src/main.ts', import.meta.url));
if (!existsSync(main)) {
  await import(new URL('../dist/main.js', import.meta.url).href);
} else {
  const child = spawn(process.execPath, ['--conditions=source', '--import', import.meta.resolve('tsx'), main, ...process.argv.slice(2)], {
    stdio: 'inherit',
  });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
  child.on('close', (code, signal) => process.exit(code ?? (signal ? 128 + 1 : 1)));
}
