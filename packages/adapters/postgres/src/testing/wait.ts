/**
 * Waiting for conditions in tests, never for a fixed time: a loaded machine (CI, two busy cores) may
 * run anything many times slower, so a deadline here only bounds a test that is already failing.
 */
import pg from 'pg';

/** Generous on purpose: reached only when the awaited event will never come. */
export const WAIT_DEADLINE_MS = 30_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Resolves once `check` holds (polled every 10 ms); throws, naming `what`, after `deadlineMs`. */
export const eventually = async (check: () => boolean | Promise<boolean>, what: string, deadlineMs = WAIT_DEADLINE_MS): Promise<void> => {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${deadlineMs} ms waiting for ${what}`);
    await sleep(10);
  }
};

/** Pids of the backends (other than the asking one) whose current statement contains `fragment`, optionally only those waiting on a lock. */
export const backendsRunning = async (admin: pg.Pool, fragment: string, waitingOnLock = false): Promise<number[]> =>
  (
    await admin.query<{ pid: number }>(
      `SELECT pid FROM pg_stat_activity
        WHERE pid <> pg_backend_pid() AND state <> 'idle' AND strpos(query, $1) > 0 AND ($2::boolean IS FALSE OR wait_event_type = 'Lock')`,
      [fragment, waitingOnLock],
    )
  ).rows.map((r) => r.pid);

/** Resolves, with their pids, once statements containing `fragment` are in flight on the server and waiting on a lock. */
export const untilWaitingOnLock = async (admin: pg.Pool, fragment: string, what: string): Promise<number[]> => {
  let pids: number[] = [];
  await eventually(async () => {
    pids = await backendsRunning(admin, fragment, true);
    return pids.length > 0;
  }, what);
  return pids;
};

/**
 * Counts the statements a store sends whose prepared-statement name starts with `namePrefix`
 * (`selfprov_read_all_` for its log reads, see store.ts): hand `Client` to the store's pool
 * configuration. A statement is counted when it is sent; a subscription sends its next read only
 * after it has delivered what the previous one returned (core's catchUpSubscription).
 */
export const countStatements = (namePrefix: string) => {
  let sent = 0;
  const waiters = new Set<() => void>();
  class Counting extends pg.Client {
    constructor(config?: string | pg.ClientConfig) {
      super(config);
      const query = this.query.bind(this) as (...args: unknown[]) => unknown;
      (this as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
        const name = (args[0] as { name?: unknown } | null | undefined)?.name;
        if (typeof name === 'string' && name.startsWith(namePrefix)) {
          sent += 1;
          for (const w of [...waiters]) w();
        }
        return query(...args);
      };
    }
  }
  return {
    Client: Counting,
    count: () => sent,
    /** Resolves once `n` such statements have been sent in all. */
    until: (n: number, what: string): Promise<void> =>
      new Promise((resolve, reject) => {
        const done = () => {
          if (sent < n) return;
          clearTimeout(timer);
          waiters.delete(done);
          resolve();
        };
        const timer = setTimeout(() => {
          waiters.delete(done);
          reject(new Error(`timed out after ${WAIT_DEADLINE_MS} ms waiting for ${what} (${sent} of ${n} sent)`));
        }, WAIT_DEADLINE_MS);
        waiters.add(done);
        done();
      }),
  };
};
