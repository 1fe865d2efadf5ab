// The machine and the sections of a run: when, on what code and under what load each was measured.
import { execSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';
import { scale } from './settings.js';

const cpuModel = (() => {
  try {
    return /model name\s*:\s*(.*)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.trim() ?? cpus()[0]?.model ?? 'unknown';
  } catch {
    return cpus()[0]?.model ?? 'unknown';
  }
})();
const nproc = (() => {
  try {
    return execSync('nproc', { encoding: 'utf8' }).trim();
  } catch {
    return String(availableParallelism());
  }
})();
export const machine = {
  date: new Date().toISOString().slice(0, 10),
  nproc,
  cpu: cpuModel,
  ram: `${(totalmem() / 2 ** 30).toFixed(1)} GiB`,
  node: process.version,
  loadAtStart: loadavg()[0]?.toFixed(2) ?? '?',
};
export type Section = 'memory' | 'sqlite-full' | 'sqlite-normal' | 'postgres';
export const sectionOf = (key: string): Section =>
  key.startsWith('memory')
    ? 'memory'
    : key.startsWith('sqlite-full')
      ? 'sqlite-full'
      : key.startsWith('sqlite-normal')
        ? 'sqlite-normal'
        : 'postgres';
/** When and under what load each section was measured (a section's stores always run in the same run). */
export interface SectionRun {
  at: string;
  /** The commit, and "+ uncommitted changes" when packages/ differed from it. */
  code: string;
  scale: number;
  loadStart: string;
  loadEnd?: string;
  notes: string[];
}
export const sectionRuns = new Map<Section, SectionRun>();
const load = () => loadavg()[0]?.toFixed(2) ?? '?';
const revision = (() => {
  try {
    const head = execSync('git rev-parse --short HEAD', { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const dirty = execSync('git status --porcelain -- packages', { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    return dirty ? `${head} + uncommitted changes` : head;
  } catch {
    return 'unknown';
  }
})();
export const begin = (section: Section) => {
  sectionRuns.set(section, {
    at: new Date().toISOString().slice(0, 16).replace('T', ' '),
    code: revision,
    scale,
    loadStart: load(),
    notes: [],
  });
};
export const end = (section: Section) => {
  const r = sectionRuns.get(section);
  if (r) r.loadEnd = load();
};
export const note = (section: Section, text: string) => {
  sectionRuns.get(section)?.notes.push(text);
};
