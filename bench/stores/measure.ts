// Measurement: each workload on a fresh subject, its outcome kept under its key (`<section>/<store>`).
import {
  emmettReadCapMs,
  fmt,
  memoryCapMs,
  say,
  W1_PER_STREAM,
  W1_STREAMS,
  W2_APPENDERS,
  W2_PER_APPENDER,
  W3_BATCH,
  W3_BATCHES,
} from './settings.js';
import { type Rate, type Subject, type W1Result, type W3Result, w1, w2, w3 } from './workloads.js';

export interface Outcome {
  w1?: W1Result;
  w2?: Rate;
  w3?: W3Result;
  unavailable?: string;
}
export const results = new Map<string, Outcome>();
export const outcome = (key: string): Outcome => {
  const found = results.get(key);
  if (found) return found;
  const created: Outcome = {};
  results.set(key, created);
  return created;
};

export const settle = () => {
  global.gc?.();
};

/** Runs one workload on a fresh subject, closing it afterwards; failures are recorded, not thrown. */
export const measure = async <K extends 'w1' | 'w2' | 'w3'>(
  key: string,
  workload: K,
  make: () => Subject | Promise<Subject>,
  run: (s: Subject) => Promise<NonNullable<Outcome[K]>>,
): Promise<void> => {
  settle();
  const o = outcome(key);
  let subject: Subject | undefined;
  try {
    subject = await make();
    const r = await run(subject);
    o[workload] = r;
    say(`  ${key} ${workload}: ${summary(r)}`);
  } catch (cause) {
    o.unavailable = cause instanceof Error ? cause.message.split('\n')[0] : String(cause);
    say(`  ${key} ${workload}: FAILED ${o.unavailable}`);
  } finally {
    await subject?.close().catch(() => undefined);
  }
};

const summary = (r: Rate | W1Result | W3Result): string => {
  const one = (x: Rate) =>
    `${fmt(x.perSecond)}/s (${fmt(x.count)} in ${x.seconds.toFixed(2)} s${x.errors ? `, ${x.errors} errors: ${x.firstError ?? ''}` : ''}${x.capped ? ', capped' : ''})`;
  if ('perSecond' in r) return one(r);
  if ('aggregateStreams' in r) return `append ${one(r.append)}; aggregate ${one(r.aggregateStreams)}`;
  return `append ${one(r.append)}${r.read ? `; read ${one(r.read)}` : ''}`;
};

export const runDurableTrio = async (
  section: string,
  subjects: readonly { key: string; make: () => Subject | Promise<Subject>; w1CapMs?: number; w2CapMs?: number; emmett?: boolean }[],
) => {
  say(`\n# ${section}: W1 ${fmt(W1_STREAMS)} streams x ${W1_PER_STREAM}`);
  for (const s of subjects) await measure(s.key, 'w1', s.make, (x) => w1(x, W1_STREAMS, W1_PER_STREAM, s.w1CapMs));
  say(`# ${section}: W2 ${W2_APPENDERS} concurrent appenders x ${fmt(W2_PER_APPENDER)}`);
  for (const s of subjects) await measure(s.key, 'w2', s.make, (x) => w2(x, W2_APPENDERS, W2_PER_APPENDER, s.w2CapMs));
  say(`# ${section}: W3 ${fmt(W3_BATCHES * W3_BATCH)} events in batches of ${fmt(W3_BATCH)}`);
  // selfprov and the raw floor twice each, in turn, keeping each one's faster run: W3 is CPU-bound and the
  // machine is shared, so one unlucky run says more about the neighbours than about the store.
  for (const round of [1, 2])
    for (const s of subjects) {
      if (s.emmett && round === 2) continue;
      const previous = results.get(s.key)?.w3;
      await measure(s.key, 'w3', s.make, (x) => w3(x, W3_BATCHES, W3_BATCH, s.emmett ? emmettReadCapMs : undefined));
      const current = results.get(s.key)?.w3;
      if (previous && current && previous.append.perSecond > current.append.perSecond) outcome(s.key).w3 = previous;
    }
};

/** Runs `w1` `times` times on fresh subjects and keeps the run with the median append rate (short runs are noisy). */
export const medianW1 = async (make: () => Subject, streams: number, times: number): Promise<W1Result> => {
  const runs: W1Result[] = [];
  for (let i = 0; i < times; i++) {
    settle();
    const subject = make();
    try {
      runs.push(await w1(subject, streams, W1_PER_STREAM, memoryCapMs));
    } finally {
      await subject.close();
    }
    if (runs[runs.length - 1]?.append.capped) break;
  }
  runs.sort((x, y) => x.append.perSecond - y.append.perSecond);
  return runs[Math.floor(runs.length / 2)] as W1Result;
};
