import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  alawToLinear,
  buildRtp,
  buildTelephoneEvent,
  createTelephoneEventDetector,
  linearToAlaw,
  linearToUlaw,
  parseRtp,
  type RtpPacket,
  readWav,
  transcode,
  ulawToLinear,
} from './rtp.js';

test('RTP packets round-trip; CSRCs, extensions and padding are skipped; non-RTP is refused', () => {
  const p = {
    payloadType: 101,
    marker: true,
    sequence: 65535,
    timestamp: 4_000_000_000,
    ssrc: 0xdeadbeef,
    payload: Buffer.from([1, 2, 3]),
  };
  assert.equal(parseRtp(buildRtp(p)), p);
  const fancy = Buffer.concat([
    Buffer.from([0xb1, 0x00, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3]),
    Buffer.alloc(4),
    Buffer.from([0xbe, 0xde, 0, 1]),
    Buffer.alloc(4),
    Buffer.from([9, 9, 0, 0, 2]),
  ]);
  assert.equal([...(parseRtp(fancy)?.payload ?? [])], [9, 9, 0]);
  assert.is(parseRtp(Buffer.from('hello world!')), undefined);
  assert.is(parseRtp(Buffer.alloc(5)), undefined);
});

test('property: RTP parsing never throws; what it accepts is version 2, read from the fixed header, and rebuilds to itself', () => {
  // Half the inputs get version 2 in their first byte, so both outcomes are common.
  const sizes = fc.oneof(fc.uint8Array({ maxLength: 11 }), fc.uint8Array({ minLength: 12, maxLength: 200, size: 'max' }));
  const bytes = fc.tuple(sizes, fc.boolean()).map(([b, v2]) => {
    const out = Buffer.from(b);
    if (v2 && out.length > 0) out[0] = 0x80 | ((out[0] ?? 0) & 0x3f);
    return out;
  });
  let accepted = 0;
  fc.assert(
    fc.property(bytes, (b) => {
      const p = parseRtp(b);
      if (b.length < 12 || (b[0] ?? 0) >> 6 !== 2) assert.is(p, undefined, 'not RTP version 2, yet accepted');
      if (p === undefined) return;
      accepted += 1;
      assert.is(p.payloadType, (b[1] ?? 0) & 0x7f);
      assert.is(p.marker, ((b[1] ?? 0) & 0x80) !== 0);
      assert.is(p.sequence, b.readUInt16BE(2));
      assert.is(p.timestamp, b.readUInt32BE(4));
      assert.is(p.ssrc, b.readUInt32BE(8));
      // The payload is what follows the header, CSRCs and extension, less any padding.
      const first = b[0] ?? 0;
      assert.ok(p.payload.byteOffset - b.byteOffset >= 12 + (first & 0x0f) * 4);
      assert.ok(p.payload.byteOffset - b.byteOffset + p.payload.length <= b.length);
      assert.equal(parseRtp(buildRtp(p)), p);
    }),
    { numRuns: 2000 },
  );
  // About 170 of the 2000 are accepted; far fewer would mean the inputs stopped reaching the parse.
  assert.ok(accepted > 50, `only ${accepted} packets accepted`);
});

const event = (key: number, opts: { ts: number; end?: boolean; marker?: boolean; seq: number }): RtpPacket => {
  const p = parseRtp(
    buildRtp({
      payloadType: 101,
      marker: opts.marker ?? false,
      sequence: opts.seq,
      timestamp: opts.ts,
      ssrc: 1,
      payload: buildTelephoneEvent({ event: key, end: opts.end ?? false, volume: 10, duration: 160 }),
    }),
  );
  if (p === undefined) throw new Error('not RTP');
  return p;
};

test('telephone-events: one key per press, whatever the updates and the three end packets; a replayed press counts again', () => {
  const d = createTelephoneEventDetector();
  const keys: string[] = [];
  const press = (key: number, ts: number) => {
    let seq = 0;
    for (let i = 0; i < 5; i++) {
      const k = d.push(event(key, { ts, marker: i === 0, seq: seq++ }));
      if (k) keys.push(k);
    }
    for (let i = 0; i < 3; i++) {
      const k = d.push(event(key, { ts, end: true, seq }));
      if (k) keys.push(k);
    }
  };
  press(1, 1000);
  press(1, 1000); // the same capture played twice (same timestamp)
  press(11, 2000);
  press(10, 3000);
  press(13, 4000); // D: not a key the IVR uses
  assert.equal(keys, ['1', '1', '#', '*']);
});

test('G.711: every code survives decode/encode; linear samples come back within the law step; mu-law <-> A-law', () => {
  for (let b = 0; b < 256; b++) {
    if (b !== 0x7f) assert.is(linearToUlaw(ulawToLinear(b)), b);
    assert.is(linearToAlaw(alawToLinear(b)), b);
  }
  fc.assert(
    fc.property(fc.integer({ min: -32768, max: 32767 }), (x) => {
      const step = Math.max(64, Math.abs(x) / 8);
      assert.ok(Math.abs(ulawToLinear(linearToUlaw(x)) - x) <= step);
      assert.ok(Math.abs(alawToLinear(linearToAlaw(x)) - x) <= step);
    }),
  );
  const all = Buffer.from(Array.from({ length: 256 }, (_, b) => b));
  assert.equal(
    [...transcode(all, 'PCMU', 'PCMA')],
    [...all].map((b) => linearToAlaw(ulawToLinear(b))),
  );
  assert.equal(
    [...transcode(all, 'PCMA', 'PCMU')],
    [...all].map((b) => linearToUlaw(alawToLinear(b))),
  );
  assert.equal([...transcode(Buffer.from([0xff]), 'PCMU', 'PCMA')], [0xd5]); // silence stays silence
});

const wav = (tag: number, bits: number, rate: number, data: Buffer) => {
  const fmt = Buffer.alloc(16);
  fmt.writeUInt16LE(tag, 0);
  fmt.writeUInt16LE(1, 2);
  fmt.writeUInt32LE(rate, 4);
  fmt.writeUInt32LE((rate * bits) / 8, 8);
  fmt.writeUInt16LE(bits / 8, 12);
  fmt.writeUInt16LE(bits, 14);
  const chunk = (id: string, body: Buffer) =>
    Buffer.concat([Buffer.from(id, 'latin1'), Buffer.from(new Uint32Array([body.length]).buffer), body]);
  const body = Buffer.concat([
    Buffer.from('WAVE'),
    chunk('fmt ', fmt),
    chunk('LIST', Buffer.alloc(3)),
    Buffer.alloc(1),
    chunk('data', data),
  ]);
  return Buffer.concat([Buffer.from('RIFF'), Buffer.from(new Uint32Array([body.length]).buffer), body]);
};

test('WAV: mu-law, A-law and 16-bit PCM at 8 kHz mono; anything else is refused with a reason', () => {
  assert.equal(readWav(wav(7, 8, 8000, Buffer.from([1, 2, 3]))), { encoding: 'PCMU', samples: Buffer.from([1, 2, 3]) });
  assert.equal(readWav(wav(6, 8, 8000, Buffer.from([4]))), { encoding: 'PCMA', samples: Buffer.from([4]) });
  const pcm = Buffer.alloc(4);
  pcm.writeInt16LE(0, 0);
  pcm.writeInt16LE(-8000, 2);
  assert.equal(readWav(wav(1, 16, 8000, pcm)), { encoding: 'PCMU', samples: Buffer.from([linearToUlaw(0), linearToUlaw(-8000)]) });
  const wrongRate = readWav(wav(7, 8, 16000, Buffer.alloc(2)));
  assert.ok('_tag' in wrongRate && wrongRate.code === 'unsupported_format');
  const notWav = readWav(Buffer.from('MThd nope'));
  assert.ok('_tag' in notWav && notWav.code === 'not_wav');
});

test.run();
