// The markdown report: the issue's targets, then one table per section, from the outcomes in ./measure.ts.
import { machine, type Section } from './environment.js';
import { type Outcome, results } from './measure.js';
import type { Stored } from './results.js';
import { fmt, MEMORY_SCALES, W2_APPENDERS, W3_BATCH } from './settings.js';
import type { Rate } from './workloads.js';

const get = (key: string) => results.get(key);
const cell = (r: Rate | undefined, unavailable?: string): string => {
  if (!r) return unavailable ? 'failed' : 'n/a';
  let s = fmt(r.perSecond);
  if (r.capped) s += ` (capped: ${fmt(r.count)} done in ${r.seconds.toFixed(0)} s)`;
  if (r.errors) s += ` (${fmt(r.errors)} failed)`;
  return s;
};
const ratio = (a: Rate | undefined, b: Rate | undefined): string => {
  if (!a || !b || b.perSecond <= 0) return 'n/a';
  if (b.errors > b.count) return 'n/a (it mostly failed)';
  const r = a.perSecond / b.perSecond;
  return `${r.toFixed(r >= 10 ? 0 : 2)}x`;
};

type Row = [string, (o: Outcome | undefined) => Rate | undefined];
const durableRows: Row[] = [
  ['W1 append, 1 event per call with expected version (events/s)', (o) => o?.w1?.append],
  ['W1 aggregate: read + fold every stream (streams/s)', (o) => o?.w1?.aggregateStreams],
  ['W1 aggregate (events folded/s)', (o) => o?.w1?.aggregateEvents],
  [`W2 ${W2_APPENDERS} concurrent appenders (events/s)`, (o) => o?.w2],
  [`W3 append in batches of ${fmt(W3_BATCH)} (events/s)`, (o) => o?.w3?.append],
  ['W3 read back in global order, pages of 1,000 (events/s)', (o) => o?.w3?.read],
];

const table = (section: string, columns: readonly [string, string][], ratios: readonly [string, string, string][]): string => {
  const head = ['Workload', ...columns.map(([, label]) => label), ...ratios.map(([label]) => label)];
  const lines = [`| ${head.join(' | ')} |`, `| ${head.map((_, i) => (i === 0 ? '---' : '---:')).join(' | ')} |`];
  for (const [label, pick] of durableRows) {
    const values = columns.map(([name]) => cell(pick(get(`${section}/${name}`)), get(`${section}/${name}`)?.unavailable));
    const rs = ratios.map(([, a, b]) => ratio(pick(get(`${section}/${a}`)), pick(get(`${section}/${b}`))));
    lines.push(`| ${[label, ...values, ...rs].join(' | ')} |`);
  }
  return lines.join('\n');
};

const memoryTable = (): string => {
  const lines = [
    '| Streams (x 10 appends) | selfprov appends/s | Emmett appends/s | selfprov / Emmett | selfprov aggregate streams/s | Emmett aggregate streams/s | selfprov / Emmett |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const n of MEMORY_SCALES) {
    const s = get(`memory-${n}/selfprov`)?.w1;
    const e = get(`memory-${n}/emmett`)?.w1;
    // After a capped append phase the streams hold fewer events: their aggregation is not comparable.
    const eAgg = e?.append.capped ? 'n/a (append phase capped: streams hold 1 event)' : cell(e?.aggregateStreams);
    const aggRatio = e?.append.capped ? 'n/a' : ratio(s?.aggregateStreams, e?.aggregateStreams);
    lines.push(
      `| ${fmt(n)} | ${cell(s?.append)} | ${cell(e?.append)} | ${ratio(s?.append, e?.append)} | ${cell(s?.aggregateStreams)} | ${eAgg} | ${aggRatio} |`,
    );
  }
  const s = get('memory/selfprov');
  const e = get('memory/emmett');
  lines.push(
    '',
    '| Workload | selfprov | Emmett | selfprov / Emmett |',
    '| --- | ---: | ---: | ---: |',
    `| W2 ${W2_APPENDERS} concurrent appenders (events/s) | ${cell(s?.w2)} | ${cell(e?.w2)} | ${ratio(s?.w2, e?.w2)} |`,
    `| W3 append in batches of ${fmt(W3_BATCH)} (events/s) | ${cell(s?.w3?.append)} | ${cell(e?.w3?.append)} | ${ratio(s?.w3?.append, e?.w3?.append)} |`,
    `| W3 read back in global order (events/s) | ${cell(s?.w3?.read)} | n/a (no global read in Emmett's in-memory store) | n/a |`,
  );
  return lines.join('\n');
};

interface Target {
  name: string;
  threshold: string;
  value?: number;
  min: number;
  max?: number;
  detail: string;
}

/** The targets of issue 5, each PASS or FAIL on the outcomes measured. */
const targetsTable = (): string => {
  const targets: Target[] = [];
  const target = (
    name: string,
    threshold: string,
    a: Rate | undefined,
    b: Rate | undefined,
    min: number,
    what: string,
    max = Number.POSITIVE_INFINITY,
  ) => {
    const value = a && b && b.perSecond > 0 && !a.errors ? a.perSecond / b.perSecond : undefined;
    targets.push({
      name,
      threshold,
      min,
      max,
      ...(value !== undefined ? { value } : {}),
      detail:
        a && b ? `${fmt(a.perSecond)} vs ${what} ${fmt(b.perSecond)}${a.errors ? ` (${a.errors} failed appends)` : ''}` : 'not measured',
    });
  };
  const o = (k: string) => get(k);
  target(
    'SQLite W1 appends',
    '>= 50% of raw single-row transactions (FULL)',
    o('sqlite-full/selfprov')?.w1?.append,
    o('sqlite-full/raw')?.w1?.append,
    0.5,
    'raw',
  );
  target(
    'SQLite W2 (group commit)',
    '>= raw single-row transaction rate (FULL)',
    o('sqlite-full/selfprov')?.w2,
    o('sqlite-full/raw')?.w1?.append,
    1,
    'raw single-row',
  );
  target(
    'SQLite W3 appends',
    '>= 50% of raw batched inserts (FULL)',
    o('sqlite-full/selfprov')?.w3?.append,
    o('sqlite-full/raw')?.w3?.append,
    0.5,
    'raw',
  );
  target('PostgreSQL W1 appends', '>= 1.5x Emmett W1', o('postgres/selfprov')?.w1?.append, o('postgres/emmett')?.w1?.append, 1.5, 'Emmett');
  target('PostgreSQL W2', '>= 4x Emmett W1 rate', o('postgres/selfprov')?.w2, o('postgres/emmett')?.w1?.append, 4, 'Emmett W1');
  target(
    'Memory flat in streams',
    '100,000 streams within 20% of 1,000',
    o('memory-100000/selfprov')?.w1?.append,
    o('memory-1000/selfprov')?.w1?.append,
    0.8,
    '1,000 streams',
    1.2,
  );
  target(
    'Memory vs Emmett',
    '>= 10x Emmett at 10,000 streams',
    o('memory-10000/selfprov')?.w1?.append,
    o('memory-10000/emmett')?.w1?.append,
    10,
    'Emmett',
  );
  target(
    'Aggregation, SQLite',
    '>= 2x Emmett',
    o('sqlite-full/selfprov')?.w1?.aggregateStreams,
    o('sqlite-full/emmett')?.w1?.aggregateStreams,
    2,
    'Emmett',
  );
  target(
    'Aggregation, PostgreSQL',
    '>= 2x Emmett',
    o('postgres/selfprov')?.w1?.aggregateStreams,
    o('postgres/emmett')?.w1?.aggregateStreams,
    2,
    'Emmett',
  );
  target(
    'Aggregation, memory (10,000 streams)',
    '>= 2x Emmett',
    o('memory-10000/selfprov')?.w1?.aggregateStreams,
    o('memory-10000/emmett')?.w1?.aggregateStreams,
    2,
    'Emmett',
  );

  return [
    '| Target (issue 5) | Threshold | Measured | Ratio | Result |',
    '| --- | --- | --- | ---: | :---: |',
    ...targets.map(
      (t) =>
        `| ${t.name} | ${t.threshold} | ${t.detail} | ${t.value === undefined ? 'n/a' : `${t.value.toFixed(2)}x`} | ${t.value === undefined ? 'not measured' : t.value >= t.min && t.value <= (t.max ?? Number.POSITIVE_INFINITY) ? 'PASS' : 'FAIL'} |`,
    ),
  ].join('\n');
};

const sectionLabels: Record<Section, string> = {
  memory: 'In memory',
  'sqlite-full': 'SQLite FULL',
  'sqlite-normal': 'SQLite NORMAL',
  postgres: 'PostgreSQL',
};

/** The whole report; `stored` gives each section's run (when, code, load, notes). */
export const renderReport = (stored: Stored): string => {
  const targetTable = targetsTable();
  const runLines = (Object.keys(sectionLabels) as Section[]).flatMap((section) => {
    const r = stored.sections[section]?.run;
    return r
      ? [
          `- ${sectionLabels[section]}: measured ${r.at} UTC on code ${r.code}, scale ${r.scale}${r.scale === 1 ? '' : ' (NOT the full workloads)'}, 1-minute load average ${r.loadStart} at the start, ${r.loadEnd ?? '?'} at the end.`,
        ]
      : [`- ${sectionLabels[section]}: not measured.`];
  });
  const allNotes = (Object.keys(sectionLabels) as Section[]).flatMap((section) => stored.sections[section]?.run.notes ?? []);

  return [
    `Machine: ${machine.nproc} cores (\`nproc\`), CPU \`${machine.cpu}\` (/proc/cpuinfo), ${machine.ram} RAM, Node ${machine.node}. The machine is shared with other work: load averages above 2 mean the figures are noisier.`,
    '',
    ...runLines,
    '',
    '### Targets',
    '',
    targetTable,
    '',
    '### SQLite, synchronous = FULL (the durability Emmett uses)',
    '',
    table(
      'sqlite-full',
      [
        ['selfprov', 'selfprov'],
        ['emmett', 'Emmett 0.38.5'],
        ['raw', 'raw better-sqlite3'],
      ],
      [
        ['selfprov / Emmett', 'selfprov', 'emmett'],
        ['selfprov / raw', 'selfprov', 'raw'],
      ],
    ),
    '',
    '### SQLite, synchronous = NORMAL (selfprov default; Emmett offers no setting)',
    '',
    table(
      'sqlite-normal',
      [
        ['selfprov', 'selfprov'],
        ['raw', 'raw better-sqlite3'],
      ],
      [['selfprov / raw', 'selfprov', 'raw']],
    ),
    '',
    '### PostgreSQL',
    '',
    table(
      'postgres',
      [
        ['selfprov', 'selfprov'],
        ['emmett', 'Emmett 0.42.0'],
        ['raw', 'raw pg'],
      ],
      [
        ['selfprov / Emmett', 'selfprov', 'emmett'],
        ['selfprov / raw', 'selfprov', 'raw'],
      ],
    ),
    '',
    '### In memory (Emmett 0.42.0 `getInMemoryEventStore`)',
    '',
    memoryTable(),
    '',
    ...allNotes.map((n) => `- ${n}`),
  ].join('\n');
};
