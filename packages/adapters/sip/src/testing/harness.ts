// Test support (not a test file, not part of the build): a seeded in-memory backend,
// the SIP server on ephemeral loopback ports, free ports. sipp as a child process:
// testing/sipp.ts; a tiny UDP/TCP SIP peer: testing/peer.ts.
import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';
import { createSelfprov, type Selfprov, seedDemoData } from '@selfprov/app';
import { simulatedScheduler } from '@selfprov/ivr';
import { createScryptHasher } from '@selfprov/node';
import * as E from 'fp-ts/lib/Either.js';
import { type RunningSip, type SipServerOptions, startSip } from '../server.js';
import type { LogEntry } from '../stack.js';

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

/**
 * The demo backend and a SIP server on an ephemeral loopback port. IVR time is simulated (it moves
 * only when a test says so): a loaded machine pausing between two keys can never add a no-input
 * timeout to a call whose events a test compares exactly.
 */
export const startHarness = async (options: Partial<Omit<SipServerOptions, 'app'>> = {}, app?: Selfprov): Promise<Harness> => {
  const backend = app ?? (await demoApp());
  const logs: LogEntry[] = [];
  const watchers = new Set<(e: LogEntry) => void>();
  const sip = await startSip(backend, {
    port: 0,
    host: '127.0.0.1',
    ivr: { firstDigitTimeoutMs: 8000, interDigitTimeoutMs: 4000 },
    ivrScheduler: simulatedScheduler(),
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
