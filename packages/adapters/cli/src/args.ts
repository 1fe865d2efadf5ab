import { parseArgs } from 'node:util';

/** A command-line mistake: printed with the usage, exit code 2. */
export class UsageError extends Error {}

/** Parses `--name value` options of one verb; unknown options are a UsageError naming them. */
export const parseOptions = <const T extends Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }>>(
  argv: readonly string[],
  options: T,
) => {
  try {
    return parseArgs({ args: [...argv], options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
};

/** The store URL: `--store`, else `SELFPROV_STORE`, else the embedded default. */
export const storeUrlOf = (value: string | undefined, fallback: string): string => value ?? process.env.SELFPROV_STORE ?? fallback;
