import type { EventStore, RecordedEvent } from '@selfprov/core';
import * as E from 'fp-ts/lib/Either.js';

/** The whole global log, read in pages of `pageSize` the way a projection replays it. */
export const readEverything = async (store: EventStore, pageSize = 500): Promise<RecordedEvent[]> => {
  const all: RecordedEvent[] = [];
  for (let after = 0; ; ) {
    const page = await store.readAll({ after, maxCount: pageSize })();
    if (E.isLeft(page)) throw new Error(`readAll failed: ${page.left.code}: ${page.left.message}`);
    all.push(...page.right);
    if (page.right.length < pageSize) return all;
    after = page.right[page.right.length - 1]?.globalPosition ?? after;
  }
};

/** Groups events by stream, in global order. */
export const byStream = (events: readonly RecordedEvent[]): Map<string, RecordedEvent[]> => {
  const streams = new Map<string, RecordedEvent[]>();
  for (const e of events) {
    const list = streams.get(e.streamId) ?? [];
    list.push(e);
    streams.set(e.streamId, list);
  }
  return streams;
};
