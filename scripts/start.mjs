#!/usr/bin/env node
// The main job: `selfprov serve --demo` on the embedded SQLite default store
// (sqlite:./.selfprov/events.db), honouring PORT (and HOST). Extra arguments are
// passed on, e.g. `node scripts/start.mjs --port 8080`.
import { spawn } from 'node:child_process';

const root = new URL('..', import.meta.url).pathname;
const bin = new URL('../packages/adapters/cli/bin/selfprov.mjs', import.meta.url).pathname;
const child = spawn(process.execPath, [bin, 'serve', '--demo', ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' });
// Ctrl-C reaches the whole process group; a `kill` of this process alone is passed on. Shutdown is graceful either way.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
child.on('close', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
