import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { canonicalHeaderName, header, headerValues, splitList } from './message/headers.js';
import type { SipMessage, SipRequest } from './message/model.js';
import {
  DEFAULT_MAX_BODY_BYTES,
  DEFAULT_MAX_MESSAGE_BYTES,
  parseSipMessage,
  type SipParseError,
  type SipParseErrorCode,
} from './message/parse.js';
import { responseTo, serializeSip } from './message/serialize.js';
import { parseCSeq, parseNameAddr, parseUri, parseVia, tagOf, topBranch } from './message/values.js';

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

// What any parse must look like, Left or Right.

/** The message of each code, and the header it names (`field`), if any: both are part of the contract (the 400's Warning says the message). */
const refusals: Readonly<Record<SipParseErrorCode, { readonly message: RegExp; readonly fields: readonly (string | undefined)[] }>> = {
  empty: { message: /^the message is empty$/, fields: [undefined] },
  too_large: { message: /^the message is larger than [0-9]+ bytes$/, fields: [undefined] },
  truncated: { message: /^the message ends before the empty line that closes the headers$/, fields: [undefined] },
  bad_start_line: { message: /^the first line is neither a SIP\/2\.0 request line nor a status line$/, fields: [undefined] },
  bad_header: {
    message: /^(line [0-9]+ continues no header|line [0-9]+ is not a header \(name: value\)|more than [0-9]+ headers)$/,
    fields: [undefined],
  },
  missing_header: { message: /^the (Via|From|To|Call-ID|CSeq) header is missing$/, fields: ['Via', 'From', 'To', 'Call-ID', 'CSeq'] },
  bad_cseq: {
    message: /^(CSeq must be a number below 2\^31 and a method|the CSeq method \S+ is not the request's method \S+)$/,
    fields: ['CSeq'],
  },
  bad_content_length: {
    message: /^(Content-Length must be a decimal number|conflicting Content-Length headers)$/,
    fields: ['Content-Length'],
  },
  body_too_large: { message: /^the body is larger than [0-9]+ bytes$/, fields: ['Content-Length'] },
  body_truncated: { message: /^Content-Length announces [0-9]+ bytes, [0-9]+ arrived$/, fields: ['Content-Length'] },
};

const TOKEN = /^[A-Za-z0-9.!%*_+`'~-]+$/;

const checkHeaders = (headers: SipMessage['headers'], what: string) => {
  for (const h of headers) {
    assert.ok(TOKEN.test(h.name), `${what}: header name ${JSON.stringify(h.name)}`);
    assert.is(h.name, canonicalHeaderName(h.name), `${what}: header name not canonical`);
    assert.not.ok(h.value.includes('\n'), `${what}: a line break in the value of ${h.name}`);
    assert.is(h.value, h.value.trim(), `${what}: the value of ${h.name} is not trimmed`);
  }
};

/** A refusal: a typed error with a known code, that code's message and field, and a partial request only once a request line was read. */
const checkRefusal = (e: SipParseError, input: Buffer) => {
  assert.is(e._tag, 'SipParseError');
  const rule = refusals[e.code];
  assert.ok(rule, `unknown code ${e.code}`);
  assert.ok(
    Object.keys(e).every((k) => ['_tag', 'code', 'message', 'field', 'partial'].includes(k)),
    Object.keys(e).join(),
  );
  assert.match(e.message, rule.message);
  assert.ok(rule.fields.includes(e.field), `${e.code} names ${e.field}`);
  if (e.code === 'missing_header') assert.is(e.message, `the ${e.field} header is missing`);
  assert.is(e.code === 'too_large', input.length > DEFAULT_MAX_MESSAGE_BYTES, 'too_large iff the input is larger than allowed');
  if (e.code !== 'too_large') assert.is(e.code === 'empty', /^[\r\n]*$/.test(input.toString('latin1')), 'empty iff only line ends');
  if (e.partial !== undefined) {
    assert.not.ok(['empty', 'too_large', 'bad_start_line'].includes(e.code), `${e.code} with a partial request`);
    assert.is(e.partial.kind, 'request');
    assert.ok(TOKEN.test(e.partial.method));
    assert.is(e.partial.body.length, 0);
    checkHeaders(e.partial.headers, 'partial');
  }
};

/** Drops what serializing changes: Content-Length (recomputed) and line breaks inside values. */
const normalized = (m: SipMessage): SipMessage => ({
  ...m,
  headers: [
    ...m.headers.filter((h) => h.name !== 'Content-Length').map((h) => ({ name: h.name, value: h.value.replace(/[\r\n]+/g, ' ').trim() })),
    { name: 'Content-Length', value: String(m.body.length) },
  ],
});

/** An accepted message: a valid start line, every header well named, the mandatory ones there, the body as announced, and a serialization that parses back to it. */
const checkAccepted = (m: SipMessage) => {
  if (m.kind === 'request') {
    assert.ok(TOKEN.test(m.method), `method ${m.method}`);
    assert.match(m.uri, /^[a-zA-Z][a-zA-Z0-9+.-]*:\S+$/);
  } else {
    assert.ok(Number.isInteger(m.status) && m.status >= 100 && m.status <= 699, `status ${m.status}`);
    assert.not.ok(/[\r\n]/.test(m.reason));
  }
  checkHeaders(m.headers, 'message');
  for (const name of ['Via', 'From', 'To', 'Call-ID', 'CSeq']) assert.ok(header(m, name) !== undefined, `no ${name}`);
  const cseq = parseCSeq(header(m, 'CSeq'));
  assert.ok(cseq, 'CSeq');
  if (m.kind === 'request') assert.is(cseq.method, m.method);
  for (const length of headerValues(m, 'Content-Length')) assert.is(Number(length), m.body.length, 'Content-Length is the body length');
  assert.ok(m.body.length <= DEFAULT_MAX_BODY_BYTES);
  const bytes = serializeSip(m);
  const again = parseSipMessage(bytes);
  assert.ok(E.isRight(again), `the serialization does not parse: ${E.isLeft(again) ? again.left.message : ''}`);
  assert.equal(again.right, normalized(m));
  assert.ok(serializeSip(again.right).equals(bytes), 'serializing is stable after one round');
};

/** Checks one parse of `input`, Left or Right; parsing is deterministic. */
const checkParse = (input: Buffer): E.Either<SipParseError, SipMessage> => {
  const r = parseSipMessage(input);
  assert.equal(parseSipMessage(Buffer.from(input)), r, 'the same bytes parse the same');
  if (E.isLeft(r)) checkRefusal(r.left, input);
  else checkAccepted(r.right);
  return r;
};

// ---------------------------------------------------------------------------------------------
// Inputs: raw bytes, and text shaped like SIP (start lines, mandatory headers, compact forms,
// folding, bad lines, every kind of Content-Length, bodies) so both outcomes are common.

/** Mostly `good`, now and then `bad`: each part of a message is usually right, so whole messages often are. */
const mostly = <T>(good: fc.Arbitrary<T>, bad: fc.Arbitrary<T>, weight = 12): fc.Arbitrary<T> =>
  fc.oneof({ arbitrary: good, weight }, { arbitrary: bad, weight: 1 });

type StartPlan = { kind: 'request'; method: string } | { kind: 'response'; status: number } | { kind: 'line'; line: string };

const sipLike = fc
  .record({
    leading: fc.constantFrom('', '', '', '\r\n', '\n\r\n'),
    start: fc.oneof(
      {
        arbitrary: fc
          .constantFrom('INVITE', 'REGISTER', 'OPTIONS', 'BYE', 'INFO', 'ACK', 'X-Custom.1')
          .map((method): StartPlan => ({ kind: 'request', method })),
        weight: 6,
      },
      { arbitrary: fc.integer({ min: 100, max: 699 }).map((status): StartPlan => ({ kind: 'response', status })), weight: 3 },
      {
        arbitrary: fc
          .oneof(fc.integer({ min: 0, max: 99 }), fc.integer({ min: 700, max: 999 }))
          .map((status): StartPlan => ({ kind: 'response', status })),
        weight: 1,
      },
      {
        arbitrary: fc
          .constantFrom('HELLO WORLD', 'INVITE sip:x SIP/3.0', 'INVITE  sip:x SIP/2.0', 'SIP/2.0 20 OK', '', 'SIP/2.0 200OK')
          .map((line): StartPlan => ({ kind: 'line', line })),
        weight: 1,
      },
    ),
    uri: mostly(fc.constantFrom('sip:8000@127.0.0.1', 'sips:[::1]:5061', 'tel:+15551234'), fc.constantFrom('nonsense', 'sip:a b')),
    reason: headerValue,
    cseqMethod: mostly(fc.constant(undefined), fc.constantFrom('INVITE', 'BYE', '')),
    cseqNumber: mostly(fc.nat(2 ** 31 - 1).map(String), fc.constantFrom('x', '2147483648', '-1')),
    present: fc.array(mostly(fc.constant(true), fc.constant(false), 25), { minLength: 5, maxLength: 5 }),
    compact: fc.boolean(),
    extra: fc.array(
      mostly(
        fc.oneof(
          fc.tuple(token, headerValue).map(([n, v]) => `${n}: ${v}`),
          fc.tuple(token, headerValue).map(([n, v]) => `${n.toUpperCase()} \t:${v}  `),
          headerValue.map((v) => ` ${v}`),
          fc.constantFrom('X-Cr: a\rb', 'Max-Forwards: 70', 'k: 100rel', 'X-Empty:'),
        ),
        fc.constantFrom('Bad Header Without Colon', ': no name', 'X Y: z', 'Ünïcode: x'),
        10,
      ),
      { maxLength: 6 },
    ),
    contentLength: mostly(
      fc.constantFrom('none', 'right', 'right', 'short', 'twice'),
      fc.constantFrom('long', 'garbage', 'conflict', 'huge'),
      6,
    ),
    body: fc.oneof(
      fc.string({ maxLength: 120 }).map((b) => Buffer.from(b)),
      fc.uint8Array({ maxLength: 120 }).map((b) => Buffer.from(b)),
    ),
    eol: fc.constantFrom('\r\n', '\r\n', '\n'),
    separator: mostly(fc.constant(true), fc.constant(false), 15),
  })
  .map((p) => {
    const method = p.start.kind === 'request' ? p.start.method : undefined;
    const line =
      p.start.kind === 'line'
        ? p.start.line
        : p.start.kind === 'request'
          ? `${p.start.method} ${p.uri} SIP/2.0`
          : `SIP/2.0 ${String(p.start.status).padStart(3, '0')} ${p.reason}`.trimEnd();
    const names = p.compact ? ['v', 'f', 't', 'i', 'CSeq'] : ['Via', 'From', 'To', 'Call-ID', 'CSeq'];
    const values = [
      'SIP/2.0/UDP 10.0.0.2:5062;branch=z9hG4bKp;rport',
      '"Desk" <sip:1000@h>;tag=1',
      '<sip:8000@h>',
      'c1@h',
      `${p.cseqNumber} ${p.cseqMethod ?? method ?? 'INVITE'}`,
    ];
    const headers = names.flatMap((n, i) => (p.present[i] ? [`${n}: ${values[i]}`] : []));
    const n = p.body.length;
    const lengths: Record<string, string[]> = {
      none: [],
      right: [`${p.compact ? 'l' : 'Content-Length'}: ${n}`],
      short: [`Content-Length: ${Math.floor(n / 2)}`],
      long: [`Content-Length: ${n + 1}`],
      garbage: ['Content-Length: ten'],
      twice: [`Content-Length: ${n}`, `l: ${n}`],
      conflict: [`Content-Length: ${n}`, `l: ${n + 1}`],
      huge: [`Content-Length: ${DEFAULT_MAX_BODY_BYTES + 1}`],
    };
    const head = [line, ...headers, ...p.extra, ...(lengths[p.contentLength] ?? [])].join(p.eol);
    return Buffer.concat([Buffer.from(`${p.leading}${head}${p.eol}${p.separator ? p.eol : ''}`), p.body]);
  });

const anyInput = fc.oneof(
  { arbitrary: fc.uint8Array({ maxLength: 3000 }).map((b) => Buffer.from(b)), weight: 2 },
  { arbitrary: sipLike, weight: 6 },
  // Above the size limit (what it holds does not matter: the size is checked first).
  { arbitrary: fc.integer({ min: 1, max: 100 }).map((n) => Buffer.alloc(DEFAULT_MAX_MESSAGE_BYTES + n, 'x')), weight: 1 },
);

test('the inputs of the properties below reach both outcomes and every refusal (else they would prove little)', () => {
  const codes = new Set<string>();
  let accepted = 0;
  const samples = fc.sample(anyInput, { numRuns: 3000, seed: 13 });
  for (const input of samples) {
    const r = parseSipMessage(input);
    if (E.isRight(r)) accepted += 1;
    else codes.add(r.left.code);
  }
  assert.ok(accepted > samples.length / 10, `${accepted} of ${samples.length} accepted`);
  assert.equal([...codes].sort(), Object.keys(refusals).sort());
});

test('property: whatever the bytes, the parser answers (never throws): a typed refusal, or a well-formed message that serializes back to itself', () => {
  fc.assert(
    fc.property(anyInput, (input) => void checkParse(input)),
    { numRuns: 3000 },
  );
});

const body = 'v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\n';
const valid = Buffer.from(crlf([...invite, `Content-Length: ${body.length}`], body));
const bodyStart = valid.length - body.length;
const firstLineEnd = valid.indexOf('\r\n');

test('property: a valid message cut before its body end is refused, keeping the request once its first line is whole', () => {
  assert.ok(E.isRight(checkParse(valid)));
  fc.assert(
    fc.property(fc.nat(valid.length - 1), (cut) => {
      const input = valid.subarray(0, cut);
      const r = checkParse(input);
      assert.ok(E.isLeft(r), `a message cut at ${cut} was accepted`);
      const expected =
        cut >= bodyStart
          ? ['body_truncated']
          : cut === 0
            ? ['empty']
            : cut < firstLineEnd
              ? ['bad_start_line']
              : ['truncated', 'bad_header'];
      assert.ok(expected.includes(r.left.code), `cut at ${cut}: ${r.left.code}`);
      if (cut > firstLineEnd) assert.is(r.left.partial?.method, 'INVITE', `cut at ${cut}: no partial request`);
    }),
    { numRuns: 1000 },
  );
});

test('property: bytes flipped anywhere give a typed refusal or a well-formed message; flipped in the body, only the body changes', () => {
  const original = parseSipMessage(valid);
  assert.ok(E.isRight(original));
  const flips = (from: number) =>
    fc.array(fc.tuple(fc.integer({ min: from, max: valid.length - 1 }), fc.integer({ min: 0, max: 255 })), { maxLength: 8 });
  fc.assert(
    fc.property(flips(0), flips(bodyStart), (anywhere, inBody) => {
      const mutated = Buffer.from(valid);
      for (const [at, byte] of anywhere) mutated[at] = byte;
      checkParse(mutated);

      const bodyOnly = Buffer.from(valid);
      for (const [at, byte] of inBody) bodyOnly[at] = byte;
      const r = checkParse(bodyOnly);
      assert.ok(E.isRight(r), 'a change in the body made the message invalid');
      assert.equal(r.right.headers, original.right.headers);
      assert.ok(r.right.body.equals(bodyOnly.subarray(bodyStart)));
    }),
    { numRuns: 1000 },
  );
});

test('property: what the grammar allows to vary (header-name case, compact forms, spaces around the colon, folding, bare LF, blank lines first) parses the same', () => {
  const lines = [...invite.slice(1), `Content-Length: ${body.length}`].map((l) => {
    const colon = l.indexOf(':');
    return { name: l.slice(0, colon), value: l.slice(colon + 2) };
  });
  const short: Record<string, string> = {
    Via: 'v',
    From: 'f',
    To: 't',
    'Call-ID': 'i',
    Contact: 'm',
    'Content-Type': 'c',
    'Content-Length': 'l',
  };
  const original = parseSipMessage(valid);
  assert.ok(E.isRight(original));
  const variant = fc.record({
    leading: fc.constantFrom('', '\r\n', '\n', '\r\n\r\n'),
    startCase: fc.boolean(),
    eols: fc.array(fc.constantFrom('\r\n', '\n'), { minLength: lines.length + 1, maxLength: lines.length + 1 }),
    headers: fc.array(
      fc.record({
        compact: fc.boolean(),
        caseMask: fc.array(fc.boolean(), { maxLength: 16 }),
        before: fc.constantFrom('', '', ' ', '\t', ' \t'),
        after: fc.constantFrom('', ' ', ' ', '  ', '\t'),
        trailing: fc.constantFrom('', '', ' ', '\t'),
        fold: fc.option(fc.constantFrom('\r\n ', '\r\n\t', '\n  '), { nil: undefined }),
      }),
      { minLength: lines.length, maxLength: lines.length },
    ),
  });
  fc.assert(
    fc.property(variant, (v) => {
      const rendered = lines.map((l, i) => {
        const o = v.headers[i];
        if (o === undefined) throw new Error('one variation per header');
        const base = o.compact ? (short[l.name] ?? l.name) : l.name;
        const name = [...base]
          .map((ch, k) => (o.caseMask[k] ? (ch === ch.toLowerCase() ? ch.toUpperCase() : ch.toLowerCase()) : ch))
          .join('');
        // Folding: one of the value's spaces becomes a line break and whitespace.
        const value = o.fold !== undefined && l.value.includes(' ') ? l.value.replace(' ', o.fold) : l.value;
        return `${name}${o.before}:${o.after}${value}${o.trailing}`;
      });
      const start = v.startCase ? (invite[0] ?? '').replace('SIP/2.0', 'sip/2.0') : (invite[0] ?? '');
      const head = [start, ...rendered].map((l, i) => `${l}${v.eols[i] ?? '\r\n'}`).join('');
      const input = Buffer.from(`${v.leading}${head}\r\n${body}`);
      const r = checkParse(input);
      assert.ok(E.isRight(r), E.isLeft(r) ? r.left.message : '');
      assert.equal(r.right, original.right);
    }),
    { numRuns: 1000 },
  );
});

test.run();
