import { UsageError } from './args.js';
import { exportVerb } from './audit/export.js';
import { replay } from './audit/replay.js';
import { trail } from './audit/trail.js';
import { verify } from './audit/verify.js';
import type { Verb } from './verbs.js';

// One file per sub-command under ./audit/ (shared helpers in ./audit/support.ts).
const subcommands: Record<string, (argv: readonly string[]) => Promise<number>> = {
  verify,
  replay,
  trail,
  export: exportVerb,
};

/** `selfprov audit verify|replay|trail|export`: the auditor's tools (docs/audit.md). */
export const audit: Verb = {
  summary: 'the auditor: verify hash chains, replay the state at an instant, trace changes, export the log',
  usage: `selfprov audit <verify|replay|trail|export> [options]   (docs/audit.md)

  verify [--store URL | --input export.jsonl] [--anchors FILE] [--save-anchors FILE] [--format text|json]
      checks every stream's hash chain and the global log; exit 0 intact, 1 broken (the first broken
      place is named), 3 the store or file could not be read
  replay [--at 2026-03-03T10:00:00Z] [--format table|json] [--store URL]
      the users, phones (owners since when, lines) and settings as they were at that instant
      (a bare date means the end of that day, UTC; no --at: now)
  trail --user ID | --device NAME | --dn NUMBER [--since T] [--until T] [--format table|jsonl] [--store URL]
      every change concerning it: time, actor, channel, what changed
  export [--format jsonl] [--output FILE] [--store URL]
      the whole log as stored, one event per line (progress on stderr when it is a terminal)`,
  run: async (argv) => {
    // `selfprov audit trail ... | head`: a reader that stops early is not an error.
    process.stdout.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE') process.exit(0);
      throw error;
    });
    const [name, ...rest] = argv;
    const sub = name === undefined ? undefined : subcommands[name];
    if (!sub) throw new UsageError(name === undefined ? 'which audit command?' : `unknown audit command ${JSON.stringify(name)}`);
    return sub(rest);
  },
};
