/**
 * One competitor of the multi-process race test (races.test.ts), run as its own Node process:
 * `node --conditions=source --import tsx raceWorker.ts`. Configuration comes from the environment
 * (SELFPROV_RACE_URL holds a password: it is never printed). It prints `ready`, waits for `go` on
 * stdin, races, then prints one JSON line with what the store acknowledged.
 */
import { createInterface } from 'node:readline';
import { testEvent } from '@selfprov/core/testkit';
import * as E from 'fp-ts/lib/Either.js';
import { createPostgresEventStore } from '../index.js';

const env = (name: string): string => {
  const value = process.env[name];
  if (value === undefined) throw new Error(`${name} is not set`);
  return value;
};

const worker = Number(env('SELFPROV_RACE_WORKER'));
const rounds = Number(env('SELFPROV_RACE_ROUNDS'));
const counters = Number(env('SELFPROV_RACE_COUNTERS'));
const reservations = Number(env('SELFPROV_RACE_RESERVATIONS'));
const store = createPostgresEventStore({ connectionString: env('SELFPROV_RACE_URL'), schema: env('SELFPROV_RACE_SCHEMA'), poolSize: 4 });

interface Ack {
  readonly eventId: string;
  readonly streamId: string;
  readonly streamVersion: number;
  readonly globalPosition: number;
}
const acks: Ack[] = [];
const won: string[] = [];
const lost: string[] = [];
let conflicts = 0;

const fail = (what: string, e: { code: string; message: string }): never => {
  process.stderr.write(`worker ${worker}: ${what}: ${e.code}: ${e.message}\n`);
  process.exit(2);
};

const ready = await store.ready()();
if (E.isLeft(ready)) fail('ready', ready.left);
process.stdout.write('ready\n');
const lines = createInterface({ input: process.stdin });
for await (const line of lines) if (line.trim() === 'go') break;
lines.close();

/** Optimistic read-decide-append on the shared counters until it lands, like the command handler does. */
const bump = async (round: number, streams: readonly string[]) => {
  for (;;) {
    const versions: number[] = [];
    for (const streamId of streams) {
      const r = await store.readStream(streamId, { direction: 'backward', maxCount: 1 })();
      if (E.isLeft(r)) return fail('read', r.left);
      versions.push(r.right.currentVersion);
    }
    const result = await store.appendMulti(
      streams.map((streamId, i) => ({
        streamId,
        expected: versions[i] === -1 ? ('no_stream' as const) : (versions[i] as number),
        events: [testEvent('Bumped', { worker, round, stream: streamId })],
      })),
    )();
    if (E.isRight(result)) {
      for (const s of result.right.streams)
        for (const e of s.events)
          acks.push({ eventId: e.eventId, streamId: e.streamId, streamVersion: e.streamVersion, globalPosition: e.globalPosition });
      return;
    }
    if (result.left.code !== 'wrong_expected_version') return fail('append', result.left);
    conflicts += 1;
  }
};

let next = 0;
for (let round = 0; round < rounds; round++) {
  const a = `counter-${(round + worker) % counters}`;
  const b = `counter-${(round + worker + 1) % counters}`;
  // Every third round touches two counters atomically.
  await bump(round, round % 3 === 2 ? [a, b] : [a]);
  // Interleave the reservations: every worker claims the same ids in the same order.
  while (next < reservations && next <= ((round + 1) * reservations) / rounds) {
    const streamId = `dn-${1000 + next}`;
    const r = await store.append(streamId, 'no_stream', [testEvent('Reserved', { worker })])();
    if (E.isRight(r)) won.push(streamId);
    else if (r.left.code === 'wrong_expected_version') lost.push(streamId);
    else fail('reserve', r.left);
    next += 1;
  }
}

process.stdout.write(`${JSON.stringify({ worker, acks, won, lost, conflicts })}\n`);
await store.close();
