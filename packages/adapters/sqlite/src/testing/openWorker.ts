/**
 * Child process of multiprocess.test.ts. Usage: openWorker.ts <db path> <worker>.
 * Prints `ready`, waits for `go`, then opens the (new) file and appends one event to its own stream.
 * Prints `ok <globalPosition>` or `error <code> <message>`.
 */
import { createInterface } from 'node:readline';
import { openSqliteEventStore } from '../index.js';

const [path = '', worker = '0'] = process.argv.slice(2);
process.stdout.write('ready\n');
await new Promise<void>((resolve) => createInterface({ input: process.stdin }).once('line', () => resolve()));
const opened = openSqliteEventStore({ path });
if (opened._tag === 'Left') {
  process.stdout.write(`error ${opened.left.code} ${opened.left.message}\n`);
  process.exit(1);
}
const store = opened.right;
const r = await store.append(`opener-${worker}`, 'no_stream', [
  { type: 'Opened', data: { worker }, metadata: { actor: { kind: 'system', id: `opener-${worker}` }, channel: 'system' } },
])();
process.stdout.write(r._tag === 'Right' ? `ok ${r.right.lastGlobalPosition}\n` : `error ${r.left.code} ${r.left.message}\n`);
await store.close();
process.exit(r._tag === 'Right' ? 0 : 1);
