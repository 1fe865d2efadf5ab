/**
 * Child process of security.multiprocess.test.ts. Usage: securityWorker.ts <db path> <worker> <rounds> <subjects> <limit>.
 * Prints `ready`, waits for `go`, opens the (already created) file, then races the other workers:
 * - `keyFor(subject, true)` for `subject-0`..`subject-<subjects-1>` (in an order of its own): prints
 *   `key <subject> <sha256 of the key>` (never the key itself);
 * - `rounds` failures counted on the shared account `alice`/pin, by read / registerFailure / save
 *   with the revision, retried on `credential_revision_conflict`, as the credentials module does;
 * - one `tryAcquire('global', ...)` per round against `limit`: prints `grant <count>` when acquired.
 * Ends with `done <conflicts retried>`. Any failure prints `error ...` and exits 1.
 */
import { createHash } from 'node:crypto';
import { createInterface } from 'node:readline';
import { defaultCredentialPolicy, registerFailure } from '@selfprov/core';
import { createSqliteEventStore, sqliteSecurityStores } from '../index.js';

const [path = '', workerArg = '0', roundsArg = '50', subjectsArg = '20', limitArg = '10'] = process.argv.slice(2);
const worker = Number(workerArg);
const rounds = Number(roundsArg);
const subjects = Number(subjectsArg);
const limit = Number(limitArg);
const out = (line: string) => process.stdout.write(`${line}\n`);
const die = (what: string, e: { code: string; message: string }): never => {
  out(`error ${what} ${e.code} ${e.message}`);
  process.exit(1);
};

out('ready');
await new Promise<void>((resolve) => createInterface({ input: process.stdin }).once('line', () => resolve()));

const store = createSqliteEventStore({ path, busyTimeoutMs: 20_000 });
const { credentials, throttle, keys } = sqliteSecurityStores(store);
const now = new Date(Date.UTC(2026, 2, 2, 9, 0, 0));

// Each worker walks the subjects in its own order (rotated, every other one reversed), so every
// subject is contended by the workers that reach it at about the same time.
const order = Array.from({ length: subjects }, (_, i) => (i + worker * 5) % subjects);
if (worker % 2 === 1) order.reverse();
for (const i of order) {
  const subject = `subject-${i}`;
  const key = await keys.keyFor(subject, true)();
  if (key._tag === 'Left') die('keyFor', key.left);
  else if (key.right === undefined) die('keyFor', { code: 'no_key', message: subject });
  else out(`key ${subject} ${createHash('sha256').update(key.right).digest('hex')}`);
}

let conflicts = 0;
for (let i = 0; i < rounds; i++) {
  for (let round = 0; ; round++) {
    const loaded = await credentials.load('alice', 'pin')();
    if (loaded._tag === 'Left') die('load', loaded.left);
    const current = loaded._tag === 'Right' ? loaded.right : undefined;
    if (current === undefined) die('load', { code: 'no_record', message: 'alice/pin is not seeded' });
    const next = registerFailure(current as NonNullable<typeof current>, defaultCredentialPolicy, now).state;
    const saved = await credentials.save(next, current?.revision ?? null)();
    if (saved._tag === 'Right') break;
    if (saved.left.code !== 'credential_revision_conflict' || round > 10_000) die('save', saved.left);
    conflicts += 1;
  }
  const acquired = await throttle.tryAcquire('global', now, 15 * 60_000, limit)();
  if (acquired._tag === 'Left') die('tryAcquire', acquired.left);
  else if (acquired.right.acquired) out(`grant ${acquired.right.count}`);
}
await store.close();
out(`done ${conflicts}`);
