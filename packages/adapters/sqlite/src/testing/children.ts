import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const tsx = import.meta.resolve('tsx');

/** A child process running a TypeScript script of this package, its stdout split into lines. */
export interface Child {
  readonly process: ChildProcessWithoutNullStreams;
  /** Every complete stdout line so far. */
  readonly lines: string[];
  /** Resolves once the process has exited AND its output is fully read. */
  readonly closed: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>;
  /** Resolves when a stdout line satisfies `predicate`; rejects if the process ends first or after `timeoutMs` (default 60 s). */
  waitFor(predicate: (line: string) => boolean, timeoutMs?: number): Promise<string>;
}

/**
 * Runs `script` (a path relative to this folder's parent, e.g. `testing/raceWorker.ts`) like the workspace runs tests.
 * `limitMs` only stops a runaway child (it is killed, and the test fails on its exit): generous, since
 * several children share a loaded machine's cores.
 */
export const spawnScript = (script: string, args: readonly string[], limitMs = 5 * 60_000): Child => {
  const path = fileURLToPath(new URL(`../${script}`, import.meta.url));
  const child = spawn(process.execPath, ['--conditions=source', '--import', tsx, path, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  const lines: string[] = [];
  const listeners = new Set<() => void>();
  let partial = '';
  let stderr = '';
  let ended = false;
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    const parts = (partial + chunk).split('\n');
    partial = parts.pop() ?? '';
    lines.push(...parts);
    for (const l of [...listeners]) l();
  });
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    stderr += chunk;
  });
  // A runaway child must never hang the test run.
  const guard = setTimeout(() => child.kill('SIGKILL'), limitMs);
  const closed = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) => {
    child.on('close', (code, signal) => {
      clearTimeout(guard);
      ended = true;
      // A line cut by a kill is not an acknowledgement: only complete lines count.
      for (const l of [...listeners]) l();
      resolve({ code, signal, stderr });
    });
  });
  // The default deadline turns a hang into a failure; it measures nothing (a loaded machine starts
  // several TypeScript children slowly).
  const waitFor = (predicate: (line: string) => boolean, timeoutMs = 60_000) =>
    new Promise<string>((resolve, reject) => {
      let seen = 0;
      const check = () => {
        for (; seen < lines.length; seen++) {
          const line = lines[seen] as string;
          if (predicate(line)) return finish(() => resolve(line));
        }
        if (ended) finish(() => reject(new Error(`child ended before the expected line; stderr: ${stderr.slice(-2000)}`)));
      };
      const timer = setTimeout(() => finish(() => reject(new Error(`no expected line within ${timeoutMs} ms`))), timeoutMs);
      const finish = (then: () => void) => {
        clearTimeout(timer);
        listeners.delete(check);
        then();
      };
      listeners.add(check);
      check();
    });
  return { process: child, lines, closed, waitFor };
};
