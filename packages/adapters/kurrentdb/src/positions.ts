/**
 * Log positions this process has seen the server return for real records.
 *
 * KurrentDB can only start a `$all` read at a record boundary; a position in the middle of a
 * record is an error (or, near the end of the log, an empty answer). The port lets a caller
 * pass any integer as a checkpoint, so the store keeps the boundaries it has seen and, when a
 * checkpoint is not one of them, starts from the nearest known one and skips forward.
 * Any subset of true boundaries is correct; the bound only limits memory.
 */
export interface PositionIndex {
  add(position: number): void;
  has(position: number): boolean;
  /** Greatest known position <= `position`. */
  floor(position: number): number | undefined;
  /** Least known position >= `position`. */
  ceil(position: number): number | undefined;
  /** Greatest known position. */
  max(): number | undefined;
  readonly size: number;
}

export const createPositionIndex = (limit = 10_000): PositionIndex => {
  let sorted: number[] = [];
  // Index of the first element >= position.
  const lowerBound = (position: number): number => {
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((sorted[mid] as number) < position) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  return {
    add: (position) => {
      const last = sorted[sorted.length - 1];
      if (last === undefined || position > last) sorted.push(position);
      else {
        const i = lowerBound(position);
        if (sorted[i] !== position) sorted.splice(i, 0, position);
      }
      // Checkpoints are mostly recent, so the oldest half goes first.
      if (sorted.length > limit) sorted = sorted.slice(sorted.length - Math.ceil(limit / 2));
    },
    has: (position) => sorted[lowerBound(position)] === position,
    floor: (position) => {
      const i = lowerBound(position);
      return sorted[i] === position ? position : sorted[i - 1];
    },
    ceil: (position) => sorted[lowerBound(position)],
    max: () => sorted[sorted.length - 1],
    get size() {
      return sorted.length;
    },
  };
};
