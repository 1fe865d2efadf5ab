import { type ParseArgsConfig, parseArgs } from 'node:util';

/** A command-line mistake: printed with the usage, exit code 2. */
export class UsageError extends Error {}

/** Parses `--name value` options of one verb; unknown options are a UsageError naming them. */
export const parseOptions = <const T extends NonNullable<ParseArgsConfig['options']>>(
  argv: readonly string[],
  options: T,
): ReturnType<typeof parseArgs<{ args: string[]; options: T; allowPositionals: true; strict: true }>> => {
  try {
    return parseArgs({ args: [...argv], options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
};

/** The store URL: `--store`, else `SELFPROV_STORE`, else the embedded default. */
export const storeUrlOf = (value: string | undefined, fallback: string): string => value ?? process.env.SELFPROV_STORE ?? fallback;
