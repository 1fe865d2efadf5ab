// Packages an outsider can install (issue 14, item 9). Every package of packages/ and packages/adapters/
// is built and packed as it would be published; each tarball must stand on its own (no `workspace:`
// range, every `exports` target shipped, a `.d.ts` for every entry, no test files, no stale build
// output, every package its JavaScript imports declared). Then @selfprov/core, @selfprov/node and
// @selfprov/store-sqlite are installed with npm (not pnpm) into a fresh folder outside the workspace,
// and the examples of packages/core/README.md and packages/adapters/sqlite/README.md are compiled
// there against the installed declarations and run with plain `node` (no tsx, no `source` condition:
// the published JavaScript), printing exactly what tests/docs expects of them.
import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

const root = new URL('../../../', import.meta.url).pathname;
const readJson = (path: string): unknown => JSON.parse(readFileSync(path, 'utf8'));

interface Manifest {
  readonly name: string;
  readonly version: string;
  readonly private?: boolean;
  readonly exports?: unknown;
  readonly main?: string;
  readonly types?: string;
  readonly bin?: string | Readonly<Record<string, string>>;
  readonly dependencies?: Readonly<Record<string, string>>;
  readonly devDependencies?: Readonly<Record<string, string>>;
  readonly peerDependencies?: Readonly<Record<string, string>>;
  readonly optionalDependencies?: Readonly<Record<string, string>>;
}
const dependencyFields = ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies'] as const;

/** The packages an outsider could install: every non-private package of packages/ and packages/adapters/. */
const workspacePackages = new Map(
  ['packages', 'packages/adapters']
    .flatMap((base) => readdirSync(join(root, base)).map((name) => join(root, base, name)))
    .filter((dir) => existsSync(join(dir, 'package.json')))
    .map((dir) => ({ dir, manifest: readJson(join(dir, 'package.json')) as Manifest }))
    .filter((p) => p.manifest.private !== true)
    .map((p) => [p.manifest.name, p] as const),
);
/** What the outsider installs: the SQLite store and what it depends on. */
const installed = ['@selfprov/core', '@selfprov/node', '@selfprov/store-sqlite'];

const pnpm = (readJson(join(root, 'package.json')) as { packageManager: string }).packageManager;
const tsc = join(root, 'node_modules', '.bin', 'tsc');

// Children see neither the test runner's settings nor a `pnpm test` parent's npm_* configuration (which
// would configure the outsider's npm like the workspace's); registry, cache and proxy settings stay.
const childEnv: Record<string, string | undefined> = { ...process.env };
for (const key of Object.keys(childEnv))
  if (/^(npm|pnpm)_/i.test(key) && !/registry|cache|proxy|cafile|strict_ssl|userconfig/i.test(key)) delete childEnv[key];
delete childEnv.NODE_OPTIONS;
delete childEnv.SELFPROV_STORE; // the SQLite example's own default URL, not the caller's store
delete childEnv.FORCE_COLOR; // plain output, as a reader piping the example sees it

const run = (command: string, args: readonly string[], cwd: string, timeoutMs: number): string => {
  const started = Date.now();
  const r = spawnSync(command, args, { cwd, env: childEnv, encoding: 'utf8', timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 });
  const what = `${command} ${args.join(' ')} (in ${cwd})`;
  assert.is(r.status, 0, `${what} failed (${r.signal ?? r.error?.message ?? `exit code ${r.status}`}):\n${r.stdout}\n${r.stderr}`);
  console.log(`[packaging] ${what}: ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return r.stdout;
};

const scratch = mkdtempSync(join(tmpdir(), 'selfprov-packaging-'));
const outsider = join(scratch, 'outsider');
const keep = process.env.SELFPROV_PACKAGING_KEEP === '1';

interface Tarball {
  readonly path: string;
  readonly manifest: Manifest;
  readonly files: ReadonlySet<string>;
  readonly dir: string;
}
const tarballs = new Map<string, Tarball>();

/** Later tests stand on earlier ones: one clear failure instead of a cascade of missing files. */
const installedOk = () => existsSync(join(outsider, 'node_modules', '.package-lock.json'));
const requireInstall = () => assert.ok(installedOk(), 'the outsider install did not complete (see the install test)');

const inTarball = (t: Tarball, target: string) => t.files.has(target.replace(/^\.\//, ''));
const testFile = /(^|\/)(src|dist)\/(test|testing)\/|\.(test|support|testsupport)\.[^/]*$/;
// Static imports and re-exports (a statement's start to its specifier, crossing no string) and import('...').
const importSpecifier = /^\s*(?:import|export)\s(?:[^;'"]*?\sfrom\s*)?['"]([^'"\s]+)['"]|\bimport\(\s*['"]([^'"\s]+)['"]\s*\)/gm;
const packageOf = (specifier: string): string | undefined => {
  if (/^(\.|\/|node:|data:)/.test(specifier) || builtinModules.includes(specifier.split('/')[0] ?? '')) return undefined;
  return specifier
    .split('/')
    .slice(0, specifier.startsWith('@') ? 2 : 1)
    .join('/');
};

/** Everything wrong with one packed package, as sentences (none: it can be installed from the registry alone). */
const problemsOf = (t: Tarball, workspaceDir: string): string[] => {
  const problems: string[] = [];
  const m = t.manifest;
  for (const field of dependencyFields)
    for (const [name, range] of Object.entries(m[field] ?? {}))
      if (/^(workspace|link|file):/.test(range)) problems.push(`${field}.${name} is "${range}" in the packed manifest`);

  const targets: Array<readonly [string, string]> = [];
  const walk = (value: unknown, at: string) => {
    if (typeof value === 'string') targets.push([at, value]);
    else if (value !== null && typeof value === 'object')
      for (const [k, v] of Object.entries(value)) walk(v, at === '' ? k : `${at} > ${k}`);
  };
  walk(m.exports, '');
  if (targets.length === 0) problems.push('no exports');
  // Every condition, `source` included: src is either shipped or the condition is not in the packed manifest.
  for (const [at, target] of targets) if (!inTarball(t, target)) problems.push(`exports ${at}: ${target} is not in the tarball`);
  for (const [subpath, entry] of Object.entries((m.exports ?? {}) as Record<string, unknown>)) {
    if (subpath === './package.json') continue;
    const conditions = (typeof entry === 'object' && entry !== null ? entry : {}) as Record<string, unknown>;
    const keys = Object.keys(conditions);
    if (typeof conditions.types !== 'string' || !conditions.types.endsWith('.d.ts')) problems.push(`exports ${subpath}: no types (.d.ts)`);
    if (typeof conditions.default !== 'string' || !conditions.default.endsWith('.js'))
      problems.push(`exports ${subpath}: no default (.js)`);
    else if (keys.indexOf('types') > keys.indexOf('default')) problems.push(`exports ${subpath}: types after default (never matched)`);
  }
  for (const field of ['main', 'types'] as const) {
    const target = m[field];
    if (target !== undefined && !inTarball(t, target)) problems.push(`${field}: ${target} is not in the tarball`);
  }
  const bins = typeof m.bin === 'string' ? { [m.name]: m.bin } : (m.bin ?? {});
  for (const [name, target] of Object.entries(bins))
    if (!inTarball(t, target)) problems.push(`bin ${name}: ${target} is not in the tarball`);

  const tests = [...t.files].filter((f) => testFile.test(f));
  if (tests.length > 0) problems.push(`test files or test support shipped: ${tests.join(', ')}`);

  // dist is shipped whole: an output whose source was moved or deleted since it was built would ship too.
  for (const f of t.files) {
    const js = /^dist\/(.*)\.js$/.exec(f)?.[1];
    if (js !== undefined && !['.ts', '.tsx'].some((ext) => existsSync(join(workspaceDir, 'src', js + ext))))
      problems.push(`${f}: stale build output (no src/${js}.ts): rebuild from clean (tsc -b --clean && tsc -b)`);
  }

  // What the published JavaScript imports must be installed with it: a dependency or peer, not a devDependency.
  const declared = new Set([m.name, ...Object.keys({ ...m.dependencies, ...m.peerDependencies, ...m.optionalDependencies })]);
  const undeclared = new Map<string, string[]>();
  for (const f of [...t.files].filter((f) => /^(dist|bin)\/.*\.m?js$/.test(f)))
    for (const match of readFileSync(join(t.dir, f), 'utf8').matchAll(importSpecifier)) {
      const name = packageOf(match[1] ?? match[2] ?? '.');
      if (name !== undefined && !declared.has(name)) undeclared.set(name, [...(undeclared.get(name) ?? []), f]);
    }
  for (const [name, files] of undeclared) problems.push(`imports ${name}, which it does not depend on (${files.join(', ')})`);
  return problems;
};

/** Builds the packages (tsc -b, incremental: a filtered run has no build step) and packs them into `into`. */
const buildAndPack = (projects: readonly string[], filters: readonly string[], into: string): Map<string, Tarball> => {
  run(tsc, ['-b', ...projects], root, 10 * 60_000);
  mkdirSync(into, { recursive: true });
  run('npx', ['-y', pnpm, '-r', ...filters.flatMap((f) => ['--filter', f]), 'pack', '--pack-destination', into], root, 5 * 60_000);
  const packed = new Map<string, Tarball>();
  for (const file of readdirSync(into).filter((f) => f.endsWith('.tgz'))) {
    const path = join(into, file);
    const dir = join(`${into}-unpacked`, file.replace(/\.tgz$/, ''));
    mkdirSync(dir, { recursive: true });
    run('tar', ['xzf', path, '-C', dir], scratch, 60_000);
    const files = new Set(
      run('tar', ['tzf', path], scratch, 60_000)
        .split('\n')
        .filter((f) => f !== '' && !f.endsWith('/'))
        .map((f) => f.replace(/^package\//, '')),
    );
    const manifest = readJson(join(dir, 'package', 'package.json')) as Manifest;
    packed.set(manifest.name, { path, manifest, files, dir: join(dir, 'package') });
  }
  return packed;
};
const problemsOfAll = (packed: ReadonlyMap<string, Tarball>) =>
  [...packed].flatMap(([name, t]) => {
    const ws = workspacePackages.get(name);
    return ws === undefined
      ? [`${name}: not a package of packages/ or packages/adapters/`]
      : problemsOf(t, ws.dir).map((p) => `${name}: ${p}`);
  });

test('core, node and store-sqlite pack into tarballs that stand on their own', () => {
  // Only what the outsider installs: a package elsewhere that does not build cannot hide this result.
  const projects = installed.map((name) => workspacePackages.get(name)?.dir ?? name);
  for (const [name, t] of buildAndPack(projects, installed, join(scratch, 'tarballs'))) tarballs.set(name, t);
  assert.equal([...tarballs.keys()].sort(), [...installed].sort(), 'one tarball per package');
  assert.equal(problemsOfAll(tarballs), []);
});

test('an outsider installs core, node and store-sqlite from the tarballs with npm', () => {
  for (const name of installed) assert.ok(tarballs.has(name), `${name} was not packed (see the first test)`);
  assert.not.ok(realpathSync(scratch).startsWith(realpathSync(root)), `${scratch} is inside the workspace`);
  // Nothing above the folder may lend it packages (a node_modules in /tmp, say): resolution stops at its own.
  for (let dir = dirname(realpathSync(scratch)); ; dir = dirname(dir)) {
    assert.not.ok(existsSync(join(dir, 'node_modules', '@selfprov')), `${dir}/node_modules/@selfprov would be found by the outsider`);
    if (dirname(dir) === dir) break;
  }
  mkdirSync(outsider);
  run('npm', ['init', '-y'], outsider, 60_000);
  // npm 11 runs a dependency's install script only when allowScripts lists it: better-sqlite3 builds its addon.
  const manifest = readJson(join(outsider, 'package.json')) as Record<string, unknown>;
  writeFileSync(join(outsider, 'package.json'), `${JSON.stringify({ ...manifest, allowScripts: { 'better-sqlite3': true } }, null, 2)}\n`);
  // The testkit's optional peers (uvu, fast-check), at the ranges the packed core asks for.
  const peers = Object.entries(tarballs.get('@selfprov/core')?.manifest.peerDependencies ?? {}).map(([name, range]) => `${name}@${range}`);
  const files = installed.map((name) => tarballs.get(name)?.path ?? name);
  // better-sqlite3 may compile from source (no prebuilt binary reachable): a minute or more on a busy machine.
  run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error', ...files, ...peers], outsider, 12 * 60_000);
});

test('the installed manifests have no workspace: range, and the packages are copies, not links', () => {
  requireInstall();
  for (const name of installed) {
    const dir = join(outsider, 'node_modules', name);
    assert.ok(existsSync(join(dir, 'package.json')), `${name} is installed`);
    assert.not.ok(lstatSync(dir).isSymbolicLink(), `${name} is a link, not an installed copy`);
    const manifest = readJson(join(dir, 'package.json')) as Manifest;
    assert.is(manifest.version, workspacePackages.get(name)?.manifest.version, `${name} version`);
    for (const field of dependencyFields)
      for (const [dep, range] of Object.entries(manifest[field] ?? {}))
        assert.not.match(range, /^(workspace|link|file):/, `${name} ${field}.${dep}: ${range}`);
  }
});

test('every exported subpath loads with plain node from the published JavaScript, testkit included', () => {
  requireInstall();
  const script = join(outsider, 'exports-check.mjs');
  writeFileSync(
    script,
    `import { readFileSync } from 'node:fs';
const loaded = [];
for (const name of process.argv.slice(2)) {
  const manifest = JSON.parse(readFileSync(new URL(\`./node_modules/\${name}/package.json\`, import.meta.url), 'utf8'));
  for (const subpath of Object.keys(manifest.exports)) {
    if (subpath === './package.json') continue;
    const specifier = subpath === '.' ? name : name + subpath.slice(1);
    const module = await import(specifier);
    loaded.push({ specifier, url: import.meta.resolve(specifier), names: Object.keys(module) });
  }
}
console.log(JSON.stringify(loaded));
`,
  );
  const loaded = JSON.parse(run(process.execPath, [script, ...installed], outsider, 120_000)) as Array<{
    specifier: string;
    url: string;
    names: string[];
  }>;
  const modules = pathToFileURL(join(realpathSync(outsider), 'node_modules')).href;
  for (const { specifier, url, names } of loaded) {
    const name = installed.find((n) => specifier === n || specifier.startsWith(`${n}/`)) ?? specifier;
    assert.ok(url.startsWith(`${modules}/${name}/dist/`) && url.endsWith('.js'), `${specifier} resolved to ${url}`);
    assert.ok(names.length > 0, `${specifier} exports nothing`);
  }
  for (const name of installed)
    assert.ok(
      loaded.some((l) => l.specifier === name),
      `${name} loaded`,
    );
  const coreExports = Object.keys((tarballs.get('@selfprov/core')?.manifest.exports ?? {}) as Record<string, unknown>);
  if (coreExports.includes('./testkit')) {
    const testkit = loaded.find((l) => l.specifier === '@selfprov/core/testkit');
    assert.ok(testkit?.names.includes('defineEventStoreContract'), `@selfprov/core/testkit: ${testkit?.names.join(', ')}`);
  }
});

// The snippet tests/docs runs: the first ```ts block of the README's "## Example" section (prose may
// come first, another section may not). Copied from tests/docs/src/readmeSnippets.test.ts, as are the
// expected outputs below.
const exampleOf = (markdown: string): string | undefined =>
  /## Example[^\n]*\n(?:(?!\n## )[\s\S])*?```ts\n([\s\S]*?)```/.exec(markdown)?.[1];
const readmes = { core: 'packages/core/README.md', sqlite: 'packages/adapters/sqlite/README.md' } as const;
const linesOf = (stdout: string) => stdout.trimEnd().split('\n');

test('the README examples compile against the installed declarations (no source condition)', () => {
  requireInstall();
  const files: string[] = [];
  for (const [key, readme] of Object.entries(readmes)) {
    const snippet = exampleOf(readFileSync(join(root, readme), 'utf8'));
    assert.ok(snippet !== undefined, `${readme} has an example`);
    writeFileSync(join(outsider, `readme-${key}.mts`), snippet ?? '');
    files.push(`readme-${key}.mts`);
  }
  // An outsider's usual settings; Node's types from the workspace (the outsider installed no @types/node).
  const compilerOptions = {
    target: 'es2022',
    lib: ['es2023'],
    module: 'nodenext',
    moduleResolution: 'nodenext',
    strict: true,
    skipLibCheck: true,
    types: ['node'],
    typeRoots: [join(root, 'node_modules', '@types')],
  };
  writeFileSync(join(outsider, 'tsconfig.json'), `${JSON.stringify({ compilerOptions, files }, null, 2)}\n`);
  run(tsc, ['-p', join(outsider, 'tsconfig.json')], outsider, 5 * 60_000);
  for (const key of Object.keys(readmes)) assert.ok(existsSync(join(outsider, `readme-${key}.mjs`)), `readme-${key}.mjs emitted`);
});

/** Runs a compiled example with plain node in a scratch working directory; asserts exit 0, returns stdout. */
const example = (key: keyof typeof readmes, cwd: string) => {
  const compiled = join(outsider, `readme-${key}.mjs`);
  assert.ok(existsSync(compiled), `${compiled} was not compiled (see the compile test)`);
  return run(process.execPath, [compiled], cwd, 120_000);
};

test('packages/core/README.md: the example prints what the README shows, from the installed package', () => {
  const cwd = mkdtempSync(join(scratch, 'run-core-'));
  assert.equal(linesOf(example('core', cwd)), ["[ 'speed-dials-alice@0 SpeedDialAdded by alice via selfcare' ]"]);
});

test('packages/adapters/sqlite/README.md: the example prints what the README shows, from the installed package', () => {
  const cwd = mkdtempSync(join(scratch, 'run-sqlite-'));
  const log = ['1 dn-1000 0 DnReserved', '2 phone-SEP001122334455 0 LineAdded'];
  // Its default URL, relative to the working directory: a new file there.
  assert.equal(linesOf(example('sqlite', cwd)), ['reserved at global position 2', ...log]);
  assert.ok(existsSync(join(cwd, '.selfprov', 'events.db')), 'the store file is where the default URL says');
  // "wrong_expected_version on a second run": the DN is held, nothing more written.
  assert.equal(linesOf(example('sqlite', cwd)), ['not reserved: wrong_expected_version', ...log]);
});

test('every package of packages/ and packages/adapters/ packs into a tarball that stands on its own', () => {
  // Last: the whole workspace must build for this one, which the outsider's tests above do not need.
  const packed = buildAndPack([], ['./packages/**'], join(scratch, 'all-tarballs'));
  assert.equal([...packed.keys()].sort(), [...workspacePackages.keys()].sort(), 'one tarball per package');
  assert.equal(problemsOfAll(packed), []);
});

test.after(() => {
  if (keep) console.log(`[packaging] kept ${scratch} (SELFPROV_PACKAGING_KEEP=1)`);
  else rmSync(scratch, { recursive: true, force: true });
});

test.run();
