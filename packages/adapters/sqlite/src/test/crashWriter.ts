/**
 * Child process of crash.test.ts. Usage: crashWriter.ts <db path> <run>.
 * Appends to three streams as fast as it can until it is killed, and prints `ack <eventId>` for
 * every event of every acknowledged append (after the append resolved, never before). Every fifth
 * append is an atomic pair across two streams sharing a `pair` id, to check all-or-nothing after a kill.
 * Prints `ready` once the store is open and it starts writing.
 */
import { randomUUID } from 'node:crypto';
import type { NewEvent, StoreError } from '@selfprov/core';
import { createSqliteEventStore } from '../index.js';

const [path = '', run = '0'] = process.argv.slice(2);
const out = (line: string) => process.stdout.write(`${line}\n`);
const die = (what: string, e: StoreError): never => {
  out(`error ${what} ${e.code} ${e.message}`);
  process.exit(1);
};
// Some bulk, so the WAL grows and auto-checkpoints happen while the writer may be killed.
const filler = 'x'.repeat(400);
const event = (type: string, data: Record<string, string | number>): NewEvent => ({
  type,
  data: { ...data, filler },
  eventId: randomUUID(),
  metadata: { actor: { kind: 'system', id: `crash-writer-${run}` }, channel: 'system' },
});

const store = createSqliteEventStore({ path });
const streams = ['crash-a', 'crash-b', 'crash-c'] as const;
const version = new Map<string, number>();
for (const s of streams) {
  const r = await store.readStream(s, { direction: 'backward', maxCount: 1 })();
  if (r._tag === 'Left') die('read', r.left);
  version.set(s, r._tag === 'Right' ? r.right.currentVersion : -1);
}
const expectedOf = (s: string) => {
  const v = version.get(s) ?? -1;
  return v < 0 ? ('no_stream' as const) : v;
};

out('ready');
for (let i = 0; ; i++) {
  if (i % 5 === 4) {
    const pair = randomUUID();
    const a = event('Paired', { pair, run, i });
    const b = event('Paired', { pair, run, i });
    const r = await store.appendMulti([
      { streamId: 'crash-a', expected: expectedOf('crash-a'), events: [a] },
      { streamId: 'crash-b', expected: expectedOf('crash-b'), events: [b] },
    ])();
    if (r._tag === 'Left') die('pair', r.left);
    else for (const s of r.right.streams) version.set(s.streamId, s.nextExpectedVersion);
    out(`ack ${a.eventId}`);
    out(`ack ${b.eventId}`);
  } else {
    const streamId = streams[i % streams.length] as string;
    const batch = [event('Written', { run, i, n: 0 }), event('Written', { run, i, n: 1 })];
    const r = await store.append(streamId, expectedOf(streamId), batch)();
    if (r._tag === 'Left') die('append', r.left);
    else version.set(streamId, r.right.streams[0]?.nextExpectedVersion ?? -1);
    for (const e of batch) out(`ack ${e.eventId}`);
  }
}
