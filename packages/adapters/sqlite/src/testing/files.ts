import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A fresh directory under the system temp dir, and a way to remove it. */
export const tempDir = (label: string) => {
  const dir = mkdtempSync(join(tmpdir(), `selfprov-sqlite-${label}-`));
  return {
    dir,
    file: (name: string) => join(dir, name),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
};

/** Removes a database file with its WAL and shared-memory companions. */
export const removeDatabase = (path: string) => {
  for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(`${path}${suffix}`, { force: true });
};
