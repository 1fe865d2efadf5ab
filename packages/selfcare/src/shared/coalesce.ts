/**
 * Coalesces concurrent calls of a catch-up: a call made while one is running
 * joins the next one (at most one waits), whose read begins only after the
 * call was made; a call made while none runs starts one at once. So every
 * caller still sees everything written before its call (read-your-writes
 * holds), yet 64 concurrent queries cost about two reads of the log, not 64.
 * A call never joins a catch-up that is already running: that one may have
 * read the log before the caller's own write.
 */
export const coalesceCalls = <A>(run: () => Promise<A>): (() => Promise<A>) => {
  let running: Promise<A> | undefined;
  let next: Promise<A> | undefined;
  const start = (): Promise<A> => {
    const current = run();
    running = current;
    const clear = () => {
      if (running === current) running = undefined;
    };
    current.then(clear, clear);
    return current;
  };
  return () => {
    if (next !== undefined) return next;
    if (running === undefined) return start();
    const after = () => {
      next = undefined;
      return start();
    };
    next = running.then(after, after);
    return next;
  };
};
