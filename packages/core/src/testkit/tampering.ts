import * as E from 'fp-ts/lib/Either.js';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { type ChainProblem, type VerifyReport, verifyStore } from '../kernel/eventstore/chainVerifier.js';
import type { RecordedEvent } from '../kernel/eventstore/envelope.js';
import { eventHashOf } from '../kernel/eventstore/hashChain.js';
import type { EventStore } from '../kernel/eventstore/port.js';
import { testEvent, withTimeout } from './events.js';

/**
 * What an adapter supplies to prove that `selfprov audit verify` catches tampering with ITS storage:
 * raw writes that bypass the store (SQL on the tables), the way an attacker with database access would.
 */
export interface TamperHarness {
  /** A fresh, empty store. */
  create(): Promise<EventStore>;
  /** Called after each test (drop files, schemas...). The suite closes the store itself first. */
  dispose?(store: EventStore): Promise<void>;
  /** Replaces `from` by `to` (same length, one character apart) in the stored data text of the event at `position`. */
  editData(store: EventStore, position: number, from: string, to: string): Promise<void>;
  /** Deletes the event at `position`. */
  deleteEvent(store: EventStore, position: number): Promise<void>;
  /** Exchanges the global positions of two events. */
  swapPositions(store: EventStore, a: number, b: number): Promise<void>;
  /**
   * Inserts `forged` as a new row (its `globalPosition` is past the head), after moving the events of
   * its stream at `forged.streamVersion` and later up by one version.
   */
  insertEvent(store: EventStore, forged: RecordedEvent): Promise<void>;
  /** Per-operation timeout in ms (default 10,000). */
  timeoutMs?: number;
}

const DEVICE = 'SEP001122334455';

/**
 * The tampering suite: a small log of three interleaved streams, then one raw change per test, each
 * of which `verifyStore` must find and name (kind, stream, version, position).
 */
export const defineTamperingSuite = (name: string, harness: TamperHarness) => {
  const timeout = harness.timeoutMs ?? 10_000;
  const test = suite<{ store: EventStore; log: RecordedEvent[] }>(`Tampering is detected: ${name}`, {
    store: undefined as unknown as EventStore,
    log: [],
  });
  const t = <A>(p: Promise<A>, what: string) => withTimeout(p, timeout, what);

  test.before.each(async (ctx) => {
    ctx.store = await t(harness.create(), 'create store');
    const phone = `phone-${DEVICE}`;
    // Rounds interleave the streams in the global log, like real traffic.
    for (let round = 0; round < 5; round++) {
      const requests = [
        { streamId: phone, expected: 'any' as const, events: [testEvent('PhoneChanged', { deviceName: DEVICE, round, owner: 'alice' })] },
        ...(round < 4
          ? [{ streamId: 'user-alice', expected: 'any' as const, events: [testEvent('UserChanged', { userId: 'alice', round })] }]
          : []),
        ...(round < 3
          ? [{ streamId: 'dn-cluster-1-1000', expected: 'any' as const, events: [testEvent('DnChanged', { dn: '1000', round })] }]
          : []),
      ];
      const r = await t(ctx.store.appendMulti(requests)(), 'seed');
      if (E.isLeft(r)) assert.unreachable(`seeding failed: ${r.left.message}`);
    }
    const all = await t(ctx.store.readAll({ maxCount: 1000 })(), 'read');
    if (E.isLeft(all)) assert.unreachable(all.left.message);
    ctx.log = [...(all as E.Right<readonly RecordedEvent[]>).right];
  });
  test.after.each(async (ctx) => {
    await t(ctx.store.close(), 'close');
    await harness.dispose?.(ctx.store);
  });

  const phoneEvent = (log: readonly RecordedEvent[], version: number) =>
    log.find((e) => e.streamId === `phone-${DEVICE}` && e.streamVersion === version) as RecordedEvent;
  const verdict = async (store: EventStore) => {
    const report = await t(verifyStore(store, { pageSize: 4 })(), 'verify');
    if (E.isLeft(report)) assert.unreachable(`verify failed: ${report.left.message}`);
    return (report as E.Right<VerifyReport>).right;
  };
  const firstProblem = async (store: EventStore): Promise<ChainProblem> => {
    const report = await verdict(store);
    assert.not.ok(report.ok, 'the tampering must be detected');
    return report.problems[0] as ChainProblem;
  };

  test('the untouched log verifies', async ({ store, log }) => {
    const report = await verdict(store);
    assert.ok(report.ok, JSON.stringify(report.problems));
    assert.is(report.events, log.length);
    assert.is(report.streams, 3);
  });

  test('one byte of one event changed: edited, named by stream, version and position', async ({ store, log }) => {
    const target = phoneEvent(log, 2);
    await t(harness.editData(store, target.globalPosition, DEVICE, DEVICE.replace(/5$/, '6')), 'edit');
    const p = await firstProblem(store);
    assert.is(p.kind, 'edited');
    assert.is(p.streamId, target.streamId);
    assert.is(p.streamVersion, 2);
    assert.is(p.globalPosition, target.globalPosition);
  });

  test('one event deleted: deleted, named at the first event after the gap', async ({ store, log }) => {
    const target = phoneEvent(log, 2);
    await t(harness.deleteEvent(store, target.globalPosition), 'delete');
    const p = await firstProblem(store);
    assert.is(p.kind, 'deleted');
    assert.is(p.streamId, target.streamId);
    assert.is(p.streamVersion, 2);
    assert.is(p.globalPosition, phoneEvent(log, 3).globalPosition);
  });

  test('two events swapped: reordered, named at the first of the two places', async ({ store, log }) => {
    const a = phoneEvent(log, 1);
    const b = phoneEvent(log, 2);
    await t(harness.swapPositions(store, a.globalPosition, b.globalPosition), 'swap');
    const p = await firstProblem(store);
    assert.is(p.kind, 'reordered');
    assert.is(p.streamId, a.streamId);
    assert.is(p.globalPosition, a.globalPosition);
  });

  test('one event inserted (later versions renumbered): inserted, named at the first renumbered event', async ({ store, log }) => {
    const before = phoneEvent(log, 1);
    const displaced = phoneEvent(log, 2);
    const head = log[log.length - 1] as RecordedEvent;
    // The strongest forger: a well-formed event with a correctly computed hash, linked to its predecessor.
    const content = {
      ...displaced,
      eventId: '99999999-9999-4999-8999-999999999999',
      data: { deviceName: DEVICE, round: 99, owner: 'mallory' },
      globalPosition: head.globalPosition + 100,
      prevHash: before.hash ?? null,
    };
    const forged = { ...content, hash: eventHashOf(content, content.prevHash) };
    await t(harness.insertEvent(store, forged), 'insert');
    const p = await firstProblem(store);
    assert.is(p.kind, 'inserted');
    assert.is(p.streamId, displaced.streamId);
    assert.is(p.streamVersion, 3, 'the displaced event now carries version 3');
    assert.is(p.globalPosition, displaced.globalPosition);
  });

  return test;
};
