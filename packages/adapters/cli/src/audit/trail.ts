import { trailOf } from '@selfprov/app';
import { describeActor, type TrailEntry, type TrailSubject } from '@selfprov/core';
import * as E from 'fp-ts/lib/Either.js';
import { parseOptions, UsageError } from '../args.js';
import { openRaw, parseInstant, storeError, table } from './support.js';

export const trail = async (argv: readonly string[]): Promise<number> => {
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
