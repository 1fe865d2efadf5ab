/**
 * Child process of crash.test.ts. Usage: crashWriter.ts <db path> <run>.
 * Appends to three streams as fast as it can until it is killed. Each append is a batch named
 * `<run>:<i>` (in every event's data): two events on one stream, or (every fifth) an atomic pair
 * across two streams sharing a `pair` id. Before each append it prints `start <batch> <eventId>...`
 * (everything that append may write), after it resolved `ack <batch> <eventId>...` (never before):
 * the parent knows exactly which batches were acknowledged, and which one was in flight at the kill
 * (each line is written synchronously: see `writeLine`).
 * Prints `ready` once the store is open and it starts writing.
 */
import { randomUUID } from 'node:crypto';
import type { NewEvent, StoreError } from '@selfprov/core';
import { createSqliteEventStore } from '../index.js';
import { writeLine } from './lines.js';

const [path = '', run = '0'] = process.argv.slice(2);
/** Synchronous: a line written is in the pipe, whatever instant the kill comes at. */
const out = writeLine;
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
  const batch = `${run}:${i}`;
  if (i % 5 === 4) {
    const pair = randomUUID();
    const a = event('Paired', { batch, pair, run, i });
    const b = event('Paired', { batch, pair, run, i });
    out(`start ${batch} ${a.eventId} ${b.eventId}`);
    const r = await store.appendMulti([
      { streamId: 'crash-a', expected: expectedOf('crash-a'), events: [a] },
      { streamId: 'crash-b', expected: expectedOf('crash-b'), events: [b] },
    ])();
    if (r._tag === 'Left') die('pair', r.left);
    else for (const s of r.right.streams) version.set(s.streamId, s.nextExpectedVersion);
    out(`ack ${batch} ${a.eventId} ${b.eventId}`);
  } else {
    const streamId = streams[i % streams.length] as string;
    const events = [event('Written', { batch, run, i, n: 0 }), event('Written', { batch, run, i, n: 1 })];
    out(`start ${batch} ${events.map((e) => e.eventId).join(' ')}`);
    const r = await store.append(streamId, expectedOf(streamId), events)();
    if (r._tag === 'Left') die('append', r.left);
    else version.set(streamId, r.right.streams[0]?.nextExpectedVersion ?? -1);
    out(`ack ${batch} ${events.map((e) => e.eventId).join(' ')}`);
  }
}
