// Test harness: a seeded in-memory backend, the SIP server on ephemeral loopback
// ports, sipp as a child process, and a tiny UDP/TCP SIP peer for the tests that
// need to look at single messages.
import { spawn } from 'node:child_process';
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { accessSync, constants, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect, createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createSelfprov, type Selfprov, seedDemoData } from '@selfprov/app';
import { createScryptHasher } from '@selfprov/node';
import * as E from 'fp-ts/lib/Either.js';
import { createStreamFramer } from './framing.js';
import { parseSipMessage, type SipMessage, type SipResponse } from './message.js';
import { type RunningSip, type SipServerOptions, startSip } from './server.js';
import type { LogEntry } from './stack.js';

export const scenarios = fileURLToPath(new URL('../scenarios/', import.meta.url));

const executable = (path: string): boolean => {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

/** sipp on PATH, if it is there. */
export const SIPP = (process.env.PATH ?? '')
  .split(delimiter)
  .filter((dir) => dir !== '')
  .map((dir) => join(dir, 'sipp'))
  .find(executable);

/** Why a sipp test cannot run (a missing real peer is a failure, never a skip). */
export const SIPP_MISSING = 'sipp is not on PATH: install the Debian package sip-tester (apt-get install -y sip-tester)';

/** How long a test waits for something that should come (a safety net against hangs, not a pace). */
export const PATIENCE_MS = 20_000;

/** A seeded demo backend in memory, with a cheap hasher (the PIN checks of many tests stay fast). */
export const demoApp = async (): Promise<Selfprov> => {
  const created = await createSelfprov({ store: 'memory:', hasher: createScryptHasher({ log2N: 8 }) });
  if (E.isLeft(created)) throw new Error(created.left.message);
  const seeded = await seedDemoData(created.right);
  if (E.isLeft(seeded)) throw new Error(seeded.left.message);
  return created.right;
};

export interface Harness {
  readonly app: Selfprov;
  readonly sip: RunningSip;
  readonly logs: LogEntry[];
  /**
   * The first log entry (already written, or the next ones) that `match` accepts; rejects after
   * `timeoutMs` naming what was awaited.
   */
  logged(match: (entry: LogEntry) => boolean, what: string, timeoutMs?: number): Promise<LogEntry>;
  close(): Promise<void>;
}

/** The demo backend and a SIP server on an ephemeral loopback port; IVR timeouts short but not in the way. */
export const startHarness = async (options: Partial<Omit<SipServerOptions, 'app'>> = {}, app?: Selfprov): Promise<Harness> => {
  const backend = app ?? (await demoApp());
  const logs: LogEntry[] = [];
  const watchers = new Set<(e: LogEntry) => void>();
  const sip = await startSip(backend, {
    port: 0,
    host: '127.0.0.1',
    ivr: { firstDigitTimeoutMs: 8000, interDigitTimeoutMs: 4000 },
    log: (e) => {
      logs.push(e);
      for (const w of [...watchers]) w(e);
    },
    ...options,
  });
  return {
    app: backend,
    sip,
    logs,
    logged: (match, what, timeoutMs = PATIENCE_MS) =>
      new Promise<LogEntry>((resolve, reject) => {
        const found = logs.find(match);
        if (found) return resolve(found);
        const timer = setTimeout(() => {
          watchers.delete(watch);
          const seen = logs.slice(-20).map((l) => l.event);
          reject(new Error(`no log entry ${what} in ${timeoutMs} ms (last events: ${seen.join(', ')})`));
        }, timeoutMs);
        const watch = (e: LogEntry) => {
          if (!match(e)) return;
          clearTimeout(timer);
          watchers.delete(watch);
          resolve(e);
        };
        watchers.add(watch);
      }),
    close: async () => {
      await sip.close();
      await backend.close();
    },
  };
};

const udpFree = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const s = createSocket('udp4');
    s.once('error', () => resolve(false));
    s.bind({ port, address: '127.0.0.1', exclusive: true }, () => s.close(() => resolve(true)));
  });

/**
 * A port free right now (UDP and TCP), for sipp's SIP, media and control sockets; with
 * `neighbours`, the next ports are free for UDP too (sipp's media socket `-mp p` also binds p+2).
 */
export const freePort = async ({ neighbours = 0 } = {}): Promise<number> => {
  for (;;) {
    const port = await new Promise<number>((resolve) => {
      const s = createSocket('udp4');
      s.bind(0, '127.0.0.1', () => {
        const p = s.address().port;
        s.close(() => resolve(p));
      });
    });
    if (port + neighbours > 65535) continue;
    const tcpFree = await new Promise<boolean>((resolve) => {
      const server = createServer();
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
    });
    if (!tcpFree) continue;
    let next = true;
    for (let i = 1; i <= neighbours && next; i++) next = await udpFree(port + i);
    if (next) return port;
  }
};

export interface SippRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** sipp's error log (`-trace_err`): unexpected messages, timeouts. */
  readonly errors: string;
}

export interface SippOptions {
  readonly scenario: string;
  readonly server: { readonly host: string; readonly port: number };
  readonly keys?: Readonly<Record<string, string>>;
  readonly transport?: 'u1' | 't1';
  /** sipp's own SIP port (default: a free one). */
  readonly localPort?: number;
  /** Calls to make (`-m`). Default 1. */
  readonly calls?: number;
  readonly rate?: number;
  readonly limit?: number;
  /** Global timeout (`-timeout`), seconds. Default 40. */
  readonly timeoutS?: number;
  readonly injection?: string;
  readonly extra?: readonly string[];
}

/** Runs sipp to completion (loopback, ephemeral ports, `-m`, `-timeout`, `-trace_err`). */
export const runSipp = async (o: SippOptions): Promise<SippRun> => {
  if (SIPP === undefined) throw new Error(SIPP_MISSING);
  const dir = mkdtempSync(join(tmpdir(), 'selfprov-sipp-'));
  const errorFile = join(dir, 'errors.log');
  const localPort = o.localPort ?? (await freePort());
  const mediaPort = await freePort({ neighbours: 3 });
  const controlPort = await freePort();
  const args = [
    `${o.server.host}:${o.server.port}`,
    '-sf',
    join(scenarios, o.scenario),
    '-m',
    String(o.calls ?? 1),
    '-timeout',
    `${o.timeoutS ?? 40}s`,
    '-timeout_error',
    '-trace_err',
    '-error_file',
    errorFile,
    '-i',
    '127.0.0.1',
    '-mi',
    '127.0.0.1',
    '-p',
    String(localPort),
    '-mp',
    String(mediaPort),
    '-cp',
    String(controlPort),
    '-t',
    o.transport ?? 'u1',
    '-nostdin',
    ...(o.rate !== undefined ? ['-r', String(o.rate)] : []),
    ...(o.limit !== undefined ? ['-l', String(o.limit)] : []),
    ...(o.injection !== undefined ? ['-inf', o.injection] : []),
    ...Object.entries(o.keys ?? {}).flatMap(([k, v]) => ['-key', k, v]),
    ...(o.extra ?? []),
  ];
  const child = spawn(SIPP, args, { cwd: scenarios, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => {
    stdout = (stdout + d).slice(-20_000);
  });
  child.stderr.on('data', (d) => {
    stderr = (stderr + d).slice(-20_000);
  });
  const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
  const errors = existsSync(errorFile) ? readFileSync(errorFile, 'utf8') : '';
  rmSync(dir, { recursive: true, force: true });
  return { code, stdout, stderr, errors };
};

/**
 * Whether a local port is bound on 127.0.0.1 or a wildcard address, read from the kernel's socket
 * tables (UDP: bound; TCP: listening); observing them cannot disturb the process that binds.
 */
export const portBound = (port: number, transport: 'u1' | 't1'): boolean => {
  const tables = transport === 't1' ? ['/proc/net/tcp', '/proc/net/tcp6'] : ['/proc/net/udp', '/proc/net/udp6'];
  const hex = port.toString(16).toUpperCase().padStart(4, '0');
  for (const table of tables) {
    let text: string;
    try {
      text = readFileSync(table, 'latin1');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const [, local, , state] = line.trim().split(/\s+/);
      if (local?.endsWith(`:${hex}`) && (transport === 'u1' || state === '0A')) return true;
    }
  }
  return false;
};

export interface StartedSipp {
  /** sipp's SIP port. */
  readonly localPort: number;
  /** Resolves once sipp's SIP socket is bound (listening, over TCP): a peer can now reach it. */
  readonly bound: Promise<void>;
  readonly done: Promise<SippRun>;
}

/**
 * Starts sipp in the background (e.g. the resync listener). `bound` resolves when its SIP port is
 * bound, and rejects (with sipp's explanation) if sipp ends first or does not bind in `PATIENCE_MS`.
 */
export const startSipp = async (o: SippOptions): Promise<StartedSipp> => {
  if (!existsSync('/proc/net/udp')) throw new Error('startSipp watches /proc/net for the bound port (Linux only)');
  const localPort = o.localPort ?? (await freePort());
  const transport = o.transport ?? 'u1';
  const done = runSipp({ ...o, localPort });
  let ended: SippRun | undefined;
  void done.then((r) => {
    ended = r;
  });
  const bound = (async () => {
    const deadline = Date.now() + PATIENCE_MS;
    // A bounded poll of the socket tables: sipp prints nothing when its socket is ready.
    while (!portBound(localPort, transport)) {
      if (ended !== undefined) throw new Error(`sipp ended before binding port ${localPort}: ${explain(ended)}`);
      if (Date.now() > deadline) throw new Error(`sipp did not bind port ${localPort} in ${PATIENCE_MS} ms`);
      await new Promise((r) => setTimeout(r, 10));
    }
  })();
  // Whoever awaits `done` alone must not see `bound` as an unhandled rejection.
  bound.catch(() => undefined);
  return { localPort, bound, done };
};

/** What a failed sipp run said, for assertion messages. */
export const explain = (r: SippRun): string =>
  `sipp exit ${r.code}\n--- errors\n${r.errors.slice(-4000)}\n--- stderr\n${r.stderr.slice(-2000)}`;

// ---------------------------------------------------------------------------------------------
// A minimal SIP peer over UDP or TCP.

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
