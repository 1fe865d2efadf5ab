import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createStreamFramer, type FramedItem } from './framing.js';
import { header } from './message/headers.js';

const message = (n: number, body = '') =>
  [
    `OPTIONS sip:127.0.0.1 SIP/2.0`,
    `Via: SIP/2.0/TCP 127.0.0.1:5070;branch=z9hG4bK${n}`,
    'From: <sip:a@h>;tag=1',
    'To: <sip:b@h>',
    `Call-ID: call-${n}`,
    `CSeq: ${n} OPTIONS`,
    `Content-Length: ${Buffer.byteLength(body)}`,
    '',
    body,
  ].join('\r\n');

const callIds = (items: readonly FramedItem[]) => items.map((i) => (i.kind === 'message' ? header(i.message, 'Call-ID') : i.kind));

test('several messages in one chunk, keep-alive pings between them', () => {
  const framer = createStreamFramer();
  const items = framer.push(Buffer.from(`${message(1, 'hello')}\r\n\r\n${message(2)}${message(3, 'é')}`));
  assert.equal(callIds(items), ['call-1', 'ping', 'call-2', 'call-3']);
  assert.is(framer.buffered(), 0);
});

test('a message cut anywhere is held until its body is complete', () => {
  const framer = createStreamFramer();
  const bytes = Buffer.from(message(7, 'v=0\r\n'));
  assert.equal(framer.push(bytes.subarray(0, 40)), []);
  assert.equal(framer.push(bytes.subarray(40, bytes.length - 2)), []);
  assert.equal(callIds(framer.push(bytes.subarray(bytes.length - 2))), ['call-7']);
});

test('property: how the stream is cut into chunks does not change what comes out', () => {
  const stream = Buffer.from([message(1, 'a'), message(2), '\r\n\r\n', message(3, 'xyz'.repeat(50))].join(''));
  fc.assert(
    fc.property(fc.uniqueArray(fc.integer({ min: 1, max: stream.length - 1 }), { maxLength: 30 }), (cuts) => {
      const framer = createStreamFramer();
      const bounds = [0, ...cuts.sort((a, b) => a - b), stream.length];
      const items: FramedItem[] = [];
      for (let i = 0; i < bounds.length - 1; i++) items.push(...framer.push(stream.subarray(bounds[i], bounds[i + 1])));
      assert.equal(callIds(items), ['call-1', 'call-2', 'ping', 'call-3']);
    }),
    { numRuns: 300 },
  );
});

test('an invalid but well-framed message is reported and framing goes on', () => {
  const framer = createStreamFramer();
  const broken = message(1).replace('Call-ID: call-1\r\n', '');
  const items = framer.push(Buffer.from(broken + message(2)));
  assert.is(items[0]?.kind, 'error');
  assert.is(items[0]?.kind === 'error' && items[0].fatal, false);
  assert.equal(callIds(items.slice(1)), ['call-2']);
  assert.not.ok(framer.failed);
});

test('a lost framing (bad or oversized Content-Length, endless headers) is fatal and carries the partial request', () => {
  const bad = createStreamFramer();
  const items = bad.push(Buffer.from(message(1).replace('Content-Length: 0', 'Content-Length: lots')));
  assert.is(items.length, 1);
  assert.ok(items[0]?.kind === 'error' && items[0].fatal);
  assert.ok(bad.failed);
  assert.equal(bad.push(Buffer.from(message(2))), []);

  const big = createStreamFramer({ maxBodyBytes: 100 });
  const [item] = big.push(Buffer.from(message(1).replace('Content-Length: 0', 'Content-Length: 5000')));
  assert.ok(item?.kind === 'error' && item.fatal && item.error.code === 'body_too_large');
  assert.is(item.error.partial?.method, 'OPTIONS');

  const endless = createStreamFramer({ maxMessageBytes: 1000 });
  const out = endless.push(Buffer.from(`OPTIONS sip:h SIP/2.0\r\n${'X-Pad: y\r\n'.repeat(200)}`));
  assert.ok(out[0]?.kind === 'error' && out[0].fatal && out[0].error.code === 'too_large');
});

test('property: garbage never throws and never yields a message', () => {
  fc.assert(
    fc.property(fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 10 }), (chunks) => {
      const framer = createStreamFramer({ maxMessageBytes: 2000 });
      for (const c of chunks)
        for (const item of framer.push(Buffer.from(c))) assert.ok(item.kind !== 'message' || item.message.headers.length >= 5);
    }),
    { numRuns: 500 },
  );
});

test.run();
