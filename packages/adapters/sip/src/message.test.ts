import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  canonicalHeaderName,
  header,
  headerValues,
  parseNameAddr,
  parseSipMessage,
  parseUri,
  parseVia,
  responseTo,
  type SipRequest,
  serializeSip,
  splitList,
  tagOf,
  topBranch,
} from './message.js';

const crlf = (lines: readonly string[], body = '') => `${lines.join('\r\n')}\r\n\r\n${body}`;

const invite = [
  'INVITE sip:8000@127.0.0.1 SIP/2.0',
  'Via: SIP/2.0/UDP 10.0.0.2:5062;branch=z9hG4bK776asdhds;rport',
  'Max-Forwards: 70',
  'To: <sip:8000@127.0.0.1>',
  'From: "Desk" <sip:1000@127.0.0.1>;tag=1928301774',
  'Call-ID: a84b4c76e66710@pc33',
  'CSeq: 314159 INVITE',
  'Contact: <sip:1000@10.0.0.2:5062>',
  'Content-Type: application/sdp',
];

const parsed = (text: string | Buffer): SipRequest => {
  const r = parseSipMessage(text);
  if (E.isLeft(r)) throw new Error(`${r.left.code}: ${r.left.message}`);
  if (r.right.kind !== 'request') throw new Error('not a request');
  return r.right;
};

const errorOf = (text: string | Buffer, options = {}) => {
  const r = parseSipMessage(text, options);
  assert.ok(E.isLeft(r), 'expected a parse error');
  return r.left;
};

test('a request: start line, headers in order, body cut at Content-Length', () => {
  const m = parsed(crlf([...invite, 'Content-Length: 4'], 'v=0\r\nextra'));
  assert.is(m.method, 'INVITE');
  assert.is(m.uri, 'sip:8000@127.0.0.1');
  assert.is(header(m, 'call-id'), 'a84b4c76e66710@pc33');
  assert.is(m.body.toString(), 'v=0\r');
  assert.is(tagOf(header(m, 'From')), '1928301774');
  assert.is(topBranch(m), 'z9hG4bK776asdhds');
});

test('compact forms, any case, spaces before the colon, folding and bare LF are accepted', () => {
  const text = [
    'REGISTER sip:127.0.0.1 SIP/2.0',
    'v: SIP/2.0/UDP 10.0.0.2:5062;branch=z9hG4bK1',
    'VIA : SIP/2.0/TCP 10.0.0.9;branch=z9hG4bK0',
    'f: <sip:SEP001122334455@127.0.0.1>;tag=x',
    't: <sip:SEP001122334455@127.0.0.1>',
    'i: reg-1',
    'CSEQ: 1 REGISTER',
    'm: <sip:SEP001122334455@10.0.0.2:5062>;expires=60,',
    '  <sip:other@10.0.0.2>',
    'l: 0',
    '',
    '',
  ].join('\n');
  const m = parsed(text);
  assert.is(m.headers[0]?.name, 'Via');
  assert.equal(headerValues(m, 'Via').length, 2);
  assert.equal(headerValues(m, 'contact'), ['<sip:SEP001122334455@10.0.0.2:5062>;expires=60', '<sip:other@10.0.0.2>']);
  assert.is(header(m, 'Call-ID'), 'reg-1');
  assert.is(canonicalHeaderName('l'), 'Content-Length');
  assert.is(canonicalHeaderName('X-Device-MAC'), 'X-Device-MAC');
});

test('a response, and CRLFs before the start line', () => {
  const r = parseSipMessage(
    crlf([
      '',
      'SIP/2.0 180 Ringing',
      'Via: SIP/2.0/UDP h;branch=z9hG4bK1',
      'From: <sip:a@h>;tag=1',
      'To: <sip:b@h>',
      'Call-ID: c',
      'CSeq: 1 INVITE',
    ]),
  );
  assert.ok(E.isRight(r) && r.right.kind === 'response' && r.right.status === 180 && r.right.reason === 'Ringing');
});

test('refusals name what is wrong and keep the partial request for a 400', () => {
  assert.is(errorOf('').code, 'empty');
  assert.is(errorOf('\x00\x01\x02garbage').code, 'bad_start_line');
  assert.is(errorOf('HELLO WORLD\r\n\r\n').code, 'bad_start_line');
  const truncated = errorOf(invite.join('\r\n'));
  assert.is(truncated.code, 'truncated');
  assert.is(truncated.partial?.method, 'INVITE');
  const missing = errorOf(crlf(invite.filter((l) => !l.startsWith('Call-ID'))));
  assert.is(missing.code, 'missing_header');
  assert.is(missing.field, 'Call-ID');
  assert.ok(missing.partial);
  assert.is(errorOf(crlf([...invite.slice(0, 6), 'CSeq: 1 BYE', ...invite.slice(7)])).code, 'bad_cseq');
  assert.is(errorOf(crlf([...invite.slice(0, 6), 'CSeq: x INVITE', ...invite.slice(7)])).code, 'bad_cseq');
  assert.is(errorOf(crlf([...invite, 'Bad Header Without Colon'])).code, 'bad_header');
  assert.is(errorOf(crlf([...invite, ': no name'])).code, 'bad_header');
  assert.is(errorOf(crlf([...invite, 'Content-Length: ten'])).code, 'bad_content_length');
  assert.is(errorOf(crlf([...invite, 'Content-Length: 4', 'l: 5'], 'abcde')).code, 'bad_content_length');
  const short = errorOf(crlf([...invite, 'Content-Length: 400'], 'v=0'));
  assert.is(short.code, 'body_truncated');
  assert.is(short.field, 'Content-Length');
  assert.is(errorOf(crlf([...invite, 'Content-Length: 20000'], 'x'.repeat(20000))).code, 'body_too_large');
  assert.is(errorOf(crlf(invite, 'x'.repeat(20000))).code, 'body_too_large');
  assert.is(errorOf(crlf(invite, 'x'.repeat(70000))).code, 'too_large');
  assert.is(errorOf(crlf(invite), { maxMessageBytes: 100 }).code, 'too_large');
});

test('serialize then parse gives the same message; Content-Length is always the body length', () => {
  const m = parsed(
    crlf(
      [...invite, 'Content-Length: 999999'].filter((l) => !l.startsWith('Content-Length')),
      'v=0\r\n',
    ),
  );
  const again = parsed(serializeSip({ ...m, headers: [...m.headers, { name: 'Content-Length', value: '12345' }] }));
  // The serializer drops the given Content-Length and appends the true one.
  assert.equal(again.headers.slice(0, -1), m.headers);
  assert.equal(again.headers.at(-1), { name: 'Content-Length', value: '5' });
  assert.is(again.body.toString(), 'v=0\r\n');
  assert.ok(serializeSip(m).toString().includes('Content-Length: 5\r\n'));
});

test('a header value cannot inject a line into a serialized message', () => {
  const m = parsed(crlf(invite));
  const bytes = serializeSip({ ...m, headers: [...m.headers, { name: 'X-Note', value: 'a\r\nInjected: yes' }] }).toString();
  assert.not.ok(/\r\nInjected:/.test(bytes));
});

test('responseTo copies Via (all), From, To (tag added once), Call-ID, CSeq', () => {
  const m = parsed(crlf([...invite.slice(0, 2), 'Via: SIP/2.0/UDP proxy;branch=z9hG4bK2', ...invite.slice(2)]));
  const r = responseTo(m, 200, { toTag: 'abc', headers: [{ name: 'Contact', value: '<sip:8000@h>' }] });
  assert.equal(headerValues(r, 'Via').length, 2);
  assert.is(tagOf(header(r, 'To')), 'abc');
  assert.is(r.reason, 'OK');
  const again = responseTo({ ...m, headers: r.headers as SipRequest['headers'] }, 200, { toTag: 'zzz' });
  assert.is(tagOf(header(again, 'To')), 'abc');
  assert.is(tagOf(header(responseTo(m, 100, { toTag: 'x' }), 'To')), undefined);
});

test('URIs, name-addr, Via and lists', () => {
  assert.equal(parseUri('sip:1000@10.0.0.2:5062;transport=tcp'), {
    scheme: 'sip',
    user: '1000',
    host: '10.0.0.2',
    port: 5062,
    params: { transport: 'tcp' },
  });
  assert.equal(parseUri('sips:[::1]:5061'), { scheme: 'sips', host: '[::1]', port: 5061, params: {} });
  assert.is(parseUri('tel:+15551234;phone-context=x')?.user, '+15551234');
  assert.is(parseUri('sip:a@h:70000'), undefined);
  assert.is(parseUri('nonsense'), undefined);
  const n = parseNameAddr('"A \\"B\\"" <sip:1000@h>;tag=9;+sip.instance="<urn:uuid:00000000-0000-0000-0000-001122334455>"');
  assert.is(n?.display, 'A "B"');
  assert.is(n?.params['+sip.instance'], '<urn:uuid:00000000-0000-0000-0000-001122334455>');
  assert.equal(parseNameAddr('sip:1000@h;tag=1')?.params, { tag: '1' });
  assert.is(parseNameAddr('<sip:broken'), undefined);
  assert.equal(parseVia('SIP / 2.0 / udp 10.0.0.1:5060 ;branch=z9hG4bKx;rport'), {
    transport: 'UDP',
    host: '10.0.0.1',
    port: 5060,
    params: { branch: 'z9hG4bKx', rport: null },
  });
  assert.equal(splitList('<sip:a@h;x=1,2>, "b, c" <sip:b@h>,'), ['<sip:a@h;x=1,2>', '"b, c" <sip:b@h>']);
});

// ---------------------------------------------------------------------------------------------
// Properties.

const token = fc.stringMatching(/^[A-Za-z][A-Za-z0-9-]{0,15}$/);
const headerValue = fc.stringMatching(/^[ -~]{0,40}$/).map((s) => s.trim());

test('property: any well-formed request survives serialize -> parse', () => {
  fc.assert(
    fc.property(
      fc.constantFrom('INVITE', 'REGISTER', 'OPTIONS', 'INFO', 'BYE'),
      fc.array(
        fc.tuple(
          token.map((t) => `X-${t}`),
          headerValue,
        ),
        { maxLength: 10 },
      ),
      fc.uint8Array({ maxLength: 2000 }),
      (method, extra, body) => {
        const m: SipRequest = {
          kind: 'request',
          method,
          uri: 'sip:8000@127.0.0.1',
          headers: [
            { name: 'Via', value: 'SIP/2.0/UDP 127.0.0.1:5062;branch=z9hG4bKp' },
            { name: 'From', value: '<sip:a@h>;tag=1' },
            { name: 'To', value: '<sip:b@h>' },
            { name: 'Call-ID', value: 'c1' },
            { name: 'CSeq', value: `7 ${method}` },
            ...extra.map(([name, value]) => ({ name, value })),
          ],
          body: Buffer.from(body),
        };
        const again = parseSipMessage(serializeSip(m));
        assert.ok(E.isRight(again));
        assert.equal(again.right.headers.slice(0, -1), m.headers);
        assert.ok(again.right.body.equals(m.body));
      },
    ),
    { numRuns: 300 },
  );
});

test('property: the parser never throws, whatever the bytes', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 3000 }), (bytes) => {
      const r = parseSipMessage(Buffer.from(bytes));
      assert.ok(E.isLeft(r) || E.isRight(r));
    }),
    { numRuns: 2000 },
  );
});

test('property: mutating a valid message (cut, flip, splice) never throws, and any truncation before the body end is refused', () => {
  const body = 'v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\n';
  const valid = Buffer.from(crlf([...invite, `Content-Length: ${body.length}`], body));
  assert.ok(E.isRight(parseSipMessage(valid)));
  fc.assert(
    fc.property(
      fc.nat(valid.length - 1),
      fc.array(fc.tuple(fc.nat(valid.length - 1), fc.integer({ min: 0, max: 255 })), { maxLength: 8 }),
      (cut, flips) => {
        const truncated = parseSipMessage(valid.subarray(0, cut));
        assert.ok(E.isLeft(truncated), `a message cut at ${cut} was accepted`);
        const mutated = Buffer.from(valid);
        for (const [at, byte] of flips) mutated[at] = byte;
        parseSipMessage(mutated);
      },
    ),
    { numRuns: 1000 },
  );
});

test.run();
