import { administrator, formatMigrationSummary, parseMigrationArgs } from '@selfprov/selfcare';
import * as E from 'fp-ts/lib/Either.js';
import { openApp } from './app.js';
import { parseOptions, UsageError } from './args.js';
import type { Verb } from './verbs.js';

/** `selfprov selfcare-migrate ALL|<domain> ENABLE|DISABLE`: the vendor's migration utility. */
export const selfcareMigrate: Verb = {
  summary: 'enable or disable self-care for the users of ALL or one domain',
  usage: `selfprov selfcare-migrate ALL|<domain> ENABLE|DISABLE [--store URL]

Touches only the domains that have both CreateSelfCareAccounts and DefaultCUPMPassword set,
and prints a summary of what changed.`,
  run: async (argv) => {
    const { values, positionals } = parseOptions(argv, { store: { type: 'string' } });
    const request = parseMigrationArgs(positionals);
    if (E.isLeft(request)) throw new UsageError(request.left.message);
    const app = await openApp(values.store);
    if (!app) return 1;
    try {
      const summary = await app.selfCare.admin.migrate(administrator('cli'), request.right)();
      if (E.isLeft(summary)) {
        console.error(`selfprov selfcare-migrate: ${summary.left.code}: ${summary.left.message}`);
        return 1;
      }
      console.log(formatMigrationSummary(summary.right));
      return summary.right.totals.usersFailed > 0 ? 1 : 0;
    } finally {
      await app.close();
    }
  },
};
