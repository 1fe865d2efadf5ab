// Docs stay true: the snippet under "## Example" in each package README is run as a real program
// (from a temporary file inside this workspace package, so `@selfprov/*` imports resolve), must exit
// 0, and must print what the README shows it doing: the values, lines and refusals its code and
// comments promise (`expectations` below, one per README; a README without one fails).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSelfprov, demoSecrets, seedDemoData } from '@selfprov/app';
import { acquire, release } from '@selfprov/store-postgres/testing';
import * as E from 'fp-ts/lib/Either.js';
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

/** Runs the snippet once more (in the same scratch directory), asserts exit 0, returns its stdout. */
type Run = (env?: Readonly<Record<string, string>>) => string;
interface Context {
  readonly run: Run;
  readonly cwd: string;
}

const linesOf = (stdout: string) => stdout.trimEnd().split('\n');
/** util.inspect output on one line, spaces collapsed: `{ a: 1, b: 'x' }`. */
const flat = (stdout: string) => stdout.replace(/\s+/g, ' ').trim();

/** A port that was free a moment ago (bound to 0, noted, closed): nobody listens on it. */
const closedPort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });

/** What `selfprov demo --store memory:` must report: the library's own seed of a fresh in-memory store. */
const demoReport = async () => {
  const app = await createSelfprov({ store: 'memory:' });
  if (E.isLeft(app)) throw new Error(app.left.message);
  try {
    const seeded = await seedDemoData(app.right);
    if (E.isLeft(seeded)) throw new Error(seeded.left.message);
    return { ...seeded.right, description: app.right.store.description };
  } finally {
    await app.right.close();
  }
};

const expectations: Record<string, (ctx: Context) => Promise<void> | void> = {
  'packages/core/README.md': ({ run }) => {
    // One event, on version 0 of the stream, with the actor and channel of the command's context.
    assert.equal(linesOf(run()), ["[ 'speed-dials-alice@0 SpeedDialAdded by alice via selfcare' ]"]);
  },

  'packages/ivr/README.md': ({ run }) => {
    const out = run();
    const lines = linesOf(out);
    // The keys pressed are echoed, the PIN masked: "A secret entry is never echoed, recorded or logged".
    const caller = lines.filter((l) => l.startsWith('caller '));
    assert.ok(caller.includes('caller 2001#'), caller.join('\n'));
    assert.is(caller.filter((l) => l === 'caller ********#').length, 1, caller.join('\n'));
    assert.not.ok(out.includes('73915824'), 'the PIN appears nowhere in the output');
    // The dialogue: welcome, the ID read back, provisioned on alice's extension, goodbye.
    const ivr = lines.filter((l) => l.startsWith('IVR    '));
    assert.is(ivr[0], 'IVR    Welcome to phone self-provisioning.');
    const confirm = ivr.indexOf('IVR    You entered 2001. To confirm, press 1. To enter it again, press 2.');
    const done = ivr.indexOf('IVR    Your phone is now provisioned with extension 2001. It will restart.');
    assert.ok(confirm > 0 && done > confirm, ivr.join('\n'));
    assert.is(ivr.at(-1), 'IVR    Goodbye.');
    // The gateway's phone is now alice's, provisioned on 2001.
    const phone = /phone: (.*?) recorded: /.exec(flat(out))?.[1] ?? '';
    for (const word of ['provisioned', 'alice', '2001']) assert.ok(phone.includes(word), `phone: ${phone}`);
    // The call's stream: the keys recorded, the PIN digits only as masked events.
    const recorded =
      lines
        .find((l) => l.startsWith('recorded: '))
        ?.slice('recorded: '.length)
        .split(', ') ?? [];
    assert.is(recorded[0], 'IvrCallStarted');
    assert.is(recorded.filter((t) => t === 'IvrSecretDigitEntered').length, 8, 'one masked event per PIN digit');
    assert.ok(recorded.includes('IvrEffectCompleted'), recorded.join(', '));
  },

  'packages/selfcare/README.md': ({ run }) => {
    assert.equal(linesOf(run()), [
      // Bob's phone is not hers: refused in the domain.
      'bob phone: not_owner',
      'speed dials: [{"position":1,"number":"5551234,,42#","label":"Bank"}] pauses (s): [ 4 ]',
      'forward all: {"to":"voicemail"}',
      // The batch file: bob's account added, carol (no account) refused, one report line per action.
      'batch line 2: applied',
      'batch line 3: refused (account_not_found)',
    ]);
  },

  'packages/adapters/app/README.md': ({ run }) => {
    // The lowest DN of the demo range, then provisioned to alice on her primary extension.
    assert.equal(linesOf(run()), ['SEP001122334455 got 1000', 'provisioned to alice on 2001']);
  },

  'packages/adapters/cli/README.md': async ({ run }) => {
    const expected = await demoReport();
    assert.ok(expected.eventsWritten > 0 && expected.secretsSet > 0);
    assert.equal(linesOf(run()), [
      `demo data seeded in ${expected.description}: ${expected.eventsWritten} events, ${expected.secretsSet} secrets`,
      `cluster cluster-1, IVR extension 8000, users ${Object.keys(demoSecrets.pins).join(', ')} (PINs in the README)`,
      'note: this store keeps secrets in memory only; they are gone when this process ends',
    ]);
    assert.equal(Object.keys(demoSecrets.pins), ['alice', 'bob', 'dave']);
  },

  'packages/adapters/http/README.md': ({ run }) => {
    const out = flat(run());
    // "it gets SEP<MAC> and the lowest free DN of the range", answered 201.
    assert.ok(out.startsWith("201 { deviceName: 'SEP001122334455', directoryNumber: '1000', clusterId: 'cluster-1' }"), out);
    // The administrator reads the same phone back: auto-registered, nobody's yet, its line on 1000.
    assert.ok(
      out.includes(
        "{ deviceName: 'SEP001122334455', mac: '001122334455', model: 'Cisco 8845', protocol: 'SIP', clusterId: 'cluster-1', owner: null, state: 'autoregistered', registered: true, lines: [ { index: 1, directoryNumber: '1000', lineTemplate: 'Standard Line' } ]",
      ),
      out,
    );
  },

  'packages/adapters/kurrentdb/README.md': async ({ run }) => {
    if (process.env.KURRENTDB_URL) {
      // A real server: the reservation, or (when an earlier run already made it) the typed conflict.
      const [line, ...rest] = linesOf(run());
      assert.equal(rest, []);
      assert.match(line ?? '', /^(reserved at commit position \d+|wrong_expected_version: .+)$/);
      return;
    }
    // "without a server it shows the typed error every call returns instead of hanging": a port
    // nobody listens on (not the default 2113, which a developer's own server may hold).
    const port = await closedPort();
    const [line, ...rest] = linesOf(run({ KURRENTDB_URL: `kurrentdb://127.0.0.1:${port}?tls=false` }));
    assert.equal(rest, []);
    assert.match(line ?? '', /^store_unavailable: KurrentDB is unavailable\b/);
  },

  'packages/adapters/node/README.md': ({ run }) => {
    // The comment's promised prefix (the default parameters), then the right and the wrong PIN.
    assert.equal(linesOf(run()), ['$scrypt$ln=17,r=8,p=1$ ...', 'verifies: true / wrong PIN: false']);
  },

  'packages/adapters/postgres/README.md': ({ run }) => {
    // On a fresh schema: reserved at the first position, the second reservation refused, the
    // projection sees the one stream, and the live subscription (closed at once) printed nothing.
    assert.equal(linesOf(run()), ['reserved at position 1', 'wrong_expected_version', "[ 'dn-1000' ]"]);
  },

  'packages/adapters/sip/README.md': ({ run }) => {
    const lines = linesOf(run()).map((l) => l.trimEnd());
    const port = Number(/^SIP listening on 127\.0\.0\.1:(\d+)$/.exec(lines[0] ?? '')?.[1]);
    assert.ok(port > 0, lines[0]);
    // The registrar's answer to the REGISTER: 200 OK, the dialog echoed, the auto-registered DN announced.
    assert.is(lines[1], 'SIP/2.0 200 OK');
    const phonePort = Number(/^Via: SIP\/2\.0\/UDP 127\.0\.0\.1:(\d+);branch=z9hG4bK-example-1;rport=(\d+)$/.exec(lines[2] ?? '')?.[1]);
    assert.ok(phonePort > 0, lines[2]);
    assert.ok(lines.includes(`Via: SIP/2.0/UDP 127.0.0.1:${phonePort};branch=z9hG4bK-example-1;rport=${phonePort}`), lines[2]);
    for (const header of ['Call-ID: example-register-1@127.0.0.1', 'CSeq: 1 REGISTER', 'P-Associated-URI: <sip:1000@127.0.0.1>'])
      assert.ok(lines.includes(header), `${header} in\n${lines.join('\n')}`);
    assert.ok(
      lines.includes(
        `Contact: <sip:SEP001122334455@127.0.0.1:${phonePort}>;+sip.instance="<urn:uuid:00000000-0000-0000-0000-001122334455>";expires=3600`,
      ),
      lines.join('\n'),
    );
    // And the domain knows the phone: auto-registered on the first DN of the demo range.
    assert.is(lines.at(-1), 'domain: autoregistered on 1000');
  },

  'packages/adapters/sqlite/README.md': ({ run, cwd }) => {
    const log = ['1 dn-1000 0 DnReserved', '2 phone-SEP001122334455 0 LineAdded'];
    // Its default URL, relative to the working directory: a new file there.
    assert.equal(linesOf(run()), ['reserved at global position 2', ...log]);
    assert.ok(existsSync(join(cwd, '.selfprov', 'events.db')), 'the store file is where the default URL says');
    // "wrong_expected_version on a second run": the DN is held, nothing more written.
    assert.equal(linesOf(run()), ['not reserved: wrong_expected_version', ...log]);
  },
};

for (const readme of readmes) {
  const snippet = exampleOf(readFileSync(readme, 'utf8'));
  if (snippet === undefined) continue;
  const name = readme.slice(root.length);
  test(`${name}: the example runs and prints what the README shows`, async () => {
    const expect = expectations[name];
    if (expect === undefined) assert.unreachable(`${name}: no expectation of what its example prints: add one to readmeSnippets.test.ts`);
    // The PostgreSQL example needs a real server: the same embedded one the adapter's tests start,
    // on a schema of its own (so that its first position is 1 whatever ran before).
    const pg = name.includes('/postgres/') ? await acquire() : undefined;
    const schema = pg?.freshSchema('readme');
    const file = join(here, `.readme-snippet-${name.replace(/[^a-z0-9]+/gi, '-')}.ts`);
    writeFileSync(file, snippet);
    // A scratch working directory: snippets that create files (a SQLite store...) leave nothing behind.
    const cwd = mkdtempSync(join(tmpdir(), 'selfprov-readme-'));
    try {
      const base: Record<string, string | undefined> = { ...process.env };
      // The SQLite example's own default URL, not whatever store the caller's shell names.
      delete base.SELFPROV_STORE;
      // Plain output, as a reader piping the example sees it (uvu sets FORCE_COLOR=1 for itself).
      delete base.FORCE_COLOR;
      if (pg && schema) {
        const url = new URL(pg.url);
        url.searchParams.set('schema', schema);
        base.SELFPROV_PG_URL = url.toString();
      }
      const run: Run = (env = {}) => {
        const r = spawnSync(process.execPath, ['--conditions=source', '--import', import.meta.resolve('tsx'), file], {
          cwd,
          env: { ...base, ...env },
          encoding: 'utf8',
          // Only turns a hang into a failure: a loaded machine starts TypeScript slowly.
          timeout: 120_000,
        });
        assert.is(r.status, 0, `${name} example failed (${r.signal ?? r.error?.message ?? 'exit'}):\n${r.stderr}`);
        return r.stdout;
      };
      await (expect as (ctx: Context) => Promise<void> | void)({ run, cwd });
    } finally {
      rmSync(cwd, { recursive: true, force: true });
      rmSync(file, { force: true });
      if (pg && schema) await pg.dropSchema(schema);
      if (pg) await release();
    }
  });
}

test('every package README has a runnable example, and each has its expectation', () => {
  const without = readmes.filter((r) => exampleOf(readFileSync(r, 'utf8')) === undefined).map((r) => r.slice(root.length));
  assert.equal(without, []);
  assert.equal(
    Object.keys(expectations).sort(),
    readmes.map((r) => r.slice(root.length)).sort(),
    'an expectation for a README that is gone',
  );
});

test.run();
