/**
 * `prepareAppend` takes a quick path for valid input and falls back to the checking one for anything
 * else: both must give the same results, errors and id draws.
 */

import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { ValidationError } from '../errors.js';
import { copyJson, type JsonValue } from '../json.js';
import type { AppendRequest } from './port.js';
import { type PreparedRequest, prepareAppend } from './validation.js';

const meta = { actor: { kind: 'device', id: 'SEP001122334455' }, channel: 'sip' } as const;

/** Ports that count what they hand out. */
const counting = () => {
  const drawn = { ids: 0, clock: 0 };
  return {
    drawn,
    ports: {
      ids: { uuid: () => `00000000-0000-4000-8000-${(++drawn.ids).toString(16).padStart(12, '0')}` },
      clock: {
        now: () => {
          drawn.clock += 1;
          return new Date(Date.UTC(2026, 2, 3, 10, 0, 0, drawn.clock));
        },
      },
    },
  };
};

/** `assert.unreachable`, typed as what it is: it never returns. */
const fail = (message: string): never => {
  assert.unreachable(message);
  throw new Error(message);
};

const prepared = (requests: readonly AppendRequest[]): readonly PreparedRequest[] => {
  const r = prepareAppend(requests, counting().ports);
  if (E.isLeft(r)) return fail(r.left.message);
  return r.right;
};

const refused = (requests: unknown): ValidationError => {
  const r = prepareAppend(requests as AppendRequest[], counting().ports);
  if (E.isRight(r)) return fail('accepted');
  return r.left;
};

test('data is copied as copyJson copies it: equal, fresh, -0 as 0, deep nesting included (property)', () => {
  fc.assert(
    fc.property(fc.jsonValue(), (data) => {
      const [request] = prepared([{ streamId: 's', expected: 'any', events: [{ type: 'T', data: data as JsonValue, metadata: meta }] }]);
      const copy = request?.events[0]?.data;
      const expected = copyJson(data, 'data');
      return (
        E.isRight(expected) &&
        Object.is(JSON.stringify(copy), JSON.stringify(expected.right)) &&
        (typeof data !== 'object' || data === null || copy !== data)
      );
    }),
  );
  let deep: JsonValue = [1];
  for (let i = 0; i < 200; i++) deep = i % 2 ? [deep] : { d: deep };
  const [request] = prepared([{ streamId: 's', expected: 'any', events: [{ type: 'T', data: deep, metadata: meta }] }]);
  assert.equal(request?.events[0]?.data, deep);
  const weird = JSON.parse('{"__proto__":{"x":[-0]}}') as JsonValue;
  const [withProto] = prepared([{ streamId: 's', expected: 'any', events: [{ type: 'T', data: weird, metadata: meta }] }]);
  assert.equal(Object.keys(withProto?.events[0]?.data as object), ['__proto__']);
  assert.is(JSON.stringify(withProto?.events[0]?.data), '{"__proto__":{"x":[0]}}');
});

test('metadata is rebuilt field by field, optional ids kept, unknown fields dropped', () => {
  const [request] = prepared([
    {
      streamId: 's',
      expected: 'no_stream',
      events: [
        {
          type: 'T',
          data: null,
          metadata: {
            actor: { kind: 'administrator', id: 'root', onBehalfOf: 'alice', extra: 1 },
            channel: 'admin-api',
            correlationId: 'c-1',
            other: true,
          } as never,
        },
      ],
    },
  ]);
  const metadata = request?.events[0]?.metadata;
  assert.equal(metadata, { actor: { kind: 'administrator', id: 'root', onBehalfOf: 'alice' }, channel: 'admin-api', correlationId: 'c-1' });
  assert.equal(Object.keys(metadata ?? {}), ['actor', 'channel', 'correlationId']);
});

test('refusals name the field, in single and multi-stream calls', () => {
  const good = { type: 'T', data: {}, metadata: meta };
  const cases: [unknown, string, string][] = [
    [[{ streamId: ' s', expected: 'any', events: [] }], 'streamId', 'streamId must not start or end with whitespace'],
    [[{ streamId: 's\u0007', expected: 'any', events: [] }], 'streamId', 'streamId must not contain control characters'],
    [[{ streamId: 's\ud800', expected: 'any', events: [] }], 'streamId', 'streamId is not well-formed Unicode'],
    [[{ streamId: '$all', expected: 'any', events: [] }], 'streamId', 'streamId must not start with "$" (reserved for system streams)'],
    [[{ streamId: 's', expected: -1, events: [] }], 'expected', 'expected must be "no_stream", "exists", "any" or a version >= 0, got -1'],
    [[{ streamId: 's', expected: 'any', events: [{ ...good, type: '' }] }], 'events[0].type', 'events[0].type must not be empty'],
    [
      [{ streamId: 's', expected: 'any', events: [{ ...good, data: { a: [1, Number.NaN] } }] }],
      'events[0].data.a[1]',
      'events[0].data.a[1] is not JSON-serialisable: NaN is not a finite number',
    ],
    [
      [{ streamId: 's', expected: 'any', events: [{ ...good, metadata: { ...meta, actor: { kind: 'robot', id: 'x' } } }] }],
      'events[0].metadata.actor.kind',
      'events[0].metadata.actor.kind must be one of user, administrator, device, system',
    ],
    [
      [{ streamId: 's', expected: 'any', events: [{ ...good, metadata: { ...meta, commandId: 'x\u2028 ' } }] }],
      'events[0].metadata.commandId',
      'events[0].metadata.commandId must not start or end with whitespace',
    ],
    [[{ streamId: 's', expected: 'any', events: [{ ...good, eventId: 'nope' }] }], 'events[0].eventId', 'events[0].eventId must be a UUID'],
    [
      [{ streamId: 's', expected: 'any', events: [{ ...good, schemaVersion: 1.5 }] }],
      'events[0].schemaVersion',
      'events[0].schemaVersion must be an integer >= 1',
    ],
    [
      [{ streamId: 's', expected: 'any', events: [{ ...good, occurredAt: 'soon' }] }],
      'events[0].occurredAt',
      'events[0].occurredAt must be an ISO-8601 instant',
    ],
    [
      [
        { streamId: 'a', expected: 'any', events: [good] },
        { streamId: 'b', expected: 'any', events: [good, { ...good, metadata: { ...meta, actor: { ...meta.actor, onBehalfOf: '' } } }] },
      ],
      'requests[1].events[1].metadata.actor.onBehalfOf',
      'requests[1].events[1].metadata.actor.onBehalfOf must not be empty',
    ],
  ];
  for (const [requests, field, message] of cases) {
    const error = refused(requests);
    assert.is(error.field, field, message);
    assert.is(error.message, message);
  }
  const cycle: Record<string, unknown> = {};
  cycle.self = { again: cycle };
  assert.is(refused([{ streamId: 's', expected: 'any', events: [{ ...good, data: cycle }] }]).field, 'events[0].data.self.again');
});

test('an event type is checked again whenever it differs from the one before (the remembered type)', () => {
  const good = { type: 'T', data: {}, metadata: meta };
  assert.ok(prepared([{ streamId: 's', expected: 'any', events: [good, good] }]));
  for (const [type, message] of [
    [' T', 'events[0].type must not start or end with whitespace'],
    ['T\u0000', 'events[0].type must not contain control characters'],
    [7, 'events[0].type must be a string'],
  ] as const) {
    assert.ok(prepared([{ streamId: 's', expected: 'any', events: [good] }]));
    assert.is(refused([{ streamId: 's', expected: 'any', events: [{ ...good, type }] }]).message, message);
  }
});

test('ids and the clock are drawn once per accepted event, and as before for a refused one', () => {
  const { drawn, ports } = counting();
  const good = { type: 'T', data: { n: 1 }, metadata: meta };
  const r = prepareAppend(
    [{ streamId: 's', expected: 'any', events: [good, { ...good, eventId: '0C6F6A7E-1D2B-4C3D-8E9F-0A1B2C3D4E5F' }, good] }],
    ports,
  );
  assert.ok(E.isRight(r));
  assert.equal(drawn, { ids: 2, clock: 3 });
  assert.is(E.isRight(r) && r.right[0]?.events[1]?.eventId, '0c6f6a7e-1d2b-4c3d-8e9f-0a1b2c3d4e5f');
  // The checking path draws the id before it finds the bad schema version: one draw, no clock read.
  const refusedCall = prepareAppend([{ streamId: 's', expected: 'any', events: [{ ...good, schemaVersion: 0 }] }], ports);
  assert.ok(E.isLeft(refusedCall));
  assert.equal(drawn, { ids: 3, clock: 3 });
});

test.run();
