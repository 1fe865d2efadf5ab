import type { NewEvent } from '../kernel/eventstore/envelope.js';
import type { JsonValue } from '../kernel/json.js';

let counter = 0;

/** A new event with testkit metadata, for contract tests and adapter authors' own tests. */
export const testEvent = (type = 'TestEvent', data: JsonValue = {}, extra: Partial<NewEvent> = {}): NewEvent => ({
  type,
  data,
  metadata: { actor: { kind: 'system', id: 'testkit' }, channel: 'system' },
  ...extra,
});

/** `n` events `E0..E(n-1)` with data `{ i }`. */
export const testEvents = (n: number, type = 'E'): NewEvent[] => Array.from({ length: n }, (_, i) => testEvent(`${type}${i}`, { i }));

/** A stream id that no other test uses, so one store can serve many property runs. */
export const uniqueStream = (prefix = 'contract'): string => {
  counter += 1;
  return `${prefix}-${counter}-${Math.random().toString(36).slice(2, 8)}`;
};

/** Rejects when `promise` takes longer than `ms`: a hang becomes a failure, never a stuck suite. */
export const withTimeout = <A>(promise: Promise<A>, ms: number, label: string): Promise<A> =>
  new Promise<A>((resolve, reject) => {
    const host = globalThis as unknown as { setTimeout(f: () => void, ms: number): unknown; clearTimeout(t: unknown): void };
    const timer = host.setTimeout(() => reject(new Error(`${label}: no answer within ${ms} ms`)), ms);
    promise.then(
      (a) => {
        host.clearTimeout(timer);
        resolve(a);
      },
      (e: unknown) => {
        host.clearTimeout(timer);
        reject(e);
      },
    );
  });
