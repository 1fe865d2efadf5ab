// Test support (not a test file, not part of the build): a gateway wrapper that
// holds calls in flight until released, so a test can act while an effect is
// pending. Waiting is on promises the wrapper resolves, never on the clock.
import type * as TE from 'fp-ts/lib/TaskEither.js';
import type { IvrGateway, Refused } from '../gateway.js';

interface Deferred {
  readonly promise: Promise<void>;
  readonly open: () => void;
}

const deferred = (): Deferred => {
  let open = () => {};
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
};

export interface Holdable {
  readonly gateway: IvrGateway;
  /** Every gated method called, in order (`callSettings` is never held nor listed). */
  readonly calls: string[];
  /** Holds the next calls (of `method` only, when given) until `release`. */
  hold(method?: string): void;
  /** Resolves once `count` calls (default 1) are waiting at the current hold. */
  reached(count?: number): Promise<void>;
  /** Lets every held call go on. */
  release(): void;
}

/** A gateway whose calls can be held in flight: `hold()`, wait for `reached()`, then `release()`. */
export const holdable = (inner: IvrGateway): Holdable => {
  let gate: Deferred | null = null;
  let only: string | undefined;
  let waiting = 0;
  let watchers: { readonly count: number; readonly done: () => void }[] = [];
  const calls: string[] = [];
  const notify = () => {
    const due = watchers.filter((w) => waiting >= w.count);
    watchers = watchers.filter((w) => waiting < w.count);
    for (const w of due) w.done();
  };
  const wrap =
    <Q, A>(name: string, f: (q: Q) => TE.TaskEither<Refused, A>) =>
    (q: Q): TE.TaskEither<Refused, A> =>
    async () => {
      calls.push(name);
      const g = gate;
      if (g !== null && (only === undefined || only === name)) {
        waiting += 1;
        notify();
        await g.promise;
      }
      return f(q)();
    };
  return {
    gateway: {
      callSettings: (device, dialled) => inner.callSettings(device, dialled),
      identifyUser: wrap('identifyUser', inner.identifyUser),
      verifyCredential: wrap('verifyCredential', inner.verifyCredential),
      provisionPhone: wrap('provisionPhone', inner.provisionPhone),
      replacePhone: wrap('replacePhone', inner.replacePhone),
    },
    calls,
    hold: (method) => {
      only = method;
      gate = deferred();
      waiting = 0;
    },
    reached: (count = 1) =>
      new Promise<void>((done) => {
        watchers.push({ count, done });
        notify();
      }),
    release: () => {
      const g = gate;
      gate = null;
      waiting = 0;
      g?.open();
    },
  };
};
