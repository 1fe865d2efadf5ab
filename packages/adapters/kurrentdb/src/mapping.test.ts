import { ANY, type RecordedEvent as KurrentRecordedEvent, NO_STREAM, STREAM_EXISTS } from '@kurrent/kurrentdb-client';
// The client's own conversion of what its native bridge reads from the server: the round trip
// below goes through the exact code that turns wire bytes into a client RecordedEvent.
import { convertRustRecord } from '@kurrent/kurrentdb-client/dist/utils/convertRustEvent.js';
import {
  type ExpectedVersion,
  type JsonValue,
  type PreparedEvent,
  prepareAppend,
  type RecordedEvent,
  sequentialIds,
  systemRuntime,
} from '@selfprov/core';
import * as fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  appendOptions,
  decodeRecorded,
  encodeEvent,
  encodeMetadata,
  FOREIGN_ACTOR,
  fromCurrentState,
  fromStreamState,
  toStreamState,
} from './index.js';

// ---- ExpectedVersion -> streamState ---------------------------------------------------

test('each expectation maps to the client constant or a bigint revision', () => {
  assert.is(toStreamState('no_stream'), NO_STREAM);
  assert.is(toStreamState('exists'), STREAM_EXISTS);
  assert.is(toStreamState('any'), ANY);
  assert.is(toStreamState(0), 0n);
  assert.is(toStreamState(41), 41n);
  assert.is(toStreamState(Number.MAX_SAFE_INTEGER), BigInt(Number.MAX_SAFE_INTEGER));
});

const expectation: fc.Arbitrary<ExpectedVersion> = fc.oneof(
  fc.constantFrom<ExpectedVersion>('no_stream', 'exists', 'any'),
  fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
);

test('append options always carry streamState and never expectedRevision (property)', () => {
  fc.assert(
    fc.property(expectation, fc.option(fc.integer({ min: 1, max: 60_000 }), { nil: undefined }), (expected, deadline) => {
      const options = appendOptions(expected, deadline === undefined ? {} : { deadline });
      assert.ok('streamState' in options);
      assert.not.ok('expectedRevision' in options, 'the 1.x client silently ignores expectedRevision');
      assert.is(options.streamState, toStreamState(expected));
      assert.is(options.deadline, deadline);
    }),
  );
});

test('the expectation always wins over a streamState slipped into the extra options', () => {
  assert.is(appendOptions(3, { streamState: ANY } as never).streamState, 3n);
  assert.is(appendOptions('no_stream', { streamState: ANY } as never).streamState, NO_STREAM);
});

test('the expectation maps back, wire values included', () => {
  fc.assert(fc.property(expectation, (expected) => assert.equal(fromStreamState(toStreamState(expected)), expected)));
  assert.is(fromStreamState(-1n), 'no_stream');
  assert.is(fromStreamState(-2n), 'any');
  assert.is(fromStreamState(-4n), 'exists');
  assert.is(fromStreamState(undefined), 'any');
});

test('the current state maps to a version, -1 for missing, deleted or tombstoned streams', () => {
  assert.is(fromCurrentState('no_stream'), -1);
  assert.is(fromCurrentState(0n), 0);
  assert.is(fromCurrentState(17n), 17);
  assert.is(fromCurrentState(-5n), -1);
  assert.is(fromCurrentState(-6n), -1);
  assert.is(fromCurrentState(undefined), -1);
});

// ---- event and metadata serialisation -------------------------------------------------------

const ports = { ...systemRuntime(), ids: sequentialIds() };
const prepare = (event: Record<string, unknown>): PreparedEvent => {
  const r = prepareAppend([{ streamId: 'phone-SEP001122334455', expected: 'any', events: [event as never] }], ports);
  if (E.isLeft(r)) assert.unreachable(r.left.message);
  return (r as E.Right<readonly { events: readonly PreparedEvent[] }[]>).right[0]?.events[0] as PreparedEvent;
};

/** What the server hands back for an appended event, through the client's real conversion. */
const throughTheWire = (
  data: JsonValue | Uint8Array,
  metadata: unknown,
  extra: Partial<{ id: string; type: string; isJson: boolean }> = {},
) =>
  convertRustRecord({
    streamId: 'phone-SEP001122334455',
    id: extra.id ?? '0c6f6a7e-1d2b-4c3d-8e9f-0a1b2c3d4e5f',
    type: extra.type ?? 'PhoneAutoRegistered',
    isJson: extra.isJson ?? true,
    revision: 4n,
    created: Date.parse('2026-05-01T12:00:00.000Z'),
    // The client's append path JSON-stringifies data and metadata to UTF-8 bytes exactly like this.
    data: data instanceof Uint8Array ? data : new Uint8Array(Buffer.from(JSON.stringify(data), 'utf8')),
    metadata: new Uint8Array(Buffer.from(metadata === undefined ? '' : JSON.stringify(metadata), 'utf8')),
    position: { commit: 123_456n, prepare: 123_456n },
  }) as KurrentRecordedEvent;

test('an event round-trips through the client encoding: envelope, metadata, ids, positions', () => {
  const prepared = prepare({
    type: 'PhoneAutoRegistered',
    data: { mac: '001122334455', lines: [{ dn: '1000' }], note: 'Zoë 📞 a\u0000b', nothing: null },
    eventId: '0C6F6A7E-1D2B-4C3D-8E9F-0A1B2C3D4E5F',
    schemaVersion: 3,
    occurredAt: '2026-03-03T10:00:00.000Z',
    metadata: {
      actor: { kind: 'administrator', id: 'admin-1', onBehalfOf: 'alice' },
      channel: 'admin-api',
      commandId: 'cmd-1',
      correlationId: 'corr-1',
      causationId: 'cause-1',
    },
  });
  const encoded = encodeEvent(prepared);
  assert.is(encoded.id, '0c6f6a7e-1d2b-4c3d-8e9f-0a1b2c3d4e5f', 'the kernel event id is the KurrentDB event id');
  assert.is(encoded.contentType, 'application/json');
  assert.ok(
    Object.values(encoded.metadata as object).every((v) => typeof v === 'string'),
    'string values only (v2 protocol)',
  );
  const decoded = decodeRecorded(throughTheWire(encoded.data as JsonValue, encoded.metadata));
  if (E.isLeft(decoded)) assert.unreachable(decoded.left.message);
  const e = (decoded as E.Right<RecordedEvent>).right;
  assert.equal(e, {
    type: 'PhoneAutoRegistered',
    data: { mac: '001122334455', lines: [{ dn: '1000' }], note: 'Zoë 📞 a\u0000b', nothing: null },
    metadata: prepared.metadata,
    eventId: '0c6f6a7e-1d2b-4c3d-8e9f-0a1b2c3d4e5f',
    schemaVersion: 3,
    occurredAt: '2026-03-03T10:00:00.000Z',
    streamId: 'phone-SEP001122334455',
    streamVersion: 4,
    globalPosition: 123_456,
  });
});

const jsonData: fc.Arbitrary<JsonValue> = fc.jsonValue() as fc.Arbitrary<JsonValue>;
const id = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,30}$/);
const metadata = fc.record(
  {
    actor: fc.record(
      { kind: fc.constantFrom('user', 'administrator', 'device', 'system'), id, onBehalfOf: id },
      { requiredKeys: ['kind', 'id'] },
    ),
    channel: fc.constantFrom('ivr', 'selfcare', 'admin-api', 'batch', 'sip', 'cli', 'system'),
    commandId: id,
    correlationId: id,
    causationId: id,
  },
  { requiredKeys: ['actor', 'channel'] },
);

test('data, metadata, schema version and time round-trip (property)', () => {
  fc.assert(
    fc.property(
      jsonData,
      metadata,
      fc.integer({ min: 1, max: 999 }),
      fc.date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }),
      (data, meta, schemaVersion, at) => {
        const prepared = prepare({ type: 'T', data, metadata: meta, schemaVersion, occurredAt: at.toISOString() });
        const encoded = encodeEvent(prepared);
        const decoded = decodeRecorded(throughTheWire(encoded.data as JsonValue, encoded.metadata, { type: 'T' }));
        if (E.isLeft(decoded)) assert.unreachable(decoded.left.message);
        const e = (decoded as E.Right<RecordedEvent>).right;
        // JSON itself does not keep -0; everything else must come back exactly.
        assert.equal(e.data, JSON.parse(JSON.stringify(data)));
        assert.equal(e.metadata, prepared.metadata);
        assert.is(e.schemaVersion, schemaVersion);
        assert.is(e.occurredAt, at.toISOString());
      },
    ),
  );
});

test('metadata written through the v2 multi-stream APIs (extra $schema and trace keys) decodes the same', () => {
  const prepared = prepare({ type: 'T', data: {}, metadata: { actor: { kind: 'user', id: 'alice' }, channel: 'selfcare' } });
  const stored = { ...encodeMetadata(prepared), '$schema.data-format': 'Json', '$schema.name': 'T', $traceId: 'x', $spanId: 'y' };
  const decoded = decodeRecorded(throughTheWire({}, stored, { type: 'T' }));
  assert.ok(E.isRight(decoded));
  if (E.isRight(decoded)) assert.equal(decoded.right.metadata, { actor: { kind: 'user', id: 'alice' }, channel: 'selfcare' });
});

test('the hash chain link travels in the metadata: prevHash left out for a first event, read back as null', () => {
  const prepared = prepare({ type: 'T', data: { x: 1 }, metadata: { actor: { kind: 'user', id: 'alice' }, channel: 'ivr' } });
  const first = { prevHash: null, hash: 'a'.repeat(64) };
  const later = { prevHash: 'b'.repeat(64), hash: 'c'.repeat(64) };
  const firstMeta = encodeMetadata(prepared, first);
  assert.is(firstMeta.hash, first.hash);
  assert.not.ok('prevHash' in firstMeta);
  for (const link of [first, later]) {
    const encoded = encodeEvent(prepared, link);
    const decoded = decodeRecorded(throughTheWire(encoded.data as JsonValue, encoded.metadata, { type: 'T' }));
    if (E.isLeft(decoded)) return assert.unreachable(decoded.left.message);
    assert.is(decoded.right.prevHash, link.prevHash);
    assert.is(decoded.right.hash, link.hash);
    assert.equal(decoded.right.metadata, prepared.metadata, 'the chain fields never leak into the envelope metadata');
  }
  const unchained = decodeRecorded(throughTheWire({ x: 1 }, encodeMetadata(prepared), { type: 'T' }));
  assert.ok(E.isRight(unchained) && !('hash' in unchained.right) && !('prevHash' in unchained.right));
});

test('an event written by another tool reads with system metadata and the server time', () => {
  const decoded = decodeRecorded(throughTheWire({ legacy: true }, { $correlationId: 'abc' }));
  assert.ok(E.isRight(decoded));
  if (E.isRight(decoded)) {
    assert.equal(decoded.right.metadata, { actor: FOREIGN_ACTOR, channel: 'system' });
    assert.is(decoded.right.schemaVersion, 1);
    assert.is(decoded.right.occurredAt, '2026-05-01T12:00:00.000Z');
  }
  const binary = decodeRecorded(throughTheWire(new Uint8Array([1, 2, 255]), undefined, { isJson: false }));
  assert.ok(
    E.isRight(binary) && JSON.stringify(binary.right.data) === JSON.stringify({ contentType: 'application/octet-stream', base64: 'AQL/' }),
  );
});

test('corrupt selfprov metadata is a typed, non-retryable error naming the event', () => {
  const good = encodeMetadata(prepare({ type: 'T', data: {}, metadata: { actor: { kind: 'user', id: 'alice' }, channel: 'ivr' } }));
  const cases: [Record<string, string>, RegExp][] = [
    [{ ...good, 'actor.kind': 'robot' }, /actor\.kind/],
    [{ ...good, channel: 'fax' }, /channel/],
    [{ ...good, schemaVersion: 'three' }, /schemaVersion/],
    [{ ...good, occurredAt: 'yesterday' }, /occurredAt/],
    [{ ...good, 'selfprov.format': '9' }, /format/],
  ];
  for (const [meta, why] of cases) {
    const r = decodeRecorded(throughTheWire({}, meta));
    assert.ok(E.isLeft(r));
    if (E.isLeft(r)) {
      assert.is(r.left.code, 'store_unavailable');
      assert.is(r.left._tag === 'StoreUnavailable' && r.left.retryable, false);
      assert.match(r.left.message, why);
      assert.match(r.left.message, /0c6f6a7e-1d2b-4c3d-8e9f-0a1b2c3d4e5f/);
    }
  }
});

test('an event without a log position (EventStoreDB before 22.10) is refused, not given a made-up position', () => {
  const event = { ...throughTheWire({}, undefined), position: undefined } as KurrentRecordedEvent;
  const r = decodeRecorded(event);
  assert.ok(E.isLeft(r) && /log position/.test(r.left.message));
});

test.run();
