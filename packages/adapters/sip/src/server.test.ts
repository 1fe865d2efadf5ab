// The server driven by small raw peers (node:dgram, node:net) for what needs single
// messages looked at: registrar rules and refusals, malformed input, transactions,
// dialog edge cases, RTP, and the resync after an administrator provisions a phone.
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { simulatedScheduler } from '@selfprov/ivr';
import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { header, headerValues } from './message/headers.js';
import type { SipMessage, SipResponse } from './message/model.js';
import { tagOf } from './message/values.js';
import { buildRtp, buildTelephoneEvent, parseRtp } from './rtp.js';
import { parseSdp } from './sdp.js';
import { demoApp, freePort, type Harness, PATIENCE_MS, startHarness } from './testing/harness.js';
import { assignedDn, registerText, type TestPeer, tcpPeer, udpPeer } from './testing/peer.js';

const MAC = '001122334455';
const DEVICE = `SEP${MAC}`;

const warningOf = (m: SipMessage | undefined) => (m ? header(m, 'Warning') : undefined);

const phone = async (h: Harness, deviceName = DEVICE) => {
  const p = await h.app.selfProvisioning.phone(deviceName)();
  assert.ok(E.isRight(p));
  return p.right;
};

/**
 * Polls state that no message announces (the domain's read model, an IVR call's keys); the deadline
 * is a safety net against hangs, never a pace: anything that does announce itself is awaited instead.
 */
const until = async (check: () => boolean | Promise<boolean>, timeoutMs = PATIENCE_MS) => {
  const start = Date.now();
  while (!(await check())) {
    if (Date.now() - start > timeoutMs) return false;
    await new Promise((r) => setTimeout(r, 10));
  }
  return true;
};

/** The first `count` packets a UDP socket receives (from now on: those already received are not counted again). */
const packets = (socket: UdpSocket, count: number, timeoutMs = PATIENCE_MS): Promise<Buffer[]> =>
  new Promise((resolve, reject) => {
    const got: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.off('message', on);
      reject(new Error(`${got.length} of ${count} packets in ${timeoutMs} ms`));
    }, timeoutMs);
    const on = (m: Buffer) => {
      got.push(m);
      if (got.length < count) return;
      clearTimeout(timer);
      socket.off('message', on);
      resolve(got);
    };
    socket.on('message', on);
  });

/** A UDP socket on a free loopback port (an RTP sink the server may send to). */
const udpSocket = async (): Promise<UdpSocket> => {
  const socket = createSocket('udp4');
  await new Promise<void>((r) => socket.bind(0, '127.0.0.1', () => r()));
  return socket;
};

/** One shared server for the registrar and transport tests (each test uses its own MACs). */
let shared: Harness;
test.before(async () => {
  shared = await startHarness({ registrar: { minExpires: 1, maxExpires: 7200 } });
});
test.after(async () => {
  await shared.close();
});

test('a new device auto-registers; the 200 names its DN and Contact; a refresh keeps the DN; a stale CSeq is refused', async () => {
  const peer = await udpPeer({ port: shared.sip.udpPort });
  try {
    peer.send(
      registerText({ peerPort: peer.port, user: DEVICE, callId: 'lifecycle', cseq: 5, extra: ['User-Agent: Cisco-CP8845/14.2.1'] }),
    );
    const first = await peer.response();
    assert.is(first?.status, 200);
    assert.is(assignedDn(first), '1000');
    assert.is(headerValues(first ?? { headers: [] }, 'Contact')[0], `<sip:${DEVICE}@127.0.0.1:${peer.port}>;expires=3600`);
    const p = await phone(shared);
    assert.is(p?.model, 'Cisco-CP8845/14.2.1');
    assert.is(p?.registered, true);

    peer.send(registerText({ peerPort: peer.port, user: DEVICE, callId: 'lifecycle', cseq: 6, expires: 999_999 }));
    const refresh = await peer.response();
    assert.is(refresh?.status, 200);
    assert.is(assignedDn(refresh), '1000');
    assert.ok(header(refresh ?? { headers: [] }, 'Contact')?.endsWith(';expires=7200'), 'expires above the maximum is shortened');

    peer.send(registerText({ peerPort: peer.port, user: DEVICE, callId: 'lifecycle', cseq: 6 }));
    const stale = await peer.response();
    assert.is(stale?.status, 500);
    assert.is(stale?.reason, 'Out of Order');
  } finally {
    peer.close();
  }
});

test('Expires: 0 unregisters (domain told), a new REGISTER of the known device refreshes it; Contact * needs Expires 0', async () => {
  const peer = await udpPeer({ port: shared.sip.udpPort });
  const device = 'SEP00000000AA01';
  try {
    peer.send(registerText({ peerPort: peer.port, user: device }));
    const dn = assignedDn(await peer.response());
    assert.ok(dn);
    peer.send(registerText({ peerPort: peer.port, user: device, expires: 0 }));
    const gone = await peer.response();
    assert.is(gone?.status, 200);
    assert.is(header(gone ?? { headers: [] }, 'Contact'), undefined);
    assert.is(shared.sip.server.binding(device), undefined);
    assert.is((await phone(shared, device))?.registered, false);

    peer.send(registerText({ peerPort: peer.port, user: device, contact: '*', expires: 60 }));
    assert.is((await peer.response())?.status, 400);

    peer.send(registerText({ peerPort: peer.port, user: device }));
    const back = await peer.response();
    assert.is(assignedDn(back), dn, 'a known device keeps its DN');
    assert.is((await phone(shared, device))?.registered, true);

    peer.send(registerText({ peerPort: peer.port, user: device, contact: '*', expires: 0 }));
    assert.is((await peer.response())?.status, 200);
    assert.is(shared.sip.server.binding(device), undefined);
  } finally {
    peer.close();
  }
});

test('a binding that is not refreshed expires: the domain hears the phone unregistered', async () => {
  const peer = await udpPeer({ port: shared.sip.udpPort });
  const device = 'SEP00000000AA02';
  try {
    peer.send(registerText({ peerPort: peer.port, user: device, expires: 1 }));
    assert.is((await peer.response())?.status, 200);
    await shared.logged((e) => e.event === 'binding_expired' && e.details?.deviceName === device, `binding_expired ${device}`);
    assert.is(shared.sip.server.binding(device), undefined);
    // The domain hears it after the binding is dropped (an append of its own).
    assert.ok(await until(async () => (await phone(shared, device))?.registered === false), 'the domain still has the phone registered');
  } finally {
    peer.close();
  }
});

test('the MAC comes from +sip.instance, the user part or X-Device-MAC; none at all: 403 Device Not Identified', async () => {
  const peer = await udpPeer({ port: shared.sip.udpPort });
  try {
    peer.send(
      registerText({
        peerPort: peer.port,
        user: 'desk',
        contact: `<sip:desk@127.0.0.1:${peer.port}>;+sip.instance="<urn:uuid:00000000-0000-0000-0000-00000000ab01>"`,
      }),
    );
    assert.is((await peer.response())?.status, 200);
    assert.ok(shared.sip.server.binding('SEP00000000AB01'));
    peer.send(registerText({ peerPort: peer.port, user: '00-00-00-00-ab-02' }));
    assert.is((await peer.response())?.status, 200);
    assert.ok(shared.sip.server.binding('SEP00000000AB02'));
    peer.send(registerText({ peerPort: peer.port, user: 'desk', extra: ['X-Device-MAC: 0000.0000.ab03'] }));
    assert.is((await peer.response())?.status, 200);
    assert.ok(shared.sip.server.binding('SEP00000000AB03'));

    peer.send(registerText({ peerPort: peer.port, user: 'desk' }));
    const refused = await peer.response();
    assert.is(refused?.status, 403);
    assert.is(refused?.reason, 'Device Not Identified');
    assert.match(warningOf(refused) ?? '', /^399 127\.0\.0\.1 ".*X-Device-MAC"$/);
  } finally {
    peer.close();
  }
});

test('an expiry below the minimum gets 423 with Min-Expires; a retransmitted REGISTER gets the same answer and registers once', async () => {
  const h = await startHarness({ registrar: { minExpires: 120 } });
  const peer = await udpPeer({ port: h.sip.udpPort });
  try {
    peer.send(registerText({ peerPort: peer.port, user: DEVICE, expires: 30 }));
    const brief = await peer.response();
    assert.is(brief?.status, 423);
    assert.is(header(brief ?? { headers: [] }, 'Min-Expires'), '120');

    const text = registerText({ peerPort: peer.port, user: DEVICE });
    peer.send(text);
    peer.send(text);
    const a = await peer.response();
    const b = await peer.response();
    assert.is(a?.status, 200);
    assert.equal(b, a);
    const all = await h.app.events.readAll({ maxCount: 100_000 })();
    assert.ok(E.isRight(all));
    assert.is(all.right.filter((e) => e.type === 'PhoneAutoRegistered').length, 1);
  } finally {
    peer.close();
    await h.close();
  }
});

test('auto-registration disabled: 403 Auto-registration Disabled, nothing created; a known phone still refreshes', async () => {
  const h = await startHarness();
  const peer = await udpPeer({ port: h.sip.udpPort });
  try {
    peer.send(registerText({ peerPort: peer.port, user: DEVICE }));
    assert.is((await peer.response())?.status, 200);
    const off = await h.app.selfProvisioning.configure('cluster', { type: 'DisableAutoRegistration', clusterId: 'cluster-1' })();
    assert.ok(E.isRight(off));
    peer.send(registerText({ peerPort: peer.port, user: 'SEP00000000BB01' }));
    const refused = await peer.response();
    assert.is(refused?.status, 403);
    assert.is(refused?.reason, 'Auto-registration Disabled');
    assert.ok(warningOf(refused)?.includes('disabled'));
    assert.is((await phone(h, 'SEP00000000BB01'))?.exists ?? false, false);
    peer.send(registerText({ peerPort: peer.port, user: DEVICE }));
    assert.is(assignedDn(await peer.response()), '1000');
  } finally {
    peer.close();
    await h.close();
  }
});

// ---------------------------------------------------------------------------------------------
// Malformed input and transport.

const options = (peerPort: number, extra: string[] = [], transport = 'UDP') =>
  [
    'OPTIONS sip:127.0.0.1 SIP/2.0',
    `Via: SIP/2.0/${transport} 127.0.0.1:${peerPort};branch=z9hG4bK-o${Math.random().toString(36).slice(2)}`,
    'From: <sip:probe@127.0.0.1>;tag=p',
    'To: <sip:127.0.0.1>',
    `Call-ID: options-${Math.random()}`,
    'CSeq: 1 OPTIONS',
    ...extra,
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');

/**
 * A marker: sends an OPTIONS and waits for its answer. Datagrams from one socket reach the server in
 * order and it handles each before reading the next, answering at once what it answers synchronously
 * (OPTIONS, refusals, malformed input, an ACK's effect): once this answer is in, every such answer to
 * what was sent before it has arrived too. Returns the messages received before the answer.
 */
const settle = async (peer: TestPeer): Promise<SipMessage[]> => {
  const text = options(peer.port);
  const callId = /Call-ID: (.*)\r\n/.exec(text)?.[1];
  peer.send(text);
  const before: SipMessage[] = [];
  for (;;) {
    const m = await peer.next();
    if (m === undefined) throw new Error(`no answer to the marker OPTIONS in ${PATIENCE_MS} ms`);
    if (m.kind === 'response' && header(m, 'Call-ID') === callId) return before;
    before.push(m);
  }
};

/** What a message is, for assertions on lists of them. */
const summary = (m: SipMessage) => (m.kind === 'request' ? `${m.method} ${header(m, 'Call-ID')}` : `${m.status} ${header(m, 'Call-ID')}`);

/** The 200 a phone sends to a request of the server (NOTIFY, BYE). */
const okTo = (m: SipMessage) =>
  [
    'SIP/2.0 200 OK',
    ...headerValues(m, 'Via').map((v) => `Via: ${v}`),
    `From: ${header(m, 'From')}`,
    `To: ${header(m, 'To')};tag=ph`,
    `Call-ID: ${header(m, 'Call-ID')}`,
    `CSeq: ${header(m, 'CSeq')}`,
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');

test('malformed datagrams: 400 with a Warning when an answer is possible, silence otherwise; the server keeps serving', async () => {
  const peer = await udpPeer({ port: shared.sip.udpPort });
  try {
    const valid = options(peer.port);
    // Without a Call-ID, the 400 cannot carry one either (so it is read raw here).
    const before = peer.raw.length;
    peer.send(valid.replace(/Call-ID: .*\r\n/, ''));
    const missing = (await peer.rawAt(before))?.toString() ?? '';
    assert.ok(missing.startsWith('SIP/2.0 400 Bad Request\r\n'), missing);
    assert.match(missing, /\r\nWarning: 399 127\.0\.0\.1 "the Call-ID header is missing"\r\n/);
    peer.send(valid.replace('Content-Length: 0', 'Content-Length: 500'));
    assert.is((await peer.response())?.status, 400);
    peer.send(valid.replace('Content-Length: 0', 'Content-Length: 40000') + 'x'.repeat(40_000));
    const big = await peer.response();
    assert.is(big?.status, 400);
    assert.match(warningOf(big) ?? '', /larger than/);
    peer.send(valid.replace('CSeq: 1 OPTIONS', 'CSeq: 1 INVITE'));
    assert.is((await peer.response())?.status, 400);
    peer.send(valid.slice(0, valid.indexOf('Content-Length') - 2));
    assert.is((await peer.response())?.status, 400, 'truncated');
    const quiet = peer.raw.length;
    peer.send(Buffer.from([0, 1, 2, 3, 255, 254, 10, 13]));
    peer.send('not sip at all\r\n\r\n');
    peer.send('\r\n\r\n');
    // The valid request is the marker: an answer to the garbage would have arrived before its 200.
    peer.send(valid);
    assert.is((await peer.response())?.status, 200);
    assert.equal(
      peer.raw.slice(quiet, -1).map((b) => b.toString()),
      [],
      'garbage gets no answer',
    );
  } finally {
    peer.close();
  }
});

test('property: a storm of mutated and random datagrams never crashes the server', async () => {
  const peer = await udpPeer({ port: shared.sip.udpPort });
  try {
    const base = Buffer.from(registerText({ peerPort: peer.port, user: 'SEP00000000CC01' }));
    const samples = fc.sample(
      fc.oneof(
        fc.uint8Array({ maxLength: 1500 }).map((b) => Buffer.from(b)),
        fc
          .tuple(fc.nat(base.length), fc.array(fc.tuple(fc.nat(base.length - 1), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }))
          .map(([cut, flips]) => {
            const b = Buffer.from(base.subarray(0, cut));
            for (const [at, v] of flips) if (at < b.length) b[at] = v;
            return b;
          }),
      ),
      { numRuns: 600, seed: 42 },
    );
    // In batches, each closed by a marker: the server's receive buffer never overflows (a dropped
    // datagram would test nothing), and once a marker is answered every datagram before it was handled.
    for (let i = 0; i < samples.length; i += 25) {
      for (const s of samples.slice(i, i + 25)) peer.send(s);
      await settle(peer);
    }
    const probe = await udpPeer({ port: shared.sip.udpPort });
    probe.send(options(probe.port));
    assert.is((await probe.response())?.status, 200);
    probe.close();
  } finally {
    peer.close();
  }
});

test('TCP: pipelined and split messages, keep-alive pong; a broken framing gets 400 then the connection closes', async () => {
  const peer = await tcpPeer({ port: shared.sip.tcpPort ?? 0 });
  try {
    const a = options(peer.port, [], 'TCP');
    const b = options(peer.port, [], 'TCP');
    peer.send(`${a}\r\n\r\n${b.slice(0, 30)}`);
    peer.send(b.slice(30));
    assert.is((await peer.response())?.status, 200);
    assert.is((await peer.response())?.status, 200);
    // Between the two answers: the CRLF "pong" to the CRLF CRLF "ping".
    assert.match(Buffer.concat(peer.raw).toString(), /Content-Length: 0\r\n\r\n\r\nSIP\/2\.0 200 OK/);
    peer.send(a.replace('Content-Length: 0', 'Content-Length: 99999999'));
    const refused = await peer.response();
    assert.is(refused?.status, 400);
    assert.ok(await peer.whenClosed(), 'the server closes the connection');
  } finally {
    peer.close();
  }
  const again = await tcpPeer({ port: shared.sip.tcpPort ?? 0 });
  again.send(registerText({ peerPort: again.port, user: 'SEP00000000DD01', transport: 'TCP' }));
  assert.is((await again.response())?.status, 200);
  again.close();
});

test('checks before any handler: Max-Forwards 0 -> 483, a foreign URI scheme -> 416, Require -> 420, SUBSCRIBE -> 405 with Allow', async () => {
  const peer = await udpPeer({ port: shared.sip.udpPort });
  try {
    peer.send(options(peer.port, ['Max-Forwards: 0']));
    assert.is((await peer.response())?.status, 483);
    peer.send(options(peer.port).replace('OPTIONS sip:127.0.0.1', 'OPTIONS mailto:x@y'));
    assert.is((await peer.response())?.status, 416);
    peer.send(options(peer.port, ['Require: 100rel, timer']));
    const ext = await peer.response();
    assert.is(ext?.status, 420);
    assert.is(header(ext ?? { headers: [] }, 'Unsupported'), '100rel, timer');
    peer.send(options(peer.port).replace(/OPTIONS/g, 'SUBSCRIBE'));
    const sub = await peer.response();
    assert.is(sub?.status, 405);
    assert.ok(header(sub ?? { headers: [] }, 'Allow')?.includes('INVITE'));
  } finally {
    peer.close();
  }
});

// ---------------------------------------------------------------------------------------------
// Calls.

interface Dialog {
  readonly callId: string;
  readonly fromTag: string;
  toTag?: string;
  cseq: number;
  readonly user: string;
}

const sdpOffer = (port: number, payloads = '0 8 101') =>
  [
    'v=0',
    'o=t 1 1 IN IP4 127.0.0.1',
    's=-',
    'c=IN IP4 127.0.0.1',
    't=0 0',
    `m=audio ${port} RTP/AVP ${payloads}`,
    'a=rtpmap:0 PCMU/8000',
    'a=rtpmap:8 PCMA/8000',
    'a=rtpmap:101 telephone-event/8000',
    '',
  ].join('\r\n');

const request = (
  method: string,
  peer: TestPeer,
  d: Dialog,
  o: { uri?: string; body?: string; type?: string; cseqMethod?: string } = {},
) => {
  const body = o.body ?? '';
  return [
    `${method} ${o.uri ?? 'sip:8000@127.0.0.1'} SIP/2.0`,
    `Via: SIP/2.0/UDP 127.0.0.1:${peer.port};branch=z9hG4bK-${method}-${d.cseq}-${Math.random().toString(36).slice(2)};rport`,
    'Max-Forwards: 70',
    `From: <sip:${d.user}@127.0.0.1>;tag=${d.fromTag}`,
    `To: <sip:8000@127.0.0.1>${d.toTag ? `;tag=${d.toTag}` : ''}`,
    `Call-ID: ${d.callId}`,
    `CSeq: ${d.cseq} ${o.cseqMethod ?? method}`,
    `Contact: <sip:${d.user}@127.0.0.1:${peer.port}>`,
    ...(o.type ? [`Content-Type: ${o.type}`] : []),
    `Content-Length: ${Buffer.byteLength(body)}`,
    '',
    body,
  ].join('\r\n');
};

const dialog = (user = DEVICE): Dialog => ({ callId: `call-${Math.random().toString(36).slice(2)}@test`, fromTag: 'ft1', cseq: 1, user });

/** Registers, then INVITEs the IVR; returns the 200 (or refusal) and the dialog. */
const dial = async (peer: TestPeer, d: Dialog, body: string | null, uri?: string): Promise<SipResponse | undefined> => {
  peer.send(request('INVITE', peer, d, { ...(uri ? { uri } : {}), ...(body !== null ? { body, type: 'application/sdp' } : {}) }));
  const r = await peer.response();
  if (r) d.toTag = tagOf(header(r, 'To'));
  return r;
};

const ack = (peer: TestPeer, d: Dialog, body?: string) =>
  peer.send(request('ACK', peer, d, body ? { body, type: 'application/sdp', cseqMethod: 'ACK' } : { cseqMethod: 'ACK' }));

/** RFC 3261 T1 and T2 at their defaults (the servers below that simulate SIP time keep them). */
const T1 = 500;
const T2 = 4000;

test('INVITE refusals: an unregistered device 403, another number 404, no G.711 488; each acknowledged cleanly', async () => {
  // Simulated SIP time: nothing is repeated until the clock moves, so what the ACKs stopped is seen exactly.
  const clock = simulatedScheduler();
  const h = await startHarness({ sipScheduler: clock });
  const peer = await udpPeer({ port: h.sip.udpPort });
  try {
    const stranger = dialog('SEP00000000EE01');
    const r403 = await dial(peer, stranger, sdpOffer(4000));
    assert.is(r403?.status, 403);
    assert.is(r403?.reason, 'Device Not Registered');
    ack(peer, stranger);

    peer.send(registerText({ peerPort: peer.port, user: 'SEP00000000EE02' }));
    assert.is((await peer.response())?.status, 200);
    const wrong = dialog('SEP00000000EE02');
    assert.is((await dial(peer, wrong, sdpOffer(4000), 'sip:2002@127.0.0.1'))?.status, 404);
    ack(peer, wrong);
    const g729 = dialog('SEP00000000EE02');
    const r488 = await dial(peer, g729, sdpOffer(4000, '18'));
    assert.is(r488?.status, 488);
    assert.match(warningOf(r488) ?? '', /^304 /);
    ack(peer, g729);
    // The 4xx were acknowledged: once the ACKs are handled, a whole transaction lifetime brings no repeat.
    assert.equal((await settle(peer)).map(summary), []);
    await clock.advance(64 * T1 + T2);
    assert.equal((await settle(peer)).map(summary), [], 'an acknowledged refusal was repeated');

    // Not acknowledged, a refusal is repeated after T1 (the silence above is the ACKs' doing).
    const unanswered = dialog('SEP00000000EE02');
    assert.is((await dial(peer, unanswered, sdpOffer(4000), 'sip:2002@127.0.0.1'))?.status, 404);
    await clock.advance(T1 - 1);
    assert.equal((await settle(peer)).map(summary), []);
    await clock.advance(1);
    assert.equal((await settle(peer)).map(summary), [`404 ${unanswered.callId}`]);
    ack(peer, unanswered);
    await settle(peer);
    await clock.advance(64 * T1 + T2);
    assert.equal((await settle(peer)).map(summary), []);
    assert.equal(h.sip.server.calls(), []);
  } finally {
    peer.close();
    await h.close();
  }
});

/** The types of the IVR's events (every call of the harness). */
const ivrTypes = async (h: Harness): Promise<string[]> => {
  const events = await h.app.events.readAll({ maxCount: 100_000 })();
  assert.ok(E.isRight(events));
  return events.right.filter((e) => e.streamId.startsWith('ivr-call-')).map((e) => e.type);
};

test('a call: SDP answer, prompts as RTP, keys as RFC 4733 and INFO (dtmf-relay, dtmf), 415 for other INFO, BYE ends it (the IVR hears the hang-up)', async () => {
  const h = await startHarness();
  const peer = await udpPeer({ port: h.sip.udpPort });
  const rtp = await udpSocket();
  const received: Buffer[] = [];
  rtp.on('message', (m) => received.push(m));
  const prompt = packets(rtp, 21);
  try {
    peer.send(registerText({ peerPort: peer.port, user: DEVICE }));
    assert.is((await peer.response())?.status, 200);
    const d = dialog('1000'); // the phone calls from its DN
    const ok = await dial(peer, d, sdpOffer(rtp.address().port, '8 0 101'));
    assert.is(ok?.status, 200);
    const answer = parseSdp(ok?.body.toString() ?? '');
    assert.equal(answer?.payloadTypes, [8, 101]);
    ack(peer, d);
    await prompt;
    const heard = received.map(parseRtp);
    assert.ok(heard.every((p) => p?.payloadType === 8 && p.payload.length === 160));
    assert.ok(
      heard.some((p) => p?.payload.some((b) => b !== 0xd5)),
      'the welcome prompt is heard (not only silence)',
    );

    // Language 1 as an RFC 4733 press: start, update, end x3.
    const serverRtp = answer?.port ?? 0;
    const send = (p: Buffer) => rtp.send(p, serverRtp, '127.0.0.1');
    for (const [i, end] of [false, false, true, true, true].entries())
      send(
        buildRtp({
          payloadType: 101,
          marker: i === 0,
          sequence: 10 + Math.min(i, 2),
          timestamp: 800,
          ssrc: 7,
          payload: buildTelephoneEvent({ event: 1, end, volume: 10, duration: 160 * (i + 1) }),
        }),
      );
    // RTP gets no answer: the key is seen in the call's state.
    assert.ok(await until(() => h.sip.server.calls()[0]?.keys === 1), 'the RFC 4733 key was not heard');

    d.cseq += 1;
    peer.send(request('INFO', peer, d, { body: 'Signal=1\r\nDuration=160\r\n', type: 'application/dtmf-relay' }));
    assert.is((await peer.response())?.status, 200);
    d.cseq += 1;
    peer.send(request('INFO', peer, d, { body: '2', type: 'application/dtmf' }));
    assert.is((await peer.response())?.status, 200);
    d.cseq += 1;
    peer.send(request('INFO', peer, d, { body: '<xml/>', type: 'application/media_control+xml' }));
    const unsupported = await peer.response();
    assert.is(unsupported?.status, 415);
    assert.ok(header(unsupported ?? { headers: [] }, 'Accept')?.includes('application/dtmf-relay'));
    // An INFO's key is counted when its 200 is sent.
    assert.is(h.sip.server.calls()[0]?.keys, 3);

    const stray = { ...dialog(), toTag: 'nope' };
    peer.send(request('INFO', peer, stray, { body: 'Signal=1', type: 'application/dtmf-relay' }));
    assert.is((await peer.response())?.status, 481);

    // The keys reach the IVR one after another, after their 200s: hang up once it has recorded them all.
    assert.ok(
      await until(async () => (await ivrTypes(h)).filter((t) => t === 'IvrKeyPressed').length === 3),
      'the IVR did not record the 3 keys',
    );
    d.cseq += 1;
    peer.send(request('BYE', peer, d));
    assert.is((await peer.response())?.status, 200);
    assert.equal(h.sip.server.calls(), []);
    // The IVR ends its session once the hang-up is recorded.
    await h.logged((e) => e.event === 'ivr_call_ended', 'ivr_call_ended');
    assert.equal(await ivrTypes(h), ['IvrCallStarted', 'IvrKeyPressed', 'IvrKeyPressed', 'IvrKeyPressed', 'IvrCallerHungUp']);
  } finally {
    rtp.close();
    peer.close();
    await h.close();
  }
});

test('a late offer (INVITE without SDP): the 200 offers PCMU, PCMA and telephone-event; the ACK answers', async () => {
  const h = await startHarness();
  const peer = await udpPeer({ port: h.sip.udpPort });
  const rtp = await udpSocket();
  try {
    peer.send(registerText({ peerPort: peer.port, user: DEVICE }));
    await peer.response();
    const d = dialog();
    const ok = await dial(peer, d, null);
    assert.is(ok?.status, 200);
    assert.equal(parseSdp(ok?.body.toString() ?? '')?.payloadTypes, [0, 8, 101]);
    const media = packets(rtp, 1);
    ack(peer, d, sdpOffer(rtp.address().port, '8 101'));
    // The ACK is handled when the marker after it is answered.
    await settle(peer);
    assert.is(h.sip.server.calls()[0]?.codec, 'PCMA');
    const [first] = await media;
    assert.is(parseRtp(first ?? Buffer.alloc(0))?.payloadType, 8, 'media flows to the answer, in PCMA');
  } finally {
    rtp.close();
    peer.close();
    await h.close();
  }
});

test('no ACK for the 200: it is repeated, then the server ends the call with BYE', async () => {
  // Simulated SIP time: each repeat is looked for at the moment it is due.
  const clock = simulatedScheduler();
  const h = await startHarness({ sipScheduler: clock });
  const peer = await udpPeer({ port: h.sip.udpPort });
  const rtp = await udpSocket();
  try {
    peer.send(registerText({ peerPort: peer.port, user: DEVICE }));
    await peer.response();
    const d = dialog();
    assert.is((await dial(peer, d, sdpOffer(rtp.address().port)))?.status, 200);
    // RFC 3261 section 13.3.1.4: after T1, then at intervals doubling up to T2, for 64*T1.
    let at = 0;
    let interval = T1;
    let repeats = 0;
    while (at + interval < 64 * T1) {
      await clock.advance(interval - 1);
      assert.equal((await settle(peer)).map(summary), [], `nothing before ${at + interval} ms`);
      await clock.advance(1);
      at += interval;
      assert.equal((await settle(peer)).map(summary), [`200 ${d.callId}`], `the 200 repeated at ${at} ms`);
      repeats += 1;
      interval = Math.min(interval * 2, T2);
    }
    assert.ok(repeats >= 3, `${repeats} repeats of the 200`);
    // Still no ACK: by the next repeat's time, BYE instead.
    await clock.advance(interval);
    const [bye, ...more] = await settle(peer);
    assert.ok(bye?.kind === 'request' && bye.method === 'BYE', `expected BYE, got ${bye && summary(bye)}`);
    assert.equal(more.map(summary), []);
    assert.is(h.sip.server.calls()[0]?.state, 'ending');
    peer.send(okTo(bye));
    await settle(peer);
    assert.equal(h.sip.server.calls(), [], 'the answered BYE ends the call');
  } finally {
    rtp.close();
    peer.close();
    await h.close();
  }
});

test('provisioned by an administrator (no call): the binding moves to the extension, NOTIFY check-sync reaches the Contact', async () => {
  const h = await startHarness();
  const peer = await udpPeer({ port: h.sip.udpPort });
  try {
    peer.send(registerText({ peerPort: peer.port, user: DEVICE }));
    assert.is(assignedDn(await peer.response()), '1000');
    const provisioned = await h.app.selfProvisioning.provisionPhone(
      { clusterId: 'cluster-1', deviceName: DEVICE, userId: 'bob', authentication: { method: 'pin' } },
      { actor: { kind: 'administrator', id: 'admin' }, channel: 'admin-api' },
    )();
    assert.ok(E.isRight(provisioned), JSON.stringify(provisioned));
    const notify = await peer.next();
    assert.ok(notify?.kind === 'request' && notify.method === 'NOTIFY');
    assert.is(header(notify, 'Event'), 'check-sync');
    assert.is(notify.uri, `sip:${DEVICE}@127.0.0.1:${peer.port}`);
    peer.send(okTo(notify));
    await h.logged((e) => e.event === 'check_sync_notified' && e.details?.status === 200, 'check_sync_notified (200)');
    assert.equal(h.sip.server.resyncStats(), { sent: 1, answered: 1 });
    assert.is(h.sip.server.binding(DEVICE)?.dn, '2002');
    peer.send(registerText({ peerPort: peer.port, user: DEVICE }));
    assert.is(assignedDn(await peer.response()), '2002');
    // The extension names the device too (a phone registering its line after the resync).
    peer.send(registerText({ peerPort: peer.port, user: '2002' }));
    assert.is(assignedDn(await peer.response()), '2002');
  } finally {
    peer.close();
    await h.close();
  }
});

/** `count` different ports, each free right now for UDP and TCP. */
const freePorts = async (count: number): Promise<number[]> => {
  const ports = new Set<number>();
  while (ports.size < count) ports.add(await freePort());
  return [...ports];
};

test('the port comes from the cluster SIP settings when none is given; stop() frees it', async () => {
  // Ports found free now, not fixed numbers: another run (or anything else) may hold those.
  const [udp = 0, tcp = 0, tls = 0] = await freePorts(3);
  const app = await demoApp();
  const configured = await app.selfProvisioning.configure('cluster', { type: 'SetSipPorts', clusterId: 'cluster-1', udp, tcp, tls })();
  assert.ok(E.isRight(configured));
  const h = await startHarness({ port: undefined }, app);
  try {
    assert.is(h.sip.udpPort, udp);
    assert.is(h.sip.tcpPort, tcp);
  } finally {
    await h.close();
  }
  const again = await startHarness({ port: udp, tcpPort: null });
  assert.is(again.sip.udpPort, udp);
  assert.is(again.sip.tcpPort, null);
  await again.close();
});

test.run();
