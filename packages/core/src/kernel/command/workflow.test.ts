import * as E from 'fp-ts/lib/Either.js';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { workflowSpec } from '../../testkit/workflowSpec.js';
import type { Decider, DomainEvent } from '../decider.js';
import { type DomainError, domainError } from '../errors.js';
import type { EventStore } from '../eventstore/port.js';
import { backoffDelay, defaultRetryPolicy } from './handler.js';
import {
  decideOn,
  decisions,
  defaultReplanPolicy,
  discoverStreams,
  loadedSource,
  reader,
  stalePlan,
  type WorkflowCommand,
} from './workflow.js';

// A counter per stream; `Link` points a stream at another one, which a plan must then read too.
type Ev = { type: 'Counted'; data: { by: number } } | { type: 'Linked'; data: { to: string } };
type Cmd = { type: 'Count'; by: number };
const counter: Decider<Cmd, Ev, { total: number; link?: string }, DomainError> = {
  initialState: () => ({ total: 0 }),
  evolve: (s, e) => (e.type === 'Counted' ? { ...s, total: s.total + e.data.by } : { ...s, link: e.data.to }),
  decide: (c, s) => (s.total + c.by > 10 ? E.left(domainError('too_many', 'over 10')) : E.right([{ type: 'Counted', data: { by: c.by } }])),
};
const counted = (by: number): DomainEvent => ({ type: 'Counted', data: { by } });
const linked = (to: string): DomainEvent => ({ type: 'Linked', data: { to } });

/** Counts on `start` and on the stream it links to (found by reading `start`). */
const countAlongLink =
  (by: number) =>
  (store: EventStore): WorkflowCommand<DomainError> => {
    const plan = (source: Parameters<typeof reader>[0]) => {
      const r = reader(source);
      const start = r.state(counter, 'start');
      if (start?.link !== undefined) r.state(counter, start.link);
      return { missing: r.missing, start };
    };
    return {
      streams: () => discoverStreams(store, plan),
      decide: (loaded) => {
        const p = plan(loadedSource(loaded));
        if (p.missing.size > 0 || p.start === undefined) return E.left(stalePlan('a linked stream was not loaded'));
        const out = decisions();
        for (const id of ['start', ...(p.start.link ? [p.start.link] : [])]) {
          const r = decideOn(out, loaded, counter, id, { type: 'Count', by });
          if (E.isLeft(r)) return r;
        }
        return E.right(out.list());
      },
    };
  };

test('given linked streams, the workflow reads along the link and appends to both', () =>
  workflowSpec()
    .given({ start: [linked('other')], other: [counted(2)] })
    .when(countAlongLink(3))
    .thenAppended({ start: [counted(3)], other: [counted(3)] }));

test("a refusal of one stream's decider refuses the whole workflow and appends nothing", () =>
  workflowSpec()
    .given({ start: [linked('other')], other: [counted(9)] })
    .when(countAlongLink(3))
    .thenError('too_many'));

test('a stale plan is planned again, then succeeds; the caller never sees it', async () => {
  let rounds = 0;
  const command: WorkflowCommand<DomainError> = {
    streams: ['start'],
    decide: () => {
      rounds += 1;
      return rounds < 3 ? E.left(stalePlan('not yet')) : E.right([{ streamId: 'start', events: [counted(1)] }]);
    },
  };
  await workflowSpec()
    .given({})
    .when(command)
    .thenAppended({ start: [counted(1)] });
  assert.is(rounds, 3);
});

test('a plan that stays stale ends as concurrent_modification after the replan budget, appending nothing', async () => {
  let rounds = 0;
  const sleeps: number[] = [];
  const runtime = {
    ...(await import('../runtime/ports.js')).systemRuntime(),
    timers: { sleep: async (ms: number) => void sleeps.push(ms) },
  };
  const always: WorkflowCommand<DomainError> = {
    streams: ['start'],
    decide: () => {
      rounds += 1;
      return E.left(stalePlan('never fresh'));
    },
  };
  await workflowSpec({ runtime }).given({}).when(always).thenError('concurrent_modification');
  assert.is(rounds, defaultReplanPolicy.maxAttempts);
  assert.is(sleeps.length, defaultReplanPolicy.maxAttempts - 1, 'a pause before every new plan, none before the first');
  sleeps.forEach((ms, i) => {
    const ceiling = Math.min(defaultReplanPolicy.maxDelayMs, defaultReplanPolicy.baseDelayMs * 2 ** i);
    assert.ok(ms >= Math.floor(ceiling / 2) && ms <= ceiling, `pause ${i + 1}: ${ms} ms within [${ceiling / 2}, ${ceiling}]`);
  });
});

test('backoffDelay: exponential from the base, capped, with jitter between half and all of it', () => {
  const at = (byte: number) => ({ bytes: () => Uint8Array.of(byte) });
  assert.is(backoffDelay(defaultRetryPolicy, 0, at(0)), 1);
  assert.is(backoffDelay(defaultRetryPolicy, 0, at(255)), 2);
  assert.is(backoffDelay(defaultRetryPolicy, 3, at(255)), 16);
  assert.is(backoffDelay(defaultRetryPolicy, 20, at(255)), defaultRetryPolicy.maxDelayMs);
  assert.is(backoffDelay(defaultRetryPolicy, 20, at(0)), defaultRetryPolicy.maxDelayMs / 2);
});

test.run();
