// Error mapping from real instances of the client's own error classes (and the raw gRPC
// errors the client converts), not look-alikes.
import {
  AccessDeniedError,
  AppendConsistencyViolationError,
  CancelledError,
  DeadlineExceededError,
  MaxAppendSizeExceededError,
  NO_STREAM,
  NotLeaderError,
  STREAM_EXISTS,
  StreamDeletedError,
  TimeoutError,
  UnavailableError,
  UnknownError,
  UnsupportedError,
  WrongExpectedVersionError,
} from '@kurrent/kurrentdb-client';
import type { StoreError } from '@selfprov/core';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { operationTimeout } from './errors.js';
import { mapClientError } from './index.js';

const wev = (e: StoreError) => {
  if (e._tag !== 'WrongExpectedVersion') assert.unreachable(`expected WrongExpectedVersion, got ${e.code}: ${e.message}`);
  return e as Extract<StoreError, { _tag: 'WrongExpectedVersion' }>;
};
const unavailable = (e: StoreError, retryable: boolean) => {
  assert.is(e.code, 'store_unavailable', e.message);
  assert.is(e._tag === 'StoreUnavailable' && e.retryable, retryable, e.message);
  return e;
};
/** A gRPC ServiceError as @grpc/grpc-js hands it to the client (metadata with getMap). */
const serviceError = (code: number, details: string, metadata: Record<string, string> = {}) =>
  Object.assign(new Error(`${code} ${details}`), { code, details, metadata: { getMap: () => metadata } });

test('WrongExpectedVersionError: expected and actual from expectedState / actualState', () => {
  const e = wev(mapClientError(new WrongExpectedVersionError(undefined, { streamName: 'phone-SEP1', expected: 3n, current: 5n })));
  assert.is(e.streamId, 'phone-SEP1');
  assert.is(e.expected, 3);
  assert.is(e.actual, 5);
  assert.equal(e.details, { streamId: 'phone-SEP1', expected: 3, actual: 5 });
  const none = wev(mapClientError(new WrongExpectedVersionError(undefined, { streamName: 'dn-1-1000', expected: NO_STREAM, current: 0n })));
  assert.is(none.expected, 'no_stream');
  assert.is(none.actual, 0);
  const missing = wev(
    mapClientError(new WrongExpectedVersionError(undefined, { streamName: 'user-a', expected: STREAM_EXISTS, current: 'no_stream' })),
  );
  assert.is(missing.expected, 'exists');
  assert.is(missing.actual, -1);
});

test("the caller's own expectation is named when the store knows it", () => {
  const e = wev(
    mapClientError(new WrongExpectedVersionError(undefined, { streamName: 'user-a', expected: 1n, current: 2n }), {
      expectedFor: (id) => (id === 'user-a' ? 'exists' : undefined),
    }),
  );
  assert.is(e.expected, 'exists');
  assert.is(e.actual, 2);
});

test('a wrong expected version straight from gRPC (status metadata) is converted and mapped', () => {
  const raw = serviceError(9, 'FAILED_PRECONDITION: wrong expected version', {
    exception: 'wrong-expected-version',
    'stream-name': 'phone-SEP2',
    'expected-version': '-1',
    'actual-version': '4',
  });
  const e = wev(mapClientError(raw));
  assert.is(e.streamId, 'phone-SEP2');
  assert.is(e.expected, 'no_stream');
  assert.is(e.actual, 4);
});

test('a multi-stream append conflict (revision conflict details) maps per stream', () => {
  const conflict = WrongExpectedVersionError.fromRevisionConflict({
    stream: 'dn-1-1001',
    expectedRevision: '-1',
    actualRevision: '0',
  } as never);
  const e = wev(mapClientError(conflict));
  assert.is(e.streamId, 'dn-1-1001');
  assert.is(e.expected, 'no_stream');
  assert.is(e.actual, 0);
});

test('an appendRecords consistency violation maps from its first violation', () => {
  const violation = new AppendConsistencyViolationError(
    {} as never,
    {
      violationsList: [
        { checkIndex: 1, streamState: { stream: 'cluster-1', expectedState: '7', actualState: '9' } },
        { checkIndex: 2, streamState: { stream: 'user-b', expectedState: '-4', actualState: '-1' } },
      ],
    } as never,
  );
  const e = wev(mapClientError(violation, { expectedFor: (id) => (id === 'cluster-1' ? 7 : undefined) }));
  assert.is(e.streamId, 'cluster-1');
  assert.is(e.expected, 7);
  assert.is(e.actual, 9);
});

test('unavailable, deadline, timeout, not-leader and cancelled are retryable store_unavailable', () => {
  const notLeader = new NotLeaderError(
    serviceError(5, 'NOT_FOUND: leader info', { 'leader-endpoint-host': 'node2', 'leader-endpoint-port': '2113' }) as never,
  );
  for (const error of [
    new UnavailableError(undefined, '14 UNAVAILABLE: no connection'),
    new DeadlineExceededError(undefined, '4 DEADLINE_EXCEEDED'),
    new TimeoutError(undefined, 'timeout'),
    notLeader,
    new CancelledError(undefined, 'cancelled'),
    // What the client really throws for an append to a closed port (checked against a real client).
    serviceError(14, 'UNAVAILABLE: No connection established. Last error: Error: connect ECONNREFUSED 127.0.0.1:1.'),
    serviceError(4, 'DEADLINE_EXCEEDED: Deadline exceeded'),
    new Error('Failed to discover after 10 attempts.'),
    operationTimeout('append to "x"', 15_000),
  ])
    unavailable(mapClientError(error), true);
});

test('a deadline of this store says an append may have been applied and that retrying is safe', () => {
  const e = unavailable(mapClientError(operationTimeout('append to "phone-1"', 1234)), true);
  assert.match(e.message, /1234 ms/);
  assert.match(e.message, /idempotent/);
});

test('access denied, deleted streams and unknown failures are not retryable', () => {
  const denied = unavailable(mapClientError(new AccessDeniedError(undefined, 'denied for admin')), false);
  assert.match(denied.message, /credentials/);
  const deleted = unavailable(mapClientError(StreamDeletedError.fromStreamName('phone-SEP3')), false);
  assert.match(deleted.message, /phone-SEP3/);
  unavailable(mapClientError(new UnknownError(undefined, 'something odd')), false);
  unavailable(mapClientError('a string was thrown'), false);
  unavailable(mapClientError(undefined), false);
});

test('the append size limit is a validation error on events, with the limit', () => {
  const e = mapClientError(MaxAppendSizeExceededError.fromMaxAppendSize(1_048_576));
  assert.is(e.code, 'payload_too_large');
  assert.is(e.field, 'events');
  assert.equal(e.details, { limit: 1_048_576 });
  assert.match(e.message, /MaxAppendSize/);
});

test("the client's UnsupportedError (server too old) is multi_stream_unsupported", () => {
  const e = mapClientError(new UnsupportedError('multiStreamAppend', '25.1'));
  assert.is(e.code, 'multi_stream_unsupported');
  assert.is(e.field, 'requests');
  assert.match(e.message, /25\.1/);
});

test('no mapped message carries credentials', () => {
  const e = mapClientError(new UnknownError(undefined, 'cannot use kurrentdb://admin:s3cr3t@db:2113?tls=true'));
  assert.not.ok(e.message.includes('s3cr3t'), e.message);
  const u = mapClientError(serviceError(14, 'UNAVAILABLE: esdb://ops:hunter2@10.0.0.1:2113 refused'));
  assert.not.ok(u.message.includes('hunter2'), u.message);
});

test.run();
