/**
 * The smallest embedding of selfprov in a host program, end to end on the embedded
 * SQLite store: record a self-provisioning story as events, close the file, then
 * reopen it and replay: the history as an auditor reads it, and the read models
 * rebuilt from zero.
 *
 *   node --conditions=source --import tsx examples/embed/src/main.ts [--db path]
 */

import { mkdirSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import {
  aesGcmCipher,
  createMemoryCredentialStore,
  createMemoryKeyStore,
  createMemoryThrottleStore,
  createSelfProvisioning,
  type EventStore,
  type RecordedEvent,
  seedDemo,
  setAuthenticationCode,
  setCredential,
  systemRuntime,
  verifyPin,
  withPersonalDataProtection,
} from '@selfprov/core';
import { createScryptHasher } from '@selfprov/node';
import { createSqliteEventStore } from '@selfprov/store-sqlite';
import * as E from 'fp-ts/lib/Either.js';

const { values } = parseArgs({ options: { db: { type: 'string', default: './.selfprov/embed-example.db' } } });
const path = values.db ?? './.selfprov/embed-example.db';

/** Unwraps a TaskEither result or stops the program with the typed error. */
const must = async <A>(what: string, task: () => Promise<E.Either<{ code: string; message: string }, A>>): Promise<A> => {
  const result = await task();
  if (E.isLeft(result)) {
    console.error(`${what} failed: ${result.left.code}: ${result.left.message}`);
    process.exit(1);
  }
  return result.right;
};

const runtime = systemRuntime();
// Personal data (names, emails) is encrypted per user before it reaches the file.
// The key store is in memory here: a durable one comes with the store adapters.
const keys = createMemoryKeyStore(runtime.random);
const protect = (store: EventStore) => withPersonalDataProtection(store, { keys, cipher: aesGcmCipher() });

// A fresh file each run, so the output is the same every time.
rmSync(path, { force: true });
for (const suffix of ['-wal', '-shm']) rmSync(path + suffix, { force: true });
mkdirSync(dirname(path), { recursive: true });

console.log(`== 1. Record, on sqlite:${path}`);
const sqlite = createSqliteEventStore({ path });
const store = protect(sqlite);
const selfprov = createSelfProvisioning({ store, runtime });
const seed = await must('seeding the demo', seedDemo({ store, runtime }));
console.log(`seeded the demo configuration: ${seed.eventsWritten} events (cluster ${seed.clusterId}, IVR extension ${seed.ivrExtension})`);
await must('starting the read models', selfprov.start());

// Secrets live in the credential store, never in the event log: the system authentication
// code (the cluster only records that it changed) and alice's PIN.
const credentials = {
  store: createMemoryCredentialStore(),
  throttle: createMemoryThrottleStore(),
  hasher: createScryptHasher({ log2N: 14 }),
  clock: runtime.clock,
};
await must('setting the authentication code', setAuthenticationCode(credentials, { code: '4242' }));
await must(
  'recording the code change',
  selfprov.configure('cluster', { type: 'RecordAuthenticationCodeChanged', clusterId: seed.clusterId }),
);
await must(
  'setting the PIN',
  setCredential(credentials, { subject: 'alice', kind: 'pin', secret: '73915824', by: 'administrator', owner: { extension: '2001' } }),
);

const readiness = await must('readiness', selfprov.systemReadiness(seed.clusterId));
console.log(`system readiness: ${readiness.length === 0 ? 'ready' : readiness.map((r) => r.code).join(', ')}`);

const phone = await must(
  'auto-registration',
  selfprov.autoRegisterPhone({ clusterId: seed.clusterId, mac: '00:11:22:33:44:55', model: 'Cisco 8845', protocol: 'SIP' }),
);
console.log(`a new phone plugged in: ${phone.deviceName} auto-registered with temporary DN ${phone.directoryNumber}`);

const check = await must('PIN check', verifyPin(credentials, { subject: 'alice', secret: '73915824', device: phone.deviceName }));
console.log(`alice dials ${seed.ivrExtension}, enters self-provisioning id 2001 and her PIN: ${check.outcome}`);

const provisioned = await must(
  'provisioning',
  selfprov.provisionPhone(
    { clusterId: seed.clusterId, deviceName: phone.deviceName, selfProvisioningId: '2001', authentication: { method: 'pin' } },
    { actor: { kind: 'user', id: 'alice' }, channel: 'ivr', commandId: `ivr-call-1:provision` },
  ),
);
console.log(`provisioned: ${JSON.stringify(provisioned)}`);

const leaked = JSON.stringify(await sqlite.readAll({ maxCount: 10_000 })()).match(/73915824|4242|Alice|alice@example/g);
console.log(`secrets or personal data in clear in the file: ${leaked === null ? 'none' : leaked.join(', ')}`);
await sqlite.close();

console.log(`\n== 2. Replay, from a reopened sqlite:${path}`);
const reopened = protect(createSqliteEventStore({ path }));
const all: RecordedEvent[] = [];
for (let after = 0; ; ) {
  const page = await must('reading the log', reopened.readAll({ after, maxCount: 500 }));
  if (page.length === 0) break;
  all.push(...page);
  after = page[page.length - 1]?.globalPosition ?? after;
}
const describe = (e: RecordedEvent) =>
  `#${String(e.globalPosition).padStart(3)} ${e.occurredAt} ${e.streamId}@${e.streamVersion} ${e.type} by ${e.metadata.actor.kind}:${e.metadata.actor.id} via ${e.metadata.channel}`;
console.log(`${all.length} events recorded; the last ones, as an auditor reads them:`);
for (const e of all.slice(-8)) console.log(describe(e));

const rebuilt = createSelfProvisioning({ store: reopened, runtime });
await must('rebuilding the read models', rebuilt.start());
const after = await must('phone lookup', rebuilt.phone(phone.deviceName));
const alice = await must('user lookup', rebuilt.user('alice'));
console.log(`\nread models rebuilt from zero:`);
console.log(
  `  ${after?.deviceName}: state ${after?.state}, owner ${after?.owner}, lines ${JSON.stringify(after?.lines)}, device template ${after?.deviceTemplate}`,
);
console.log(
  `  alice (${alice?.personal.firstName} ${alice?.personal.lastName}): extension ${alice?.primaryExtension}, phones ${JSON.stringify(alice?.phones)}`,
);
const free = await must('free DNs', rebuilt.freeDirectoryNumbers(seed.clusterId, 3));
console.log(`  the temporary DN went back to the pool: next free DNs ${free.join(', ')}`);
await reopened.close();
