import * as E from 'fp-ts/lib/Either.js';
import type { Test } from 'uvu';
import * as assert from 'uvu/assert';
import type { NewEvent, RecordedEvent } from '../../kernel/eventstore/envelope.js';
import type { StoreError } from '../../kernel/eventstore/errors.js';
import { eventHashOf } from '../../kernel/eventstore/hashChain.js';
import type { EventStore } from '../../kernel/eventstore/port.js';
import { testEvents, uniqueStream, withTimeout } from '../events.js';

/** The uvu suite of the EventStore contract: every case gets a fresh store in its context. */
export type ContractSuite = Test<{ store: EventStore }>;

const sleep = (ms: number) =>
  new Promise<void>((r) => (globalThis as unknown as { setTimeout(f: () => void, ms: number): void }).setTimeout(r, ms));

export const unwrap = <A>(r: E.Either<StoreError, A>, what: string): A => {
  if (E.isLeft(r)) assert.unreachable(`${what} failed: ${r.left.code}: ${r.left.message}`);
  return (r as E.Right<A>).right;
};

export const errorOf = <A>(r: E.Either<StoreError, A>, what: string): StoreError => {
  if (E.isRight(r)) assert.unreachable(`${what} should have failed, got ${JSON.stringify(r.right).slice(0, 200)}`);
  return (r as E.Left<StoreError>).left;
};

export const types = (events: readonly RecordedEvent[]) => events.map((e) => e.type);

/** A whole stream (from version 0): every event carries its chain fields, linked, and its hash recomputes with the kernel's pure SHA-256. */
export const assertChained = (events: readonly RecordedEvent[], what: string) => {
  let prev: string | null = null;
  for (const e of events) {
    assert.type(e.hash, 'string', `${what}: version ${e.streamVersion} carries a hash`);
    assert.is(e.prevHash, prev, `${what}: version ${e.streamVersion} links to the hash of the event before it`);
    assert.is(eventHashOf(e, prev), e.hash, `${what}: version ${e.streamVersion}'s hash recomputes`);
    prev = e.hash ?? null;
  }
};

/** Fixed event ids, for the idempotency and hash-chain cases. */
export const withIds = (events: NewEvent[], ids: string[]) => events.map((e, i) => ({ ...e, eventId: ids[i] as string }));
export const ids3 = [
  '11111111-1111-4111-8111-111111111111',
  '22222222-2222-4222-8222-222222222222',
  '33333333-3333-4333-8333-333333333333',
];

/** A subscription from `after` (pages of 3), collecting the events of `stream` (every event when absent) and its errors. */
export const collect = (store: EventStore, after: number, stream?: string) => {
  const seen: RecordedEvent[] = [];
  const errors: StoreError[] = [];
  const sub = store.subscribe({
    after,
    pageSize: 3,
    onEvent: (e) => {
      if (stream === undefined || e.streamId === stream) seen.push(e);
    },
    onError: (e) => errors.push(e),
  });
  return { seen, errors, sub };
};

/**
 * The suite and the helpers every group of cases registers with; ../contract.ts builds them once
 * per suite. `closed` holds the stores a case closed itself: the suite does not close them again.
 */
export const contractKit = (
  test: ContractSuite,
  options: { readonly timeout: number; readonly numRuns: number; readonly closed: WeakSet<EventStore> },
) => {
  const { timeout } = options;
  const t = <A>(p: Promise<A>, what = 'operation') => withTimeout(p, timeout, what);
  const append = (s: EventStore, id: string, expected: Parameters<EventStore['append']>[1], events: NewEvent[]) =>
    t(s.append(id, expected, events)(), `append ${id}`);
  const read = async (s: EventStore, id: string, o?: Parameters<EventStore['readStream']>[1]) =>
    unwrap(await t(s.readStream(id, o)(), `read ${id}`), 'readStream');
  const head = async (s: EventStore): Promise<number> => {
    const last = unwrap(await t(s.readAll({ direction: 'backward', maxCount: 1 })()), 'readAll');
    return last[0]?.globalPosition ?? 0;
  };
  const assertNothingWritten = async (s: EventStore, headBefore: number, streams: string[]) => {
    assert.is(await head(s), headBefore, 'the global log must not have grown');
    for (const id of streams) assert.is((await read(s, id)).currentVersion, -1, `stream ${id} must not exist`);
  };
  const seeded = async (s: EventStore, n: number): Promise<string> => {
    const id = uniqueStream();
    unwrap(await append(s, id, 'no_stream', testEvents(n)), 'seed');
    return id;
  };
  const eventually = async (check: () => boolean, what: string) => {
    for (let i = 0; i < timeout / 10; i++) {
      if (check()) return;
      await sleep(10);
    }
    assert.unreachable(`timed out waiting for ${what}`);
  };
  return { test, ...options, t, append, read, head, assertNothingWritten, seeded, eventually };
};

export type ContractKit = ReturnType<typeof contractKit>;
