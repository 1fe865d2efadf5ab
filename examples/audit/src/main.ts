/**
 * An auditor's walkthrough on the demo data (see walkthrough.ts and README.md).
 *
 *   node --conditions=source --import tsx examples/audit/src/main.ts [--db path]
 *
 * Without --db, a fresh SQLite file in a temporary directory, removed at the end.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { runWalkthrough } from './walkthrough.js';

const { values } = parseArgs({ options: { db: { type: 'string' } } });
const dir = values.db === undefined ? mkdtempSync(join(tmpdir(), 'selfprov-audit-')) : undefined;
const path = values.db ?? join(dir as string, 'events.db');
if (values.db !== undefined) for (const suffix of ['', '-wal', '-shm']) rmSync(path + suffix, { force: true });

try {
  const result = await runWalkthrough(`sqlite:${path}`, (line) => console.log(line));
  process.exitCode = result.verifiedBefore && result.verifiedAfter ? 0 : 1;
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
} finally {
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
}
