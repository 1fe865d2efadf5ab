// The selfprov demo server in a few lines of library code: the same thing
// `selfprov serve --demo` does, written out so an integrator sees the parts.
//
//   node --conditions=source --import tsx examples/server/src/main.ts [--store URL] [--port 3000] [--host 127.0.0.1]
import { parseArgs } from 'node:util';
import { createSelfprov, DEFAULT_STORE_URL, demoSecrets, seedDemoData } from '@selfprov/app';
import { generateAdminToken, startHttpServer } from '@selfprov/http';
import * as E from 'fp-ts/lib/Either.js';

const { values } = parseArgs({
  options: { store: { type: 'string' }, port: { type: 'string' }, host: { type: 'string' } },
});
const store = values.store ?? process.env.SELFPROV_STORE ?? DEFAULT_STORE_URL;
const port = Number(values.port ?? process.env.PORT ?? 3000);
const host = values.host ?? (process.env.HOST || '127.0.0.1');

// 1. The backend: one store URL in; the domain, credentials, self-care and the IVR gateway out.
const app = await createSelfprov({ store });
if (E.isLeft(app)) {
  console.error(`cannot open ${store}: ${app.left.code}: ${app.left.message}`);
  process.exit(1);
}
const backend = app.right;

// 2. The demo data (idempotent: a second start writes nothing).
const seeded = await seedDemoData(backend);
if (E.isLeft(seeded)) {
  console.error(`cannot seed the demo: ${seeded.left.code}: ${seeded.left.message}`);
  await backend.close();
  process.exit(1);
}

// 3. HTTP: the admin API (bearer token), devices, the IVR webhook, the self-care API and portal.
const adminToken = process.env.SELFPROV_ADMIN_TOKEN || generateAdminToken();
const server = await startHttpServer({ backend, adminToken, port, host });
console.log(`demo server on ${server.url} (store ${backend.store.description})`);
console.log(`  portal: ${server.url}/   admin view: ${server.url}/admin   API: ${server.url}/openapi.json`);
console.log(`  admin token: ${process.env.SELFPROV_ADMIN_TOKEN ? 'from SELFPROV_ADMIN_TOKEN' : adminToken}`);
console.log(`  logins: ${demoSecrets.selfCareUsers.map((u) => `${u} / ${demoSecrets.selfCarePassword}`).join(', ')}`);

// 4. Graceful shutdown: stop accepting, let requests in flight finish, then close the store.
let stopping = false;
const stop = async (signal: string) => {
  if (stopping) return;
  stopping = true;
  console.log(`${signal}: stopping`);
  await server.close();
  await backend.close();
  console.log('stopped');
};
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));
