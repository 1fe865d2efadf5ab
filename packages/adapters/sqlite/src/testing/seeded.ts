import { replayableSeed, seededRandom } from '@selfprov/core/testkit';

/** The seed of a randomised schedule: `SELFPROV_CRASH_SEED` (to replay a failed run) or a fresh one. */
export const crashSeed = (): number => replayableSeed(process.env.SELFPROV_CRASH_SEED);

export { seededRandom };
