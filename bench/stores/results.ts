// The results file, bench/stores/results.json, and the results section of bench/README.md.
import { execSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { machine, type Section, type SectionRun, sectionOf, sectionRuns } from './environment.js';
import { type Outcome, results } from './measure.js';
import { say } from './settings.js';

/**
 * bench/stores/results.json keeps the latest measurement of each section. With BENCH_WRITE=1 the
 * sections measured now replace theirs and the README is rebuilt from the file, so re-running one
 * section (BENCH_ONLY) keeps the others' figures, each with its own date and load.
 */
export interface Stored {
  sections: Partial<Record<Section, { run: SectionRun; outcomes: Record<string, Outcome> }>>;
}
export const write = process.env.BENCH_WRITE === '1';
const resultsFile = new URL('./results.json', import.meta.url);

/** Puts this run's sections into the stored results (with BENCH_WRITE=1, over those of results.json, which it rewrites). */
export const storeResults = (): Stored => {
  const stored: Stored = write && existsSync(resultsFile) ? (JSON.parse(readFileSync(resultsFile, 'utf8')) as Stored) : { sections: {} };
  for (const [section, run] of sectionRuns)
    stored.sections[section] = { run, outcomes: Object.fromEntries([...results].filter(([key]) => sectionOf(key) === section)) };
  if (write) {
    writeFileSync(
      resultsFile,
      `${JSON.stringify({ machine: { nproc: machine.nproc, cpu: machine.cpu, ram: machine.ram, node: machine.node }, ...stored }, null, 2)}\n`,
    );
    results.clear();
    for (const section of Object.values(stored.sections))
      for (const [key, o] of Object.entries(section?.outcomes ?? {})) results.set(key, o);
  }
  return stored;
};

/** Rebuilds the results section of bench/README.md from `report`, then formats the file. */
export const writeReadme = (report: string) => {
  const readme = new URL('../README.md', import.meta.url);
  const text = readFileSync(readme, 'utf8');
  const start = '<!-- results:start -->';
  const end = '<!-- results:end -->';
  const a = text.indexOf(start);
  const b = text.indexOf(end);
  if (a < 0 || b < a) throw new Error('bench/README.md has no results markers');
  writeFileSync(readme, `${text.slice(0, a + start.length)}\n\n${report}\n\n${text.slice(b)}`);
  // The repository's formatter aligns Markdown tables (and the lint step of the tests checks it).
  const root = new URL('../../', import.meta.url).pathname;
  execSync(`"${join(root, 'node_modules', '.bin', 'biome')}" format --write bench/README.md`, { cwd: root, stdio: 'ignore' });
  say('\nbench/README.md updated');
};
