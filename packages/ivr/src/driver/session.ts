import type * as E from 'fp-ts/lib/Either.js';
import type { SnapshotFrom } from 'xstate';
import type { DtmfKey, EffectName } from '../events.js';
import type { AwaitedInput, Outcome } from '../machine/model.js';
import type { ivrMachine } from '../machine.js';
import type { RenderedPrompt } from '../prompts.js';
import type { IvrError, IvrTurn } from './types.js';

// One live call in the driver's memory, the inputs it handles, and what a transport call answers.

export type Snapshot = SnapshotFrom<typeof ivrMachine>;

export type Input =
  | { readonly kind: 'key'; readonly key: DtmfKey }
  | { readonly kind: 'timer'; readonly id: string; readonly token: number }
  | { readonly kind: 'effect'; readonly effect: EffectName; readonly outcome: Outcome<Record<string, string>> }
  | { readonly kind: 'resume' }
  | { readonly kind: 'hangUp' };

export interface Timer {
  readonly token: number;
  readonly due: number;
  readonly eventType: string;
  readonly cancel: () => void;
}

export interface Session {
  readonly callId: string;
  readonly device: string;
  snapshot: Snapshot;
  /** Version of the stream's last event. */
  version: number;
  /** Digits of the current secret entry: memory only. */
  readonly secret: string[];
  readonly timers: Map<string, Timer>;
  readonly outbox: RenderedPrompt[];
  readonly inflight: Set<Promise<void>>;
  awaited: AwaitedInput | null;
  queue: Promise<unknown>;
  ended: boolean;
  endReported: boolean;
  activeCalls: number;
}

/** A session as `startCall` or a resume creates it: no timer, no entry awaited, nothing queued. */
export const newSession = (callId: string, device: string, snapshot: Snapshot, version: number): Session => ({
  callId,
  device,
  snapshot,
  version,
  secret: [],
  timers: new Map(),
  outbox: [],
  inflight: new Set(),
  awaited: null,
  queue: Promise.resolve(),
  ended: false,
  endReported: false,
  activeCalls: 0,
});

/** The state value as a dotted path: `provision.enterId.first`. */
export const stateName = (value: unknown): string => {
  if (typeof value === 'string') return value;
  if (typeof value === 'object' && value !== null) {
    const [key, child] = Object.entries(value)[0] ?? [];
    if (key !== undefined) return `${key}.${stateName(child)}`;
  }
  return '';
};

/** What a transport call answers: the prompts produced since the last answer, the input awaited now. */
export const turnOf = (s: Session): IvrTurn => {
  const snap = s.snapshot;
  const kind = s.ended ? 'none' : snap.hasTag('awaiting-digits') ? 'digits' : snap.hasTag('awaiting-menu') ? 'menu' : 'none';
  if (s.ended) s.endReported = true;
  return {
    callId: s.callId,
    prompts: s.outbox.splice(0),
    awaiting: { kind, secret: kind === 'digits' && snap.hasTag('secret'), maxDigits: kind === 'none' ? 0 : (s.awaited?.maxDigits ?? 1) },
    ended: s.ended,
    state: stateName(snap.value),
  };
};

/** Runs a transport call on `s`, counted in `activeCalls` (output meanwhile is its answer, not `onOutput`'s). */
export const withCall = async <A>(s: Session, body: () => Promise<E.Either<IvrError, A>>): Promise<E.Either<IvrError, A>> => {
  s.activeCalls += 1;
  try {
    return await body();
  } finally {
    s.activeCalls -= 1;
  }
};
