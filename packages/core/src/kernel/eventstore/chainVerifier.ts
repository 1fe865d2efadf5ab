import * as E from 'fp-ts/lib/Either.js';
import type * as TE from 'fp-ts/lib/TaskEither.js';
import { type Sha256Hex, sha256Hex } from '../sha256.js';
import type { RecordedEvent } from './envelope.js';
import type { StoreError } from './errors.js';
import { contentHashOf, linkHashOf } from './hashChain.js';
import type { EventStore } from './port.js';

/**
 * What a broken chain looks like:
 * - `edited`: an event's content no longer matches its hash, or an event was rewritten with a
 *   recomputed hash (the next event still links to the original);
 * - `deleted`: a stream version is missing (or the later versions were renumbered down over it);
 * - `inserted`: an event that does not belong (a version seen twice, or versions renumbered up
 *   over a forged one);
 * - `reordered`: a stream's events appear out of order in the global log (two swapped), or the
 *   global positions themselves go backwards;
 * - `unchained`: an event without a hash (written by a foreign tool, or before chains existed);
 * - `unreadable`: the store cannot decode the event at that place;
 * - `anchor`: an anchored stream head (see {@link Anchor}) is gone or differs.
 */
export type ChainProblemKind = 'edited' | 'deleted' | 'inserted' | 'reordered' | 'unchained' | 'unreadable' | 'anchor';

/** One problem, at the place it was found. */
export interface ChainProblem {
  readonly kind: ChainProblemKind;
  readonly streamId: string;
  /** The stream version concerned, when known. */
  readonly streamVersion?: number;
  /** Global position of the event concerned (or of the first event after a gap). */
  readonly globalPosition: number;
  readonly message: string;
}

/** A stream head recorded earlier (`selfprov audit verify --save-anchors`): that event must still be there, unchanged. */
export interface Anchor {
  readonly streamId: string;
  readonly streamVersion: number;
  readonly hash: string;
}

/** The outcome of a verification. */
export interface VerifyReport {
  /** True when no problem was found. */
  readonly ok: boolean;
  /** Events and streams read. */
  readonly events: number;
  readonly streams: number;
  /** Global position of the last event read (0: an empty log). */
  readonly lastPosition: number;
  /** Problems in global order (the first is the first broken place), at most `maxProblems`. */
  readonly problems: readonly ChainProblem[];
  /** How many problems were found in all (more than `problems.length` when the list was capped). */
  readonly problemCount: number;
}

export interface ChainVerifierOptions {
  /** SHA-256 to recompute hashes with (default: the core's pure one). */
  readonly digest?: Sha256Hex;
  /** Problems kept in the report (default 100); counting goes on. */
  readonly maxProblems?: number;
  /** Heads recorded earlier: each must still be present with the same hash. */
  readonly anchors?: Iterable<Anchor>;
}

/** A streaming verifier: feed it the whole log in global order, then `finish()`. Memory grows with streams, not events. */
export interface ChainVerifier {
  push(event: RecordedEvent): void;
  /** The store could not decode the event at `globalPosition` (or right after it, when its position is unknown). */
  unreadable(globalPosition: number, message: string): void;
  finish(): VerifyReport;
  /** Every stream's head (highest version read, with its hash): save them as anchors for a later run. */
  heads(): Anchor[];
}

interface Problem {
  kind: ChainProblemKind;
  streamId: string;
  streamVersion?: number;
  globalPosition: number;
  message: string;
  order: number;
}

interface Gap {
  from: number;
  to: number;
  /** Version and position of the event that revealed the gap. */
  readonly afterVersion: number;
  readonly position: number;
  readonly problem: Problem;
}

interface Shift {
  /** Version the event carries minus the version it was recorded with. */
  readonly delta: number;
  readonly labelled: number;
  readonly recordedAs: number;
  readonly position: number;
  readonly problem: Problem;
  count: number;
}

interface StreamState {
  /** Highest version read + 1. */
  next: number;
  /** Hash of the event at `next - 1`; undefined when unknown (it had none). */
  lastHash: string | null | undefined;
  lastPosition: number;
  gaps?: Gap[];
  shift?: Shift;
}

const range = (from: number, to: number) => (from === to ? `version ${from} is` : `versions ${from}-${to} are`);

/** Creates a streaming verifier of hash chains and of the global log's order. */
export const createChainVerifier = (options: ChainVerifierOptions = {}): ChainVerifier => {
  const digest = options.digest ?? sha256Hex;
  const maxProblems = options.maxProblems ?? 100;
  const streams = new Map<string, StreamState>();
  const anchors = new Map<string, { anchor: Anchor; seen: boolean }>();
  for (const anchor of options.anchors ?? []) anchors.set(anchor.streamId, { anchor, seen: false });
  const problems: Problem[] = [];
  let problemCount = 0;
  let events = 0;
  let lastPosition = 0;
  let order = 0;

  /** Records a problem; returns it (a detached one once the list is full, so callers may still update it). */
  const add = (kind: ChainProblemKind, streamId: string, streamVersion: number | undefined, globalPosition: number, message: string) => {
    problemCount += 1;
    const problem: Problem = {
      kind,
      streamId,
      globalPosition,
      message,
      order: order++,
      ...(streamVersion === undefined ? {} : { streamVersion }),
    };
    if (problems.length < maxProblems) problems.push(problem);
    return problem;
  };

  const push = (e: RecordedEvent): void => {
    events += 1;
    const p = e.globalPosition;
    const id = e.streamId;
    const v = e.streamVersion;
    const where = `stream ${JSON.stringify(id)} version ${v} (position ${p})`;
    if (p <= lastPosition)
      add(
        'reordered',
        id,
        v,
        p,
        `global position ${p} comes after position ${lastPosition}: the global log is out of order or a position repeats`,
      );
    else lastPosition = p;
    let s = streams.get(id);
    if (s === undefined) {
      s = { next: 0, lastHash: null, lastPosition: 0 };
      streams.set(id, s);
    }
    const expected = s.next;
    let flagged = false;
    /** The version the event was hashed with, when it differs from the one it carries. */
    let recordedAs: number | undefined;

    // 1. The event against its own hash.
    if (e.hash === undefined) {
      add('unchained', id, v, p, `${where} carries no hash (written outside selfprov, or before hash chains)`);
      flagged = true;
    } else {
      const prevHash = e.prevHash ?? null;
      const content = contentHashOf(e, digest);
      if (linkHashOf(prevHash, v, content, digest) !== e.hash) {
        flagged = true;
        recordedAs = [v - 1, v + 1].find((w) => w >= 0 && linkHashOf(prevHash, w, content, digest) === e.hash);
        if (recordedAs === undefined) add('edited', id, v, p, `${where} does not match its hash: its content was changed`);
        else {
          const delta = v - recordedAs;
          const pending = s.shift;
          if (pending && pending.delta === -delta && pending.count === 1 && pending.recordedAs === v && pending.labelled === recordedAs) {
            // Two versions exchanged: the first looked like an insertion, this is its partner.
            pending.problem.kind = 'reordered';
            pending.problem.message = `stream ${JSON.stringify(id)}: versions ${Math.min(v, recordedAs)} and ${Math.max(v, recordedAs)} were swapped (positions ${pending.position} and ${p})`;
            s.shift = undefined;
          } else if (pending && pending.delta === delta) {
            pending.count += 1;
            pending.problem.message = `${pending.problem.message.replace(/ \(and \d+ later events\)$/, '')} (and ${pending.count - 1} later events)`;
          } else {
            const message =
              delta > 0
                ? `${where} was recorded as version ${recordedAs}: an event was inserted before it and the later versions renumbered`
                : `${where} was recorded as version ${recordedAs}: an event before it was deleted and the later versions renumbered`;
            s.shift = {
              delta,
              labelled: v,
              recordedAs,
              position: p,
              count: 1,
              problem: add(delta > 0 ? 'inserted' : 'deleted', id, v, p, message),
            };
          }
        }
      }
    }

    // 2. The event's place in its stream.
    if (v > expected && recordedAs !== expected) {
      const problem = add('deleted', id, expected, p, `stream ${JSON.stringify(id)}: ${range(expected, v - 1)} missing before ${where}`);
      s.gaps = [...(s.gaps ?? []), { from: expected, to: v - 1, afterVersion: v, position: p, problem }];
      flagged = true;
    } else if (v < expected) {
      const gap = s.gaps?.find((g) => v >= g.from && v <= g.to);
      if (gap) {
        gap.problem.kind = 'reordered';
        gap.problem.message = `stream ${JSON.stringify(id)}: version ${gap.afterVersion} (position ${gap.position}) comes before version ${v} (position ${p}): events swapped or reordered`;
        if (gap.from === gap.to) s.gaps = s.gaps?.filter((g) => g !== gap);
        else if (v === gap.from) gap.from += 1;
        else if (v === gap.to) gap.to -= 1;
      } else if (!flagged)
        add(
          'inserted',
          id,
          v,
          p,
          `${where} repeats a version the stream already has (up to ${expected - 1}): an inserted or duplicated event`,
        );
      flagged = true;
    }

    // 3. The link to the event before it (only for an intact event in its place).
    if (!flagged && s.lastHash !== undefined && (e.prevHash ?? null) !== s.lastHash) {
      if (v === 0) add('deleted', id, v, p, `${where} links to an earlier event: events before it were removed`);
      else
        add(
          'edited',
          id,
          v - 1,
          s.lastPosition,
          `stream ${JSON.stringify(id)} version ${v - 1} (position ${s.lastPosition}) was rewritten: version ${v} (position ${p}) links to a different hash`,
        );
    }

    if (v >= s.next) {
      s.next = v + 1;
      s.lastHash = e.hash;
      s.lastPosition = p;
    }
    const anchored = anchors.get(id);
    if (anchored && anchored.anchor.streamVersion === v) {
      anchored.seen = true;
      if (anchored.anchor.hash !== e.hash) add('anchor', id, v, p, `${where} differs from the anchored hash: the stream was rewritten`);
    }
  };

  return {
    push,
    unreadable: (globalPosition, message) => {
      add('unreadable', '', undefined, globalPosition, `the event at position ${globalPosition} cannot be read: ${message}`);
      if (globalPosition > lastPosition) lastPosition = globalPosition;
    },
    finish: () => {
      for (const { anchor, seen } of anchors.values())
        if (!seen) {
          const head = streams.get(anchor.streamId);
          add(
            'anchor',
            anchor.streamId,
            anchor.streamVersion,
            head?.lastPosition ?? lastPosition,
            `stream ${JSON.stringify(anchor.streamId)} no longer has its anchored version ${anchor.streamVersion}${head ? ` (it ends at version ${head.next - 1})` : ' (the stream is gone)'}: truncated or deleted`,
          );
        }
      const sorted = [...problems].sort((a, b) => a.globalPosition - b.globalPosition || a.order - b.order);
      return {
        ok: problemCount === 0,
        events,
        streams: streams.size,
        lastPosition,
        problemCount,
        problems: sorted.map(({ order: _, ...problem }) => problem),
      };
    },
    heads: () =>
      [...streams.entries()].flatMap(([streamId, s]) =>
        typeof s.lastHash === 'string' ? [{ streamId, streamVersion: s.next - 1, hash: s.lastHash }] : [],
      ),
  };
};

/** Options of {@link verifyStore}. */
export interface VerifyStoreOptions extends ChainVerifierOptions {
  /** Events per `readAll` page (default 1000): memory stays bounded whatever the log's length. */
  readonly pageSize?: number;
  /** Called after each page with the last position read. */
  readonly onProgress?: (position: number, events: number) => void;
  /** Gives the verifier to the caller before reading (to collect `heads()` afterwards). */
  readonly verifier?: ChainVerifier;
}

/** How far past an unreadable place to look for the next readable event before giving up. */
const MAX_PROBES = 1000;

/** A store error that says "this data cannot be decoded" rather than "the store is not there". */
const isDecodingFailure = (error: StoreError) => error._tag === 'StoreUnavailable' && !error.retryable;

/**
 * Verifies every stream chain and the global log of a store, streaming its pages. Give it the RAW
 * store (not wrapped by `withPersonalDataProtection` or upcasting): hashes cover events as stored.
 * A page that cannot be decoded is read again event by event, the event at fault is reported as
 * `unreadable` and skipped; an unavailable store is an error, not a verdict.
 */
export const verifyStore =
  (store: EventStore, options: VerifyStoreOptions = {}): TE.TaskEither<StoreError, VerifyReport> =>
  async () => {
    const verifier = options.verifier ?? createChainVerifier(options);
    const pageSize = options.pageSize ?? 1000;
    let after = 0;
    let count = 0;
    /** Events still to read one by one (after a page failed to decode). */
    let singles = 0;
    for (;;) {
      const size = singles > 0 ? 1 : pageSize;
      const page = await store.readAll({ after, maxCount: size })();
      if (E.isLeft(page)) {
        if (!isDecodingFailure(page.left)) return page;
        if (singles === 0) {
          singles = pageSize;
          continue;
        }
        // The event right after `after` is the one at fault: reads starting at its position succeed.
        let skipped = false;
        for (let probe = after + 1; probe <= after + MAX_PROBES && !skipped; probe++) {
          const next = await store.readAll({ after: probe, maxCount: 1 })();
          if (E.isRight(next)) {
            verifier.unreadable(probe, page.left.message);
            after = probe;
            skipped = true;
          }
        }
        if (!skipped) return page;
        continue;
      }
      for (const event of page.right) verifier.push(event);
      count += page.right.length;
      if (singles > 0) singles -= 1;
      const last = page.right[page.right.length - 1];
      if (last === undefined) break;
      after = last.globalPosition;
      options.onProgress?.(after, count);
      if (page.right.length < size) break;
    }
    return E.right(verifier.finish());
  };
