/**
 * `planAppend` and `planAppendInOrder` (the snapshots by request index, as the in-memory store reads
 * them) plan alike: writes, checks, replays and refusals.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { planAppend, planAppendInOrder, type StreamSnapshot } from './appendPlan.js';
import type { PreparedEvent, PreparedRequest } from './validation.js';

const event = (n: number, type = 'T'): PreparedEvent => ({
  type,
  data: { n },
  metadata: { actor: { kind: 'system', id: 'test' }, channel: 'system' },
  eventId: `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`,
  schemaVersion: 1,
  occurredAt: '2026-01-01T00:00:00.000Z',
});

test('planAppendInOrder plans as planAppend does', () => {
  const a: PreparedRequest = { streamId: 'a', expected: 1, events: [event(1), event(2)] };
  const b: PreparedRequest = { streamId: 'b', expected: 'no_stream', events: [event(3)] };
  const c: PreparedRequest = { streamId: 'c', expected: 'exists', events: [] };
  const lastHash = 'e'.repeat(64);
  const existing = new Map([
    [event(1).eventId, { streamVersion: 2, type: 'T' }],
    [event(2).eventId, { streamVersion: 3, type: 'T' }],
  ]);
  const cases: [readonly PreparedRequest[], StreamSnapshot[]][] = [
    [
      [a, b, c],
      [
        { version: 1, existing: new Map(), lastHash },
        { version: -1, existing: new Map() },
        { version: 0, existing: new Map() },
      ],
    ],
    [[a], [{ version: 3, existing, lastHash }]],
    [
      [a, b],
      [
        { version: 3, existing, lastHash },
        { version: -1, existing: new Map() },
      ],
    ],
    [[a], [{ version: 4, existing: new Map(), lastHash }]],
    [[c], [{ version: -1, existing: new Map() }]],
  ];
  for (const [requests, snapshots] of cases) {
    const byStream = new Map(requests.map((r, i) => [r.streamId, snapshots[i] as StreamSnapshot]));
    assert.equal(planAppendInOrder(requests, snapshots), planAppend(requests, byStream));
  }
  // A stream the adapter did not read does not exist, for both.
  assert.equal(planAppendInOrder([b], []), planAppend([b], new Map()));
});

test.run();
