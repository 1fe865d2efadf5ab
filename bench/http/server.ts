// Child process of bench/http/run.ts: the selfprov HTTP server on a fresh SQLite file at
// synchronous=FULL, the demo seeded, on an ephemeral loopback port. Prints one line
// `READY {"url":...,"adminToken":...}` on stdout when listening; stops on SIGTERM.
//   node --conditions=source --import tsx bench/http/server.ts <sqlite-file>
import { createSelfprov, type OpenedStore, seedDemoData } from '../../packages/adapters/app/src/index.js';
import { generateAdminToken, startHttpServer } from '../../packages/adapters/http/src/index.js';
import { openSqliteEventStore, sqliteSecurityStores } from '../../packages/adapters/sqlite/src/index.js';
import { systemRuntime } from '../../packages/core/src/index.js';

const path = process.argv[2];
if (path === undefined) throw new Error('usage: server.ts <sqlite-file>');
const runtime = systemRuntime();
const sqlite = openSqliteEventStore({ path, runtime, synchronous: 'full' });
if (sqlite._tag === 'Left') throw new Error(sqlite.left.message);
const db = sqlite.right;
const synchronous = db.database.pragma('synchronous', { simple: true });
const store: OpenedStore = {
  events: db,
  checkpoints: db.checkpoints,
  security: sqliteSecurityStores(db, { random: runtime.random }),
  description: `sqlite:${path}`,
  close: () => db.close(),
};
const app = await createSelfprov({ store, runtime });
if (app._tag === 'Left') throw new Error(app.left.message);
const seeded = await seedDemoData(app.right);
if (seeded._tag === 'Left') throw new Error(seeded.left.message);
const adminToken = generateAdminToken();
const server = await startHttpServer({ backend: app.right, adminToken, port: 0, host: '127.0.0.1' });
// synchronous: 2 = FULL (SQLite's PRAGMA numbering).
process.stdout.write(`READY ${JSON.stringify({ url: server.url, adminToken, synchronous })}\n`);
const stop = async () => {
  await server.close();
  await app.right.close();
  process.exit(0);
};
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());
