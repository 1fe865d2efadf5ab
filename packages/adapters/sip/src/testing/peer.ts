// Test support (not a test file, not part of the build): a minimal SIP peer over UDP
// or TCP for the tests that need to look at single messages, and REGISTER requests as text.
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { connect, type Socket } from 'node:net';
import * as E from 'fp-ts/lib/Either.js';
import { createStreamFramer } from '../framing.js';
import type { SipMessage, SipResponse } from '../message/model.js';
import { parseSipMessage } from '../message/parse.js';
import { PATIENCE_MS } from './harness.js';

export interface TestPeer {
  readonly port: number;
  /** Sends raw text (CRLF line ends added where the text has bare LF) or bytes. */
  send(data: string | Buffer): void;
  /** The next message received (parsed), or undefined after `timeoutMs` (default `PATIENCE_MS`). */
  next(timeoutMs?: number): Promise<SipMessage | undefined>;
  /** The next response, skipping requests and 1xx. */
  response(timeoutMs?: number): Promise<SipResponse | undefined>;
  /** Every raw datagram/chunk seen (for tests on bytes). */
  readonly raw: Buffer[];
  /** The raw datagram/chunk number `index` (0-based), once it has arrived; undefined after `timeoutMs`. */
  rawAt(index: number, timeoutMs?: number): Promise<Buffer | undefined>;
  readonly closed: boolean;
  /** Resolves true once the connection is closed (by either side); false after `timeoutMs`. */
  whenClosed(timeoutMs?: number): Promise<boolean>;
  close(): void;
}

const crlf = (s: string) => s.replace(/\r?\n/g, '\r\n');

/** Resolves with `check()` once it is defined, re-checked at each `poke`; undefined after `timeoutMs`. */
const watcher = () => {
  const waiters = new Set<() => void>();
  return {
    poke: () => {
      for (const w of [...waiters]) w();
    },
    when: <T>(check: () => T | undefined, timeoutMs: number): Promise<T | undefined> =>
      new Promise((resolve) => {
        const now = check();
        if (now !== undefined) return resolve(now);
        const timer = setTimeout(() => {
          waiters.delete(w);
          resolve(undefined);
        }, timeoutMs);
        const w = () => {
          const v = check();
          if (v === undefined) return;
          clearTimeout(timer);
          waiters.delete(w);
          resolve(v);
        };
        waiters.add(w);
      }),
  };
};

const queueOf = () => {
  const items: SipMessage[] = [];
  const waiters: ((m: SipMessage | undefined) => void)[] = [];
  return {
    push: (m: SipMessage) => {
      const w = waiters.shift();
      if (w) w(m);
      else items.push(m);
    },
    next: (timeoutMs: number) =>
      new Promise<SipMessage | undefined>((resolve) => {
        const item = items.shift();
        if (item) return resolve(item);
        const timer = setTimeout(() => {
          const i = waiters.indexOf(done);
          if (i >= 0) waiters.splice(i, 1);
          resolve(undefined);
        }, timeoutMs);
        const done = (m: SipMessage | undefined) => {
          clearTimeout(timer);
          resolve(m);
        };
        waiters.push(done);
      }),
  };
};

export const udpPeer = async (server: { port: number }): Promise<TestPeer> => {
  const socket: UdpSocket = createSocket('udp4');
  await new Promise<void>((r) => socket.bind(0, '127.0.0.1', () => r()));
  const q = queueOf();
  const raw: Buffer[] = [];
  const arrivals = watcher();
  let closed = false;
  socket.on('message', (m) => {
    raw.push(m);
    arrivals.poke();
    const parsed = parseSipMessage(m);
    if (E.isRight(parsed)) q.push(parsed.right);
  });
  const peer: TestPeer = {
    port: socket.address().port,
    send: (data) => socket.send(typeof data === 'string' ? crlf(data) : data, server.port, '127.0.0.1'),
    next: (timeoutMs = PATIENCE_MS) => q.next(timeoutMs),
    response: async (timeoutMs = PATIENCE_MS) => {
      for (;;) {
        const m = await q.next(timeoutMs);
        if (m === undefined || (m.kind === 'response' && m.status >= 200)) return m as SipResponse | undefined;
      }
    },
    raw,
    rawAt: (index, timeoutMs = PATIENCE_MS) => arrivals.when(() => raw[index], timeoutMs),
    get closed() {
      return closed;
    },
    whenClosed: async () => closed,
    close: () => {
      closed = true;
      socket.close();
    },
  };
  return peer;
};

export const tcpPeer = async (server: { port: number }): Promise<TestPeer> => {
  const socket: Socket = connect({ host: '127.0.0.1', port: server.port });
  await new Promise<void>((r, j) => {
    socket.once('connect', () => r());
    socket.once('error', j);
  });
  const q = queueOf();
  const raw: Buffer[] = [];
  const arrivals = watcher();
  let closed = false;
  const framer = createStreamFramer();
  socket.on('data', (chunk: Buffer) => {
    raw.push(chunk);
    arrivals.poke();
    for (const item of framer.push(chunk)) if (item.kind === 'message') q.push(item.message);
  });
  socket.on('close', () => {
    closed = true;
    arrivals.poke();
  });
  socket.on('error', () => {});
  return {
    port: socket.localPort ?? 0,
    send: (data) => socket.write(typeof data === 'string' ? crlf(data) : data),
    next: (timeoutMs = PATIENCE_MS) => q.next(timeoutMs),
    response: async (timeoutMs = PATIENCE_MS) => {
      for (;;) {
        const m = await q.next(timeoutMs);
        if (m === undefined || (m.kind === 'response' && m.status >= 200)) return m as SipResponse | undefined;
      }
    },
    raw,
    rawAt: (index, timeoutMs = PATIENCE_MS) => arrivals.when(() => raw[index], timeoutMs),
    get closed() {
      return closed;
    },
    whenClosed: async (timeoutMs = PATIENCE_MS) => (await arrivals.when(() => (closed ? true : undefined), timeoutMs)) ?? false,
    close: () => socket.destroy(),
  };
};

let seq = 0;
/** A REGISTER as text. */
export const registerText = (o: {
  readonly peerPort: number;
  readonly user: string;
  readonly transport?: 'UDP' | 'TCP';
  readonly expires?: number | null;
  readonly contact?: string;
  readonly callId?: string;
  readonly cseq?: number;
  readonly extra?: readonly string[];
}): string => {
  seq += 1;
  const transport = o.transport ?? 'UDP';
  return [
    'REGISTER sip:127.0.0.1 SIP/2.0',
    `Via: SIP/2.0/${transport} 127.0.0.1:${o.peerPort};branch=z9hG4bK-t${seq}-${Math.random().toString(36).slice(2)};rport`,
    'Max-Forwards: 70',
    `From: <sip:${o.user}@127.0.0.1>;tag=f${seq}`,
    `To: <sip:${o.user}@127.0.0.1>`,
    `Call-ID: ${o.callId ?? `reg-${seq}@test`}`,
    `CSeq: ${o.cseq ?? 1} REGISTER`,
    `Contact: ${o.contact ?? `<sip:${o.user}@127.0.0.1:${o.peerPort}${transport === 'TCP' ? ';transport=tcp' : ''}>`}`,
    ...(o.expires === null ? [] : [`Expires: ${o.expires ?? 3600}`]),
    ...(o.extra ?? []),
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
};

/** The DN in a 200 OK's P-Associated-URI. */
export const assignedDn = (r: SipMessage | undefined): string | undefined => {
  const v = r?.headers.find((h) => h.name === 'P-Associated-URI')?.value;
  return v === undefined ? undefined : /<sip:([0-9]+)@/.exec(v)?.[1];
};
