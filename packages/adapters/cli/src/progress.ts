/** A progress bar on a terminal; nothing at all when the stream is not one (piped, redirected, CI). */
export interface Progress {
  update(position: number, events: number): void;
  done(): void;
}

const WIDTH = 30;
const EVERY_MS = 100;

/**
 * Draws `label [#####.....] 42% 1,234 events` on `stream`, at most every 100 ms, when `stream` is a
 * TTY. `total` is the head position of the log: positions are the measure (they may have gaps).
 */
export const createProgress = (stream: NodeJS.WriteStream, label: string, total: number): Progress => {
  if (!stream.isTTY) return { update: () => undefined, done: () => undefined };
  let last = 0;
  let drawn = false;
  const draw = (position: number, events: number) => {
    const ratio = total > 0 ? Math.min(1, position / total) : 1;
    const filled = Math.round(ratio * WIDTH);
    stream.write(
      `\r${label} [${'#'.repeat(filled)}${'.'.repeat(WIDTH - filled)}] ${String(Math.floor(ratio * 100)).padStart(3)}% ${events.toLocaleString('en-US')} events`,
    );
    drawn = true;
  };
  let latest = { position: 0, events: 0 };
  return {
    update: (position, events) => {
      latest = { position, events };
      const now = performance.now();
      if (now - last < EVERY_MS) return;
      last = now;
      draw(position, events);
    },
    done: () => {
      if (drawn || latest.events > 0) {
        draw(total > 0 ? total : latest.position, latest.events);
        stream.write('\n');
      }
    },
  };
};
