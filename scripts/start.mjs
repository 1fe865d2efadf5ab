#!/usr/bin/env node
// The main job. Until the demo server exists (HTTP issue), it runs the embedding
// example end to end: seed the demo on the SQLite default store, provision a phone,
// then replay the history from the file.
import { spawn } from 'node:child_process';

const root = new URL('..', import.meta.url).pathname;
const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', 'examples/embed/src/main.ts', ...process.argv.slice(2)], {
  cwd: root,
  stdio: 'inherit',
});
child.on('close', (code) => process.exit(code ?? 1));
