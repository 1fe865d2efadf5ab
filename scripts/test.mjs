#!/usr/bin/env node
// Runs every check and test of the workspace and ends with `N passed, M failed, K skipped`.
// Steps: system packages the tests need (installed as root with apt, else named), lint (biome), typecheck (tsc over sources and tests), build, then each package's uvu
// tests in their own process (a crash or hang in one package cannot hide another's results).
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const only = process.argv.slice(2);
const results = [];
const note = (name, passed, failed, skipped = 0, detail = '') => {
  results.push({ name, passed, failed, skipped });
  const status = failed > 0 ? 'FAIL' : 'ok';
  console.log(
    `\n== ${status} ${name}: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}${detail ? ` (${detail})` : ''}`,
  );
};

const run = (cmd, args, { timeoutMs = 15 * 60_000, env = {} } = {}) =>
  new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const onData = (d) => {
      out += d;
      process.stdout.write(d);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    const timer = setTimeout(() => {
      out += `\n[test runner] killed after ${timeoutMs} ms\n`;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
  });

const walk = (dir, found = []) => {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist' || name.startsWith('.')) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path, found);
    else if (/\.test\.ts$/.test(name)) found.push(path);
  }
  return found;
};

// Test roots: every workspace package (and example) with test files.
const packageDirs = ['packages', 'packages/adapters', 'examples', 'tests']
  .flatMap((base) => readdirSync(join(root, base)).map((n) => join(root, base, n)))
  .filter((dir) => statSync(dir).isDirectory() && n(dir) !== 'adapters');
function n(dir) {
  return dir.split('/').pop();
}

const bin = (name) => join(root, 'node_modules', '.bin', name);
const strip = (s) => s.replace(/\x1b\[[0-9;]*m/g, '');

// Real peers the tests drive (a missing one is a failure, never a skip). As root with apt (CI, a fresh
// machine) they are installed here; otherwise the run stops at once and names what to install.
const systemPackages = [
  { package: 'chromium', provides: 'chromium', for: 'the browser tests (packages/adapters/http)' },
  { package: 'sip-tester', provides: 'sipp', for: 'the SIP peer tests (packages/adapters/sip)' },
];
const onPath = (command) =>
  (process.env.PATH ?? '').split(':').some((dir) => {
    try {
      return dir !== '' && statSync(join(dir, command)).isFile();
    } catch {
      return false;
    }
  });
// The browser tests use SELFPROV_CHROMIUM when set (packages/adapters/http/src/browser.test.ts): then that one must exist.
const present = (p) =>
  p.provides === 'chromium' && process.env.SELFPROV_CHROMIUM
    ? statSync(process.env.SELFPROV_CHROMIUM, { throwIfNoEntry: false })?.isFile() === true
    : onPath(p.provides);
const missing = systemPackages.filter((p) => !present(p));
if (missing.length > 0) {
  const names = missing.map((p) => p.package).join(' ');
  const canInstall = process.getuid?.() === 0 && onPath('apt-get');
  if (canInstall) {
    console.log(`[test runner] installing system packages: ${names}`);
    const update = await run('apt-get', ['update', '-qq']);
    const install =
      update.code === 0
        ? await run('apt-get', ['install', '-y', '-qq', ...missing.map((p) => p.package)], { env: { DEBIAN_FRONTEND: 'noninteractive' } })
        : update;
    const still = missing.filter((p) => !present(p));
    if (install.code !== 0 || still.length > 0) {
      note(`system packages (${names})`, 0, 1, 0, `apt-get failed, exit code ${install.code}`);
      console.log('\n0 passed, 1 failed');
      process.exit(1);
    }
  } else {
    for (const p of missing) console.log(`[test runner] missing: ${p.provides} (Debian package ${p.package}), needed by ${p.for}`);
    console.log(`[test runner] install them first: sudo apt-get install -y ${names}`);
    note(`system packages (${names})`, 0, 1, 0, 'not installed');
    console.log('\n0 passed, 1 failed');
    process.exit(1);
  }
}

if (only.length === 0) {
  const lint = await run(bin('biome'), ['check', '.']);
  note('lint (biome check)', lint.code === 0 ? 1 : 0, lint.code === 0 ? 0 : 1);
  const types = await run(bin('tsc'), ['-p', 'tsconfig.check.json']);
  note('typecheck (tsc)', types.code === 0 ? 1 : 0, types.code === 0 ? 0 : 1);
  // The published form: every package emits JavaScript and type declarations.
  const build = await run(bin('tsc'), ['-b']);
  note('build (tsc -b: dist/ with declarations)', build.code === 0 ? 1 : 0, build.code === 0 ? 0 : 1);
}

for (const dir of packageDirs) {
  const rel = relative(root, dir);
  if (only.length > 0 && !only.some((o) => rel.includes(o))) continue;
  const files = walk(dir);
  if (files.length === 0) continue;
  // uvu silently runs zero tests from a file that never calls .run(): refuse such files.
  const silent = files.filter((f) => !/\.run\(\)/.test(readFileSync(f, 'utf8')));
  if (silent.length > 0) note(`${rel}: test files without .run()`, 0, silent.length, 0, silent.map((f) => relative(root, f)).join(', '));
  const { code, out } = await run(
    process.execPath,
    ['--conditions=source', '--import', 'tsx', join(root, 'node_modules', 'uvu', 'bin.js'), rel, '\\.test\\.ts$'],
    {
      env: { FORCE_COLOR: '0' },
    },
  );
  const text = strip(out);
  const total = Number(/Total:\s+(\d+)/.exec(text)?.[1] ?? 0);
  const passed = Number(/Passed:\s+(\d+)/.exec(text)?.[1] ?? 0);
  const skipped = Number(/Skipped:\s+(\d+)/.exec(text)?.[1] ?? 0);
  // uvu's Total leaves skipped tests out. A crash before uvu's summary counts as one failure, so it
  // can never pass unnoticed.
  const failed = Math.max(total - passed, code === 0 ? 0 : 1);
  note(rel, passed, failed, skipped, code === 0 ? '' : `exit code ${code}`);
}

const sum = (k) => results.reduce((a, r) => a + r[k], 0);
const skipped = sum('skipped');
console.log(`\n${sum('passed')} passed, ${sum('failed')} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(sum('failed') > 0 ? 1 : 0);
