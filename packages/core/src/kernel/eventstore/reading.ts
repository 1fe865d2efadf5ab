import type { RecordedEvent } from './envelope.js';
import type { ReadStreamOptions } from './port.js';

/**
 * The events of a fully loaded stream that a `readStream` range asks for.
 * Shared by stores that hold a stream in memory once read.
 */
export const sliceStream = (events: readonly RecordedEvent[], options: ReadStreamOptions): readonly RecordedEvent[] => {
  const { direction = 'forward', maxCount = Number.MAX_SAFE_INTEGER } = options;
  if (direction === 'forward') {
    const from = options.fromVersion ?? 0;
    return events.slice(from, from + Math.min(maxCount, events.length));
  }
  const from = Math.min(options.fromVersion ?? events.length - 1, events.length - 1);
  const start = Math.max(0, from + 1 - maxCount);
  return from < 0 ? [] : events.slice(start, from + 1).reverse();
};
