import { readFileSync } from 'node:fs';
import { administrator } from '@selfprov/selfcare';
import * as E from 'fp-ts/lib/Either.js';
import { openApp } from './app.js';
import { parseOptions, UsageError } from './args.js';
import type { Verb } from './verbs.js';

/** `selfprov selfcare-batch <file.csv>`: run a self-care batch action file and print the report per line. */
export const selfcareBatch: Verb = {
  summary: 'run a self-care batch action file (CSV) and print a report per line',
  usage: `selfprov selfcare-batch <file.csv> [--batch-id ID] [--store URL]

Columns: action (add|update), userId, domain, role (SelfCareUser|none), optional firstName,
lastName, email (see packages/selfcare/README.md). A malformed line refuses that line only.
With --batch-id, running the same file again changes nothing. Exit code 1 when a line was refused.`,
  run: async (argv) => {
    const { values, positionals } = parseOptions(argv, { store: { type: 'string' }, 'batch-id': { type: 'string' } });
    const [file, ...extra] = positionals;
    if (file === undefined) throw new UsageError('the batch file is required');
    if (extra.length > 0) throw new UsageError(`unexpected arguments: ${extra.join(' ')}`);
    let content: Uint8Array;
    try {
      content = readFileSync(file);
    } catch (error) {
      console.error(`selfprov selfcare-batch: cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`);
      return 1;
    }
    const app = await openApp(values.store);
    if (!app) return 1;
    try {
      const report = await app.selfCare.admin.runBatch(
        administrator('cli'),
        content,
        values['batch-id'] ? { batchId: values['batch-id'] } : {},
      )();
      if (E.isLeft(report)) {
        console.error(
          `selfprov selfcare-batch: ${report.left.code}: ${report.left.message}${report.left.field ? ` (field ${report.left.field})` : ''}`,
        );
        return 1;
      }
      let refused = 0;
      for (const l of report.right.lines) {
        if (l.outcome === 'refused') refused += 1;
        const why = l.outcome === 'refused' ? `: ${l.code}${l.field ? ` (field ${l.field})` : ''} ${l.message ?? ''}` : '';
        console.log(`line ${l.line}: ${l.action ?? '?'} ${l.userId ?? '?'} ${l.outcome}${why}`.trimEnd());
      }
      console.log(`${report.right.lines.length - refused} applied or unchanged, ${refused} refused`);
      return refused > 0 ? 1 : 0;
    } finally {
      await app.close();
    }
  },
};
