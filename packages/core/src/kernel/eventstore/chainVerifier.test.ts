import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { testEvents } from '../../testkit/events.js';
import type { JsonValue } from '../json.js';
import { type Anchor, type ChainProblem, createChainVerifier, verifyStore } from './chainVerifier.js';
import type { RecordedEvent } from './envelope.js';
import { eventHashOf } from './hashChain.js';
import { createMemoryEventStore } from './memory.js';

/** A chained log: `streams[i]` events for stream `s<i>`, interleaved round-robin in global order. */
const chainedLog = (lengths: readonly number[]): RecordedEvent[] => {
  const heads = lengths.map(() => ({ version: -1, hash: null as string | null }));
  const log: RecordedEvent[] = [];
  for (let round = 0; round < Math.max(0, ...lengths); round++)
    lengths.forEach((length, i) => {
      if (round >= length) return;
      const head = heads[i] as { version: number; hash: string | null };
      const base = {
        type: 'Changed',
        data: { round, stream: i } as JsonValue,
        metadata: { actor: { kind: 'system', id: 'test' }, channel: 'system' } as const,
        eventId: `00000000-0000-4000-8000-${String(log.length + 1).padStart(12, '0')}`,
        schemaVersion: 1,
        occurredAt: '2026-03-03T10:00:00.000Z',
        streamId: `s${i}`,
        streamVersion: head.version + 1,
        globalPosition: log.length + 1,
      };
      const hash = eventHashOf(base, head.hash);
      log.push({ ...base, prevHash: head.hash, hash });
      heads[i] = { version: base.streamVersion, hash };
    });
  return log;
};

const verify = (log: readonly RecordedEvent[], anchors?: readonly Anchor[]) => {
  const v = createChainVerifier(anchors ? { anchors } : {});
  for (const e of log) v.push(e);
  return v.finish();
};
const first = (log: readonly RecordedEvent[]): ChainProblem => {
  const report = verify(log);
  assert.not.ok(report.ok, 'the tampering must be found');
  return report.problems[0] as ChainProblem;
};
const at = (log: RecordedEvent[], stream: string, version: number) =>
  log.findIndex((e) => e.streamId === stream && e.streamVersion === version);

test('an intact log verifies, whatever its shape (property)', () => {
  fc.assert(
    fc.property(fc.array(fc.integer({ min: 1, max: 8 }), { minLength: 1, maxLength: 6 }), (lengths) => {
      const report = verify(chainedLog(lengths));
      return report.ok && report.events === lengths.reduce((a, b) => a + b, 0) && report.streams === lengths.length;
    }),
  );
});

test('edited: one changed field is named with its stream, version and position', () => {
  const log = chainedLog([4, 4]);
  const i = at(log, 's1', 2);
  log[i] = { ...(log[i] as RecordedEvent), data: { round: 9, stream: 1 } };
  const p = first(log);
  assert.is(p.kind, 'edited');
  assert.is(p.streamId, 's1');
  assert.is(p.streamVersion, 2);
  assert.is(p.globalPosition, log[i]?.globalPosition);
  assert.match(p.message, /does not match its hash/);
});

test('edited: a rewrite with a recomputed hash is caught by the next link', () => {
  const log = chainedLog([4]);
  const target = log[1] as RecordedEvent;
  const forged = { ...target, data: { forged: true } };
  log[1] = { ...forged, hash: eventHashOf(forged, forged.prevHash ?? null) };
  const p = first(log);
  assert.is(p.kind, 'edited');
  assert.is(p.streamVersion, 1);
  assert.is(p.globalPosition, target.globalPosition);
  assert.match(p.message, /rewritten/);
});

test('deleted: a missing event in the middle of a stream', () => {
  const log = chainedLog([5, 5]);
  const i = at(log, 's0', 2);
  const next = log[at(log, 's0', 3)] as RecordedEvent;
  log.splice(i, 1);
  const p = first(log);
  assert.is(p.kind, 'deleted');
  assert.is(p.streamId, 's0');
  assert.is(p.streamVersion, 2);
  assert.is(p.globalPosition, next.globalPosition);
  assert.match(p.message, /version 2 is missing/);
});

test('deleted: a stream whose first event is gone', () => {
  const log = chainedLog([3, 3]);
  log.splice(at(log, 's1', 0), 1);
  const p = first(log);
  assert.is(p.kind, 'deleted');
  assert.is(p.streamVersion, 0);
});

test('deleted: the later versions renumbered down over the deleted one', () => {
  const log = chainedLog([5]);
  log.splice(2, 1);
  for (let i = 2; i < log.length; i++)
    log[i] = { ...(log[i] as RecordedEvent), streamVersion: (log[i] as RecordedEvent).streamVersion - 1 };
  const p = first(log);
  assert.is(p.kind, 'deleted');
  assert.is(p.globalPosition, 4);
  assert.match(p.message, /recorded as version 3/);
});

test('reordered: two events of a stream swapped in the global log', () => {
  const log = chainedLog([4, 4]);
  const a = at(log, 's0', 1);
  const b = at(log, 's0', 2);
  const ea = log[a] as RecordedEvent;
  const eb = log[b] as RecordedEvent;
  log[a] = { ...eb, globalPosition: ea.globalPosition };
  log[b] = { ...ea, globalPosition: eb.globalPosition };
  const report = verify(log);
  assert.is(report.problemCount, 1, JSON.stringify(report.problems));
  const p = report.problems[0] as ChainProblem;
  assert.is(p.kind, 'reordered');
  assert.is(p.streamId, 's0');
  assert.is(p.globalPosition, ea.globalPosition);
  assert.match(p.message, /swapped or reordered/);
});

test('reordered: two stream versions exchanged in place', () => {
  const log = chainedLog([4]);
  log[1] = { ...(log[1] as RecordedEvent), streamVersion: 2 };
  log[2] = { ...(log[2] as RecordedEvent), streamVersion: 1 };
  const report = verify(log);
  const p = report.problems[0] as ChainProblem;
  assert.is(p.kind, 'reordered');
  assert.match(p.message, /versions 1 and 2 were swapped/);
});

test('inserted: a forged event in the middle, later versions renumbered up', () => {
  const log = chainedLog([4, 2]);
  const i = at(log, 's0', 2);
  const original = log[i] as RecordedEvent;
  for (const [j, e] of log.entries())
    if (e.streamId === 's0' && e.streamVersion >= 2) log[j] = { ...e, streamVersion: e.streamVersion + 1 };
  const forged = { ...original, eventId: '99999999-0000-4000-8000-000000000000', data: { forged: true }, globalPosition: 100 };
  log.push({ ...forged, hash: eventHashOf(forged, forged.prevHash ?? null) });
  const p = first(log);
  assert.is(p.kind, 'inserted');
  assert.is(p.streamId, 's0');
  assert.is(p.globalPosition, original.globalPosition);
  assert.match(p.message, /inserted before it/);
});

test('inserted: a duplicated version', () => {
  const log = chainedLog([3]);
  log.push({ ...(log[1] as RecordedEvent), globalPosition: 10 });
  const p = first(log);
  assert.is(p.kind, 'inserted');
  assert.is(p.globalPosition, 10);
});

test('reordered: global positions going backwards', () => {
  const log = chainedLog([2, 2]);
  log[3] = { ...(log[3] as RecordedEvent), globalPosition: 2 };
  assert.is(first(log).kind, 'reordered');
});

test('unchained: an event without a hash', () => {
  const log = chainedLog([2]);
  const { hash: _, prevHash: __, ...bare } = log[1] as RecordedEvent;
  log[1] = bare;
  assert.is(first(log).kind, 'unchained');
});

test('anchors: a truncated stream tail and a rewritten chain are found; saved heads verify', () => {
  const log = chainedLog([4, 3]);
  const v = createChainVerifier();
  for (const e of log) v.push(e);
  const heads = v.heads();
  assert.equal(heads.map((h) => [h.streamId, h.streamVersion]).sort(), [
    ['s0', 3],
    ['s1', 2],
  ]);
  assert.ok(verify(log, heads).ok);
  const truncated = log.filter((e) => !(e.streamId === 's0' && e.streamVersion === 3));
  assert.ok(verify(truncated).ok, 'without an anchor, a truncated tail is not detectable');
  const p = verify(truncated, heads).problems[0] as ChainProblem;
  assert.is(p.kind, 'anchor');
  assert.match(p.message, /truncated/);
});

test('verifyStore reads a store page by page and finds nothing wrong in an intact one', async () => {
  const store = createMemoryEventStore();
  for (let i = 0; i < 7; i++) await store.append(`stream-${i % 3}`, 'any', testEvents(3))();
  const seen: number[] = [];
  const report = await verifyStore(store, { pageSize: 4, onProgress: (p) => seen.push(p) })();
  assert.ok(E.isRight(report));
  if (E.isRight(report)) {
    assert.ok(report.right.ok, JSON.stringify(report.right.problems));
    assert.is(report.right.events, 21);
    assert.is(report.right.streams, 3);
  }
  assert.equal(seen, [4, 8, 12, 16, 20, 21]);
});

test.run();
