import { createReadStream, readFileSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { createLogVerifier, headPosition, verifyLog } from '@selfprov/app';
import { type Anchor, type ChainProblem, HASH_ALGORITHM, type RecordedEvent, type VerifyReport } from '@selfprov/core';
import * as E from 'fp-ts/lib/Either.js';
import { parseOptions, UsageError } from '../args.js';
import { createProgress } from '../progress.js';
import { openRaw, storeError } from './support.js';

/** Exit codes of `audit verify`: 0 intact, 1 broken, 2 usage, 3 the store or input could not be read. */
const EXIT_BROKEN = 1;
const EXIT_UNREADABLE = 3;

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

export const verify = async (argv: readonly string[]): Promise<number> => {
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
