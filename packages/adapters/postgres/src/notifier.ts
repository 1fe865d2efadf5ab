import type { StopSignal } from '@selfprov/core';
import pg from 'pg';

/**
 * Wakes waiting subscriptions when events may have been appended: a LISTEN connection receives the
 * NOTIFY each append sends at commit (from any process), the store's own appends wake it directly,
 * and a polling interval covers whatever a notification cannot (a lost LISTEN connection, events
 * held back by an older unrelated transaction that sends no notification when it ends).
 *
 * `generation` counts wake-ups: a subscription notes it before reading, and does not wait at all
 * if it moved meanwhile, so a notification that arrives between a read and the wait is never lost.
 */
export interface Notifier {
  readonly generation: () => number;
  /** Resolves when `generation` differs from `seen`, on the polling interval, on stop, or on close. */
  wait(seen: number, stop: StopSignal): Promise<void>;
  /** Counts a wake-up (after the store's own append). */
  bump(): void;
  /** A subscription starts / ends: the LISTEN connection lives while at least one is open. */
  acquire(): void;
  release(): void;
  close(): Promise<void>;
}

export interface NotifierOptions {
  readonly clientConfig: pg.ClientConfig;
  readonly channel: string;
  readonly pollIntervalMs: number;
  readonly listen: boolean;
}

const MAX_BACKOFF_MS = 5_000;

export const createNotifier = (options: NotifierOptions): Notifier => {
  const { clientConfig, channel, pollIntervalMs, listen } = options;
  let generation = 0;
  let users = 0;
  let closed = false;
  let client: pg.Client | undefined;
  let connecting = false;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let failures = 0;
  const waiters = new Set<() => void>();

  const bump = () => {
    generation += 1;
    for (const w of [...waiters]) w();
  };

  const drop = (c: pg.Client) => {
    if (client !== c) return;
    client = undefined;
    c.removeAllListeners('notification');
    c.end().catch(() => undefined);
    // Notifications may have been missed while the connection was down: let every subscription re-read.
    bump();
    schedule();
  };

  const schedule = () => {
    if (closed || !listen || users === 0 || client || connecting || retryTimer) return;
    const delay = failures === 0 ? 0 : Math.min(MAX_BACKOFF_MS, 100 * 2 ** failures);
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      void connect();
    }, delay);
    retryTimer.unref?.();
  };

  const connect = async () => {
    if (closed || users === 0 || client || connecting) return;
    connecting = true;
    const c = new pg.Client(clientConfig);
    c.on('error', () => drop(c));
    c.on('end', () => drop(c));
    try {
      await c.connect();
      await c.query(`LISTEN "${channel}"`);
      connecting = false;
      if (closed || users === 0) {
        await c.end().catch(() => undefined);
        return;
      }
      failures = 0;
      client = c;
      c.on('notification', (message) => {
        if (message.channel === channel) bump();
      });
      bump();
    } catch {
      connecting = false;
      failures += 1;
      c.removeAllListeners('end');
      c.end().catch(() => undefined);
      schedule();
    }
  };

  const stopListening = () => {
    if (retryTimer) clearTimeout(retryTimer);
    retryTimer = undefined;
    const c = client;
    client = undefined;
    if (c) {
      c.removeAllListeners('end');
      c.removeAllListeners('notification');
      return c.end().catch(() => undefined);
    }
    return Promise.resolve();
  };

  return {
    generation: () => generation,
    bump,
    wait: (seen, stop) =>
      closed || stop.stopped || generation !== seen
        ? Promise.resolve()
        : new Promise<void>((resolve) => {
            const done = () => {
              clearTimeout(timer);
              waiters.delete(done);
              unregister();
              resolve();
            };
            const timer = setTimeout(done, pollIntervalMs);
            const unregister = stop.onStop(done);
            waiters.add(done);
          }),
    acquire: () => {
      users += 1;
      schedule();
    },
    release: () => {
      users = Math.max(0, users - 1);
      if (users === 0) void stopListening();
    },
    close: async () => {
      closed = true;
      bump();
      await stopListening();
    },
  };
};
