import type pg from 'pg';

/** How long a committed append waits for others to share its NOTIFY (a NOTIFY is a commit of its own). */
const ANNOUNCE_DELAY_MS = 2;

/** The after-commit NOTIFY of a store's appends (see `announce`). */
export interface Announcer {
  /** Announces that everything up to `position` is committed, sharing one NOTIFY with appends close by. */
  readonly announce: (p: pg.Pool, position: number) => void;
  /** On close: what is still unannounced goes out before the pool ends. */
  readonly flush: () => Promise<void>;
}

export interface AnnouncerOptions {
  /** The NOTIFY channel (`notifyChannel(schema)`). */
  readonly channel: string;
  /** The store's pool, used by `flush`; none for an invalid configuration. */
  readonly pool: pg.Pool | undefined;
  readonly isClosed: () => boolean;
}

export const createAnnouncer = ({ channel, pool, isClosed }: AnnouncerOptions): Announcer => {
  /** The highest position committed by this store and not yet announced; 0 when none. */
  let unannounced = 0;
  let announceTimer: ReturnType<typeof setTimeout> | undefined;
  let announcing: Promise<void> | undefined;

  const sendAnnouncement = (p: pg.Pool): Promise<void> => {
    announceTimer = undefined;
    // Nothing to say: return before `announcing` is set, which only the loop below may clear.
    if (unannounced <= 0) return Promise.resolve();
    const run = (async () => {
      try {
        while (unannounced > 0) {
          const upTo = unannounced;
          unannounced = 0;
          // A NOTIFY transaction gets a transaction id, so its commit would wait for a WAL flush of its
          // own, competing with the appends' flushes (bench/README.md's W1 measured 10-20% slower). A wake-up needs no
          // durability: committed asynchronously, it is flushed along with the next append.
          // `set_config(..., true)` lasts until the end of the statement's own (implicit) transaction.
          await p.query({
            name: 'selfprov_notify_async',
            text: "SELECT set_config('synchronous_commit', 'off', true), pg_notify($1::text, $2::text)",
            values: [channel, String(upTo)],
          });
        }
      } catch {
        // The pool is closed or the server is gone: the subscriptions' polling covers it.
        unannounced = 0;
      } finally {
        announcing = undefined;
      }
    })();
    announcing = run;
    return run;
  };

  /**
   * Wakes subscriptions of other processes once an append has committed: a NOTIFY after commit, not
   * inside the append's transaction, where it would take PostgreSQL's notification lock and so
   * serialise every commit (and its fsync) behind it. Appends committed within ANNOUNCE_DELAY_MS of
   * each other, or while a NOTIFY is in flight, share one. Best effort, as before: subscriptions also
   * poll, which covers a NOTIFY lost with a crash or a failed connection.
   */
  const announce = (p: pg.Pool, position: number) => {
    unannounced = Math.max(unannounced, position);
    if (announcing || announceTimer || isClosed()) return;
    announceTimer = setTimeout(() => void sendAnnouncement(p), ANNOUNCE_DELAY_MS);
    announceTimer.unref?.();
  };

  /** On close: what is still unannounced goes out before the pool ends. */
  const flushAnnouncements = async (): Promise<void> => {
    if (announceTimer) {
      clearTimeout(announceTimer);
      if (pool) await sendAnnouncement(pool);
    }
    await announcing;
  };

  return { announce, flush: flushAnnouncements };
};
