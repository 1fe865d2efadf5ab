import { createReadStream, createWriteStream, readFileSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import {
  type AuditReplay,
  createLogVerifier,
  DEFAULT_STORE_URL,
  exportLog,
  headPosition,
  type OpenedStore,
  openStore,
  replayLog,
  trailOf,
  verifyLog,
} from '@selfprov/app';
import {
  type Anchor,
  type ChainProblem,
  describeActor,
  HASH_ALGORITHM,
  type RecordedEvent,
  type StoreError,
  type TrailEntry,
  type TrailSubject,
  type VerifyReport,
} from '@selfprov/core';
import * as E from 'fp-ts/lib/Either.js';
import { parseOptions, storeUrlOf, UsageError } from './args.js';
import { createProgress } from './progress.js';
import type { Verb } from './verbs.js';

/** Exit codes of `audit verify`: 0 intact, 1 broken, 2 usage, 3 the store or input could not be read. */
const EXIT_BROKEN = 1;
const EXIT_UNREADABLE = 3;

const storeError = (verb: string, e: StoreError) => `selfprov audit ${verb}: ${e.code}: ${e.message}`;

const openRaw = async (verb: string, url: string | undefined): Promise<OpenedStore | undefined> => {
  const opened = await openStore(storeUrlOf(url, DEFAULT_STORE_URL));
  if (E.isLeft(opened)) {
    console.error(
      `selfprov audit ${verb}: cannot open the store: ${opened.left.code}: ${opened.left.message}${opened.left.field ? ` (field ${opened.left.field})` : ''}`,
    );
    return undefined;
  }
  return opened.right;
};

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * An ISO-8601 instant from the command line, normalised like `occurredAt`. A bare date means the
 * start of that day (UTC) for `--since`, and its end for `--at` and `--until`: "on 3 March" includes
 * everything of 3 March.
 */
export const parseInstant = (value: string, option: string, bareDate: 'start' | 'end'): string => {
  const text = DATE.test(value) ? `${value}T${bareDate === 'start' ? '00:00:00.000' : '23:59:59.999'}Z` : value;
  const at = new Date(text);
  if (Number.isNaN(at.getTime()) || !/^\d{4}-\d{2}-\d{2}/.test(value))
    throw new UsageError(
      `--${option} must be an ISO-8601 date or instant (2026-03-03 or 2026-03-03T10:00:00Z), got ${JSON.stringify(value)}`,
    );
  return at.toISOString();
};

/** Plain text columns, padded to the widest cell. */
const table = (header: readonly string[], rows: readonly (readonly string[])[]): string => {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
};

// ---- verify ---------------------------------------------------------------------------------

const describeProblem = (p: ChainProblem) =>
  `${p.kind.toUpperCase()} at position ${p.globalPosition}${p.streamId ? `, stream ${JSON.stringify(p.streamId)}` : ''}${p.streamVersion === undefined ? '' : ` version ${p.streamVersion}`}: ${p.message}`;

const readAnchors = (file: string): Anchor[] => {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new UsageError(`--anchors ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const heads = (parsed as { heads?: unknown })?.heads;
  if (
    !Array.isArray(heads) ||
    !heads.every((h) => typeof h?.streamId === 'string' && Number.isSafeInteger(h?.streamVersion) && typeof h?.hash === 'string')
  )
    throw new UsageError(
      `--anchors ${file}: expected {"heads": [{"streamId", "streamVersion", "hash"}, ...]} as written by --save-anchors`,
    );
  return heads as Anchor[];
};

/** Events of an export file (`audit export`), one JSON object per line, fed to the verifier. */
const verifyFile = async (file: string, anchors: Anchor[] | undefined) => {
  const verifier = createLogVerifier(anchors);
  const lines = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Number.POSITIVE_INFINITY });
  let n = 0;
  for await (const line of lines) {
    n += 1;
    if (line.trim() === '') continue;
    let event: RecordedEvent;
    try {
      event = JSON.parse(line) as RecordedEvent;
    } catch {
      verifier.unreadable(n, `line ${n} of ${file} is not JSON`);
      continue;
    }
    verifier.push(event);
  }
  return { report: verifier.finish(), verifier };
};

const printReport = (report: VerifyReport, json: boolean, source: string) => {
  if (json) {
    console.log(JSON.stringify({ algorithm: HASH_ALGORITHM, source, ...report }, null, 2));
    return;
  }
  if (report.ok) {
    console.log(
      `intact: ${report.events.toLocaleString('en-US')} events in ${report.streams.toLocaleString('en-US')} streams, up to position ${report.lastPosition}; every hash chain verifies (${HASH_ALGORITHM}) in ${source}`,
    );
    return;
  }
  const [first, ...rest] = report.problems;
  console.log(`BROKEN: ${report.problemCount} problem${report.problemCount === 1 ? '' : 's'} in ${source}`);
  if (first) console.log(`first: ${describeProblem(first)}`);
  for (const p of rest.slice(0, 19)) console.log(`  then: ${describeProblem(p)}`);
  if (report.problemCount > 20) console.log(`  ... and ${report.problemCount - 20} more (--format json lists up to 100)`);
};

const verify = async (argv: readonly string[]): Promise<number> => {
  const { values } = parseOptions(argv, {
    store: { type: 'string' },
    input: { type: 'string' },
    anchors: { type: 'string' },
    'save-anchors': { type: 'string' },
    format: { type: 'string' },
  });
  const format = values.format ?? 'text';
  if (format !== 'text' && format !== 'json') throw new UsageError('--format must be text or json');
  if (values.input !== undefined && values.store !== undefined) throw new UsageError('give --store or --input, not both');
  const anchors = values.anchors === undefined ? undefined : readAnchors(values.anchors);
  let report: VerifyReport;
  let heads: () => Anchor[];
  let source: string;
  if (values.input !== undefined) {
    try {
      const r = await verifyFile(values.input, anchors);
      report = r.report;
      heads = () => r.verifier.heads();
    } catch (error) {
      console.error(`selfprov audit verify: cannot read ${values.input}: ${error instanceof Error ? error.message : String(error)}`);
      return EXIT_UNREADABLE;
    }
    source = values.input;
  } else {
    const store = await openRaw('verify', values.store);
    if (!store) return EXIT_UNREADABLE;
    try {
      const head = await headPosition(store.events);
      const progress = createProgress(process.stderr, 'verify', E.isRight(head) ? head.right : 0);
      const verifier = createLogVerifier(anchors);
      const r = await verifyLog(store, { verifier, onProgress: (p, n) => progress.update(p, n) });
      progress.done();
      if (E.isLeft(r)) {
        console.error(storeError('verify', r.left));
        return EXIT_UNREADABLE;
      }
      report = r.right;
      heads = () => verifier.heads();
      source = store.description;
    } finally {
      await store.close();
    }
  }
  printReport(report, format === 'json', source);
  if (values['save-anchors'] !== undefined) {
    const saved = heads();
    writeFileSync(
      values['save-anchors'],
      `${JSON.stringify({ algorithm: HASH_ALGORITHM, source, lastPosition: report.lastPosition, savedAt: new Date().toISOString(), heads: saved }, null, 2)}\n`,
    );
    console.error(
      `saved ${saved.length} stream heads to ${values['save-anchors']}: keep that file apart from the store (or its digest, signed)`,
    );
  }
  return report.ok ? 0 : EXIT_BROKEN;
};

// ---- replay ---------------------------------------------------------------------------------

const personalText = (personal: unknown): { name: string; email: string } => {
  const p = (personal ?? {}) as { firstName?: unknown; lastName?: unknown; email?: unknown; $encrypted?: unknown };
  if (p.$encrypted !== undefined) return { name: '(encrypted)', email: '' };
  return {
    name: [p.firstName, p.lastName].filter((x) => typeof x === 'string').join(' '),
    email: typeof p.email === 'string' ? p.email : '',
  };
};

const printReplay = (r: AuditReplay) => {
  const out: string[] = [];
  out.push(
    `State ${r.at ? `at ${r.at}` : 'now'}: ${r.eventsApplied.toLocaleString('en-US')} of ${r.eventsRead.toLocaleString('en-US')} events applied (last at position ${r.lastPosition})`,
    '',
    'USERS',
    table(
      ['USER', 'NAME', 'EMAIL', 'EXT', 'PROFILE', 'PHONES', 'SINCE'],
      r.users.map((u) => {
        const p = personalText(u.personal);
        return [u.userId, p.name, p.email, u.primaryExtension ?? '', u.userProfile ?? '', u.phones.join(',') || '-', u.since ?? ''];
      }),
    ),
    '',
    'PHONES',
    table(
      ['DEVICE', 'MODEL', 'STATE', 'OWNER', 'OWNER SINCE', 'GIVEN BY', 'LINES', 'REGISTERED'],
      r.phones.map((p) => [
        p.deviceName,
        p.model,
        p.state,
        p.owner ?? '-',
        p.ownerSince ?? '',
        p.ownerBy ? `${p.ownerBy.eventType} by ${describeActor(p.ownerBy.actor)} via ${p.ownerBy.channel}` : '',
        p.lines.map((l) => `${l.index}:${l.dn}`).join(',') || '-',
        p.registered ? 'yes' : 'no',
      ]),
    ),
    '',
    'CLUSTERS',
  );
  for (const c of r.clusters) {
    const a = c.autoRegistration;
    const sp = c.selfProvisioning;
    out.push(
      `${c.clusterId} (${JSON.stringify(c.name)}): auto-registration ${a.enabled ? 'on' : 'off'}${a.startDn ? `, DNs ${a.startDn}-${a.endDn}` : ''}${a.deviceTemplate ? `, UDT ${JSON.stringify(a.deviceTemplate)}` : ''}${a.lineTemplate ? `, ULT ${JSON.stringify(a.lineTemplate)}` : ''}; ` +
        (sp
          ? `self-provisioning ${sp.authentication}, languages ${sp.languages.join(',')}, route point ${sp.ctiRoutePoint}, application user ${sp.applicationUser}`
          : 'self-provisioning not configured') +
        `; replaced phones: ${c.enterpriseParameters.replacedPhone}; authentication code ${c.authenticationCodeSet ? 'set' : 'not set'}`,
    );
  }
  const held = Object.entries(r.directoryNumbers).flatMap(([cluster, dns]) =>
    Object.entries(dns).map(([dn, holder]) => {
      const h = holder as { kind?: string; deviceName?: string; userId?: string };
      return [cluster, dn, `${h.kind}:${h.kind === 'phone' ? h.deviceName : h.userId}`];
    }),
  );
  out.push('', 'DIRECTORY NUMBERS HELD', held.length === 0 ? '(none)' : table(['CLUSTER', 'DN', 'HELD BY'], held));
  const settings = [
    ...Object.entries(r.settings.phones).map(([d, s]) => ['phone', d, JSON.stringify(s)]),
    ...Object.entries(r.settings.lines).map(([l, s]) => ['line', l, JSON.stringify(s)]),
    ...Object.entries(r.settings.singleNumberReach).map(([u, s]) => ['single number reach', u, JSON.stringify(s.alternateNumbers)]),
  ];
  out.push('', 'SELF-CARE SETTINGS', settings.length === 0 ? '(none changed)' : table(['KIND', 'OF', 'SETTINGS'], settings));
  console.log(out.join('\n'));
};

const replay = async (argv: readonly string[]): Promise<number> => {
  const { values } = parseOptions(argv, { store: { type: 'string' }, at: { type: 'string' }, format: { type: 'string' } });
  const format = values.format ?? 'table';
  if (format !== 'table' && format !== 'json') throw new UsageError('--format must be table or json');
  const at = values.at === undefined ? undefined : parseInstant(values.at, 'at', 'end');
  const store = await openRaw('replay', values.store);
  if (!store) return 1;
  try {
    const head = await headPosition(store.events);
    const progress = createProgress(process.stderr, 'replay', E.isRight(head) ? head.right : 0);
    const r = await replayLog(store, at, { onProgress: (p, n) => progress.update(p, n) });
    progress.done();
    if (E.isLeft(r)) {
      console.error(storeError('replay', r.left));
      return 1;
    }
    if (format === 'json') console.log(JSON.stringify(r.right, null, 2));
    else printReplay(r.right);
    return 0;
  } finally {
    await store.close();
  }
};

// ---- trail ----------------------------------------------------------------------------------

const trail = async (argv: readonly string[]): Promise<number> => {
  const { values } = parseOptions(argv, {
    store: { type: 'string' },
    user: { type: 'string' },
    device: { type: 'string' },
    dn: { type: 'string' },
    since: { type: 'string' },
    until: { type: 'string' },
    format: { type: 'string' },
  });
  const given = (['user', 'device', 'dn'] as const).filter((k) => values[k] !== undefined);
  if (given.length !== 1) throw new UsageError('give exactly one of --user <id>, --device <name>, --dn <number>');
  const format = values.format ?? 'table';
  if (format !== 'table' && format !== 'jsonl') throw new UsageError('--format must be table or jsonl');
  const subject: TrailSubject =
    values.user !== undefined
      ? { kind: 'user', userId: values.user }
      : values.device !== undefined
        ? { kind: 'device', deviceName: values.device }
        : { kind: 'dn', directoryNumber: values.dn as string };
  const since = values.since === undefined ? undefined : parseInstant(values.since, 'since', 'start');
  const until = values.until === undefined ? undefined : parseInstant(values.until, 'until', 'end');
  const store = await openRaw('trail', values.store);
  if (!store) return 1;
  try {
    const rows: string[][] = [];
    const onEntry = (e: TrailEntry) => {
      if (format === 'jsonl') process.stdout.write(`${JSON.stringify(e)}\n`);
      else rows.push([e.at, String(e.globalPosition), describeActor(e.actor), e.channel, e.change]);
    };
    const r = await trailOf(store, subject, {
      ...(since === undefined ? {} : { since }),
      ...(until === undefined ? {} : { until }),
      onEntry,
    });
    if (E.isLeft(r)) {
      console.error(storeError('trail', r.left));
      return 1;
    }
    if (format === 'table') {
      const what =
        subject.kind === 'user'
          ? `user ${subject.userId}`
          : subject.kind === 'device'
            ? `device ${subject.deviceName}`
            : `DN ${subject.directoryNumber}`;
      console.log(
        `${r.right} change${r.right === 1 ? '' : 's'} concerning ${what}${since ? ` since ${since}` : ''}${until ? ` until ${until}` : ''}`,
      );
      if (rows.length > 0) console.log(table(['TIME', 'POSITION', 'ACTOR', 'CHANNEL', 'CHANGE'], rows));
    }
    return 0;
  } finally {
    await store.close();
  }
};

// ---- export ---------------------------------------------------------------------------------

const exportVerb = async (argv: readonly string[]): Promise<number> => {
  const { values } = parseOptions(argv, { store: { type: 'string' }, format: { type: 'string' }, output: { type: 'string' } });
  if ((values.format ?? 'jsonl') !== 'jsonl') throw new UsageError('--format must be jsonl (one event per line)');
  const store = await openRaw('export', values.store);
  if (!store) return 1;
  const out = values.output === undefined ? process.stdout : createWriteStream(values.output);
  // Back-pressure: wait for the writer to drain rather than buffering the whole log in memory.
  const write = (line: string) =>
    out.write(line)
      ? Promise.resolve()
      : new Promise<void>((resolve, reject) => {
          const done = (error?: Error) => {
            out.off('drain', done);
            out.off('error', done);
            if (error) reject(error);
            else resolve();
          };
          out.on('drain', done);
          out.on('error', done);
        });
  try {
    const head = await headPosition(store.events);
    const progress = createProgress(process.stderr, 'export', E.isRight(head) ? head.right : 0);
    const r = await exportLog(store, { onEvent: (e) => write(`${JSON.stringify(e)}\n`), onProgress: (p, n) => progress.update(p, n) });
    progress.done();
    if (E.isLeft(r)) {
      console.error(storeError('export', r.left));
      return 1;
    }
    if (values.output !== undefined) console.error(`exported ${r.right.toLocaleString('en-US')} events to ${values.output}`);
    return 0;
  } finally {
    if (out !== process.stdout) await new Promise<void>((resolve) => (out as NodeJS.WritableStream).end(resolve));
    await store.close();
  }
};

// ---- the verb -------------------------------------------------------------------------------

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
