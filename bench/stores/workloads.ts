/**
 * The three workloads of issue 5, written once against a small `Subject` interface that each store
 * (selfprov, Emmett, raw driver) implements. Every run uses a fresh, empty store.
 */
import { performance } from 'node:perf_hooks';

/** The row every store writes: the same type, data and metadata for selfprov, Emmett and the raw floor. */
export interface BenchEvent {
  readonly type: string;
  readonly data: { readonly dn: string; readonly device: string; readonly line: number; readonly n: number };
  readonly metadata: { readonly actor: { readonly kind: 'device'; readonly id: string }; readonly channel: 'sip' };
}

export const benchEvent = (stream: number, n: number): BenchEvent => ({
  type: 'LineAdded',
  data: { dn: String(1000 + (stream % 9000)), device: `SEP${(0x001122334455 + stream).toString(16).toUpperCase()}`, line: n % 4, n },
  metadata: { actor: { kind: 'device', id: `SEP${(0x001122334455 + stream).toString(16).toUpperCase()}` }, channel: 'sip' },
});

/**
 * Events are built before the clock starts (a pool reused modulo its size), so the timings measure the
 * stores and not the making of test data.
 */
const POOL_STREAMS = 1000;
const pool = (streams: number, perStream: number): BenchEvent[][] =>
  Array.from({ length: Math.min(POOL_STREAMS, streams) }, (_, s) => Array.from({ length: perStream }, (_, n) => benchEvent(s, n)));
const pick = (events: BenchEvent[][], stream: number, n: number): BenchEvent => events[stream % events.length]?.[n] as BenchEvent;

/** The fold used for aggregation: count the events and sum `data.n`. */
export interface Tally {
  count: number;
  sum: number;
}
export const initialTally = (): Tally => ({ count: 0, sum: 0 });
export const evolveTally = (state: Tally, event: { readonly data: unknown }): Tally => ({
  count: state.count + 1,
  sum: state.sum + ((event.data as { n?: number }).n ?? 0),
});

/** One store under test. Methods throw (or reject) on any failure, including a version conflict. */
export interface Subject {
  /** Appends one event to `stream`, expecting it to hold exactly `version` events (0: must not exist). */
  appendOne(stream: string, version: number, event: BenchEvent): Promise<void>;
  /** Appends `events` to the new stream `stream` in one call. */
  appendBatch(stream: string, events: readonly BenchEvent[]): Promise<void>;
  /** Reads `stream` and folds it with `evolveTally`. */
  aggregate(stream: string): Promise<Tally>;
  /**
   * The subject appender `index` of W2 uses. Absent: all appenders share this one. (Emmett's SQLite store
   * cannot be shared by concurrent callers, so each of its appenders gets its own store on the file.)
   */
  appender?(index: number): Subject;
  /**
   * Reads every event in global order, page by page, stopping after `capMs`; returns how many it read.
   * Absent: no such API.
   */
  readAll?(pageSize: number, capMs: number): Promise<number>;
  close(): Promise<void>;
}

export interface Rate {
  /** Events (or streams) handled. */
  readonly count: number;
  readonly seconds: number;
  readonly perSecond: number;
  /** Calls that failed (thrown or rejected). */
  readonly errors: number;
  /** The run stopped at its time cap before the full workload. */
  readonly capped?: boolean;
  /** First error message, to show what failed. */
  readonly firstError?: string;
}

const rate = (count: number, ms: number, errors = 0, extra: Partial<Rate> = {}): Rate => ({
  count,
  seconds: ms / 1000,
  perSecond: ms > 0 ? (count * 1000) / ms : 0,
  errors,
  ...extra,
});

const describeError = (cause: unknown): string => (cause instanceof Error ? cause.message : String(cause)).slice(0, 160);

export interface W1Result {
  readonly append: Rate;
  /** Streams aggregated per second (each a read and a fold). */
  readonly aggregateStreams: Rate;
  /** Events folded per second during aggregation. */
  readonly aggregateEvents: Rate;
}

/**
 * W1: `streams` streams x `perStream` single-event appends, each with its expected version, in rounds
 * (every stream gets its 1st event, then every stream its 2nd...), one append at a time; then every
 * stream is read and folded. `capMs` stops the append phase early (reported as capped).
 */
export const w1 = async (subject: Subject, streams: number, perStream: number, capMs = Number.POSITIVE_INFINITY): Promise<W1Result> => {
  const names = Array.from({ length: streams }, (_, i) => `w1-${i}`);
  const events = pool(streams, perStream);
  let done = 0;
  let errors = 0;
  let firstError: string | undefined;
  let capped = false;
  const start = performance.now();
  outer: for (let round = 0; round < perStream; round++) {
    for (let s = 0; s < streams; s++) {
      try {
        await subject.appendOne(names[s] as string, round, pick(events, s, round));
        done += 1;
      } catch (cause) {
        errors += 1;
        firstError ??= describeError(cause);
      }
      if ((done & 255) === 0 && performance.now() - start > capMs) {
        capped = true;
        break outer;
      }
    }
  }
  const append = rate(done, performance.now() - start, errors, { capped, ...(firstError ? { firstError } : {}) });
  // Aggregate the streams that were written (all of them unless capped); small stores are aggregated
  // several times over, so that at least 100,000 events are folded and the timing means something.
  const written = capped ? Math.min(streams, done) : streams;
  const passes = Math.max(1, Math.ceil(100_000 / Math.max(1, done)));
  let folded = 0;
  let aggErrors = 0;
  const aggStart = performance.now();
  for (let pass = 0; pass < passes; pass++)
    for (let s = 0; s < written; s++) {
      try {
        folded += (await subject.aggregate(names[s] as string)).count;
      } catch (cause) {
        aggErrors += 1;
        firstError ??= describeError(cause);
      }
    }
  const aggMs = performance.now() - aggStart;
  if (!capped && aggErrors === 0 && errors === 0 && folded !== passes * streams * perStream)
    throw new Error(`W1 aggregation folded ${folded} events, expected ${passes * streams * perStream}`);
  return {
    append,
    aggregateStreams: rate(written * passes, aggMs, aggErrors, capped ? { capped } : {}),
    aggregateEvents: rate(folded, aggMs, aggErrors, capped ? { capped } : {}),
  };
};

/**
 * W2: `appenders` concurrent appenders, each `perAppender` single-event appends to its own stream with
 * expected versions. `capMs` stops every appender early (reported as capped).
 */
export const w2 = async (subject: Subject, appenders: number, perAppender: number, capMs = Number.POSITIVE_INFINITY): Promise<Rate> => {
  const events = pool(appenders, perAppender);
  let done = 0;
  let errors = 0;
  let firstError: string | undefined;
  let capped = false;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: appenders }, async (_, a) => {
      const stream = `w2-${a}`;
      const own = subject.appender?.(a) ?? subject;
      let version = 0;
      for (let i = 0; i < perAppender; i++) {
        if (performance.now() - start > capMs) {
          capped = true;
          break;
        }
        try {
          await own.appendOne(stream, version, pick(events, a, i));
          version += 1;
          done += 1;
        } catch (cause) {
          errors += 1;
          firstError ??= describeError(cause);
          // A failed append leaves the stream where it was: keep the expectation in step with the store.
          version = await own
            .aggregate(stream)
            .then((t) => t.count)
            .catch(() => version);
        }
      }
    }),
  );
  return rate(done, performance.now() - start, errors, { capped, ...(firstError ? { firstError } : {}) });
};

export interface W3Result {
  readonly append: Rate;
  readonly read?: Rate;
}

/**
 * W3: `batches` appends of `batchSize` events (each batch a new stream), then everything read back in
 * global order (stopping after `readCapMs`, reported as capped).
 */
export const w3 = async (
  subject: Subject,
  batches: number,
  batchSize: number,
  readCapMs = Number.POSITIVE_INFINITY,
  pageSize = 1000,
): Promise<W3Result> => {
  const batchPool = Array.from({ length: 10 }, (_, p) => Array.from({ length: batchSize }, (_, i) => benchEvent(p, i)));
  let done = 0;
  let errors = 0;
  let firstError: string | undefined;
  const start = performance.now();
  for (let b = 0; b < batches; b++) {
    try {
      await subject.appendBatch(`w3-${b}`, batchPool[b % batchPool.length] as BenchEvent[]);
      done += batchSize;
    } catch (cause) {
      errors += 1;
      firstError ??= describeError(cause);
    }
  }
  const append = rate(done, performance.now() - start, errors, firstError ? { firstError } : {});
  if (!subject.readAll) return { append };
  global.gc?.();
  const readStart = performance.now();
  const read = await subject.readAll(pageSize, readCapMs);
  const readMs = performance.now() - readStart;
  const capped = read < batches * batchSize && readMs >= readCapMs;
  if (errors === 0 && !capped && read !== batches * batchSize) throw new Error(`W3 read ${read} events, expected ${batches * batchSize}`);
  return { append, read: rate(read, readMs, 0, { capped }) };
};
