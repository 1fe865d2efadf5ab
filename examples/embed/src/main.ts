/**
 * Embedding selfprov in a host program, end to end on the embedded SQLite store:
 *   1. record a self-provisioning story as events;
 *   2. reopen the file and replay it: the history as an auditor reads it, and the
 *      read models rebuilt from zero;
 *   3. mount selfprov's HTTP API and portal inside the host's own Fastify server.
 *
 *   node --conditions=source --import tsx examples/embed/src/main.ts [--db path]
 */
import { mkdirSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { createSelfprov, demoSecrets, type Selfprov, seedDemoData } from '@selfprov/app';
import type { RecordedEvent } from '@selfprov/core';
import { verifyPin } from '@selfprov/core';
import { generateAdminToken, selfprovFrameworkErrors, selfprovHttp } from '@selfprov/http';
import { createScryptHasher } from '@selfprov/node';
import Fastify from 'fastify';
import * as E from 'fp-ts/lib/Either.js';

const { values } = parseArgs({ options: { db: { type: 'string', default: './.selfprov/embed-example.db' } } });
const path = values.db ?? './.selfprov/embed-example.db';
const store = `sqlite:${path}`;
// A cheaper scrypt cost than production's default keeps the example quick; hashes record their cost.
const hasher = createScryptHasher({ log2N: 14 });

/** Unwraps a result or stops the program with the typed error. */
const must = async <A>(what: string, task: () => Promise<E.Either<{ code: string; message: string }, A>>): Promise<A> => {
  const result = await task();
  if (E.isLeft(result)) {
    console.error(`${what} failed: ${result.left.code}: ${result.left.message}`);
    process.exit(1);
  }
  return result.right;
};
const open = (): Promise<Selfprov> => must('opening the store', () => createSelfprov({ store, hasher }));

// A fresh file each run, so the output is the same every time.
for (const suffix of ['', '-wal', '-shm']) rmSync(path + suffix, { force: true });
mkdirSync(dirname(path), { recursive: true });

console.log(`== 1. Record, on ${store}`);
const app = await open();
const seed = await must('seeding the demo', () => seedDemoData(app));
console.log(
  `seeded the demo: ${seed.eventsWritten} events, ${seed.secretsSet} secrets (cluster ${seed.clusterId}, IVR extension ${seed.ivrExtension})`,
);
const readiness = await must('readiness', app.selfProvisioning.systemReadiness(seed.clusterId));
console.log(`system readiness: ${readiness.length === 0 ? 'ready' : readiness.map((r) => r.code).join(', ')}`);

const phone = await must(
  'auto-registration',
  app.selfProvisioning.autoRegisterPhone({ clusterId: seed.clusterId, mac: '00:11:22:33:44:55', model: 'Cisco 8845', protocol: 'SIP' }),
);
console.log(`a new phone plugged in: ${phone.deviceName} auto-registered with temporary DN ${phone.directoryNumber}`);

// The PIN lives in the credential store (same file, hashed), never in the event log.
const pin = demoSecrets.pins.alice ?? '';
const check = await must('PIN check', verifyPin(app.credentials, { subject: 'alice', secret: pin, device: phone.deviceName }));
console.log(`alice dials ${seed.ivrExtension}, enters self-provisioning id 2001 and her PIN: ${check.outcome}`);
const provisioned = await must('provisioning', () =>
  app.selfProvisioning.provisionPhone(
    { clusterId: seed.clusterId, deviceName: phone.deviceName, selfProvisioningId: '2001', authentication: { method: 'pin' } },
    { actor: { kind: 'user', id: 'alice' }, channel: 'ivr', commandId: 'ivr-call-1:provision' },
  )(),
);
console.log(`provisioned: ${JSON.stringify(provisioned)}`);
// What the file holds that anyone could read: each event's data and who acted. Ids and hashes are
// random hex and left out, since a short secret such as the code could appear in them by chance.
const stored = await must('reading the log', () => app.store.events.readAll({ maxCount: 10_000 })());
const raw = JSON.stringify(stored.map((e) => [e.type, e.data, e.metadata.actor]));
const leaked = raw.match(new RegExp(`${pin}|${demoSecrets.authenticationCode}|Alice|alice@example`, 'g'));
console.log(`secrets or personal data in clear in the file: ${leaked === null ? 'none' : leaked.join(', ')}`);
await app.close();

console.log(`\n== 2. Replay, from the reopened ${store}`);
const reopened = await open();
const all: RecordedEvent[] = [];
for (let after = 0; ; ) {
  const page = await must('reading the log', reopened.events.readAll({ after, maxCount: 500 }));
  if (page.length === 0) break;
  all.push(...page);
  after = page[page.length - 1]?.globalPosition ?? after;
}
const describe = (e: RecordedEvent) =>
  `#${String(e.globalPosition).padStart(3)} ${e.streamId}@${e.streamVersion} ${e.type} by ${e.metadata.actor.kind}:${e.metadata.actor.id} via ${e.metadata.channel}`;
console.log(`${all.length} events recorded; the last ones, as an auditor reads them:`);
for (const e of all.slice(-6)) console.log(describe(e));
const after = await must('phone lookup', reopened.selfProvisioning.phone(phone.deviceName));
const alice = await must('user lookup', reopened.selfProvisioning.user('alice'));
console.log('read models rebuilt from the file:');
console.log(
  `  ${after?.deviceName}: state ${after?.state}, owner ${after?.owner}, lines ${JSON.stringify(after?.lines)}, device template ${after?.deviceTemplate}`,
);
console.log(
  `  alice (${alice?.personal.firstName} ${alice?.personal.lastName}): extension ${alice?.primaryExtension}, phones ${JSON.stringify(alice?.phones)}`,
);
const free = await must('free DNs', reopened.selfProvisioning.freeDirectoryNumbers(seed.clusterId, 3));
console.log(`  the temporary DN went back to the pool: next free DNs ${free.join(', ')}`);

console.log('\n== 3. Mounted in a host application with its own HTTP server');
const adminToken = generateAdminToken();
const host = Fastify({ frameworkErrors: selfprovFrameworkErrors });
host.get('/hello', async () => ({ hello: 'from the host application' }));
await host.register(selfprovHttp, { prefix: '/selfprov', backend: reopened, adminToken });
const hello = await host.inject({ method: 'GET', url: '/hello' });
console.log(`GET /hello -> ${hello.statusCode} ${hello.body}`);
const health = await host.inject({ method: 'GET', url: '/selfprov/healthz' });
console.log(`GET /selfprov/healthz -> ${health.statusCode} ${health.body}`);
const owned = await host.inject({
  method: 'GET',
  url: `/selfprov/api/admin/phones/${phone.deviceName}`,
  headers: { authorization: `Bearer ${adminToken}` },
});
const body = owned.json() as { owner?: string; state?: string; lines?: { directoryNumber?: string }[] };
console.log(
  `GET /selfprov/api/admin/phones/${phone.deviceName} -> ${owned.statusCode} owner ${body.owner}, state ${body.state}, line 1 ${body.lines?.[0]?.directoryNumber}`,
);
// Close the host first (in-flight requests finish), then the backend.
await host.close();
await reopened.close();
