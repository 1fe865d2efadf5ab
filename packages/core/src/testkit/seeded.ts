/**
 * Seeds for randomised test schedules (crash kills, interleavings) that a failed run can replay: the
 * seed given (for instance from an environment variable), or a fresh one. Callers print the seed
 * before they use it.
 */
export const replayableSeed = (given: string | undefined, name = 'SELFPROV_CRASH_SEED'): number => {
  if (given === undefined || given === '') return Math.floor(Math.random() * 2 ** 32);
  const seed = Number(given);
  if (!Number.isInteger(seed) || seed < 0 || seed >= 2 ** 32) throw new Error(`${name} must be an integer in [0, 2^32): ${given}`);
  return seed;
};

/** A small deterministic generator (mulberry32): the same seed gives the same numbers in [0, 1). */
export const seededRandom = (seed: number): (() => number) => {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
};
