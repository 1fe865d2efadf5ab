import { createWriteStream } from 'node:fs';
import { exportLog, headPosition } from '@selfprov/app';
import * as E from 'fp-ts/lib/Either.js';
import { parseOptions, UsageError } from '../args.js';
import { createProgress } from '../progress.js';
import { openRaw, storeError } from './support.js';

export const exportVerb = async (argv: readonly string[]): Promise<number> => {
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
