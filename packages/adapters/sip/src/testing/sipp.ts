// Test support (not a test file, not part of the build): sipp as a child process, on
// loopback and free ports, with the scenarios of packages/adapters/sip/scenarios.
import { spawn } from 'node:child_process';
import { accessSync, constants, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, PATIENCE_MS } from './harness.js';

export const scenarios = fileURLToPath(new URL('../../scenarios/', import.meta.url));

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
