import { demoSecrets, seedDemoData } from '@selfprov/app';
import * as E from 'fp-ts/lib/Either.js';
import { openApp } from './app.js';
import { parseOptions } from './args.js';
import type { Verb } from './verbs.js';

/** `selfprov demo`: seed the demo data (idempotent). */
export const demo: Verb = {
  summary: 'seed the demo data into the store (idempotent)',
  usage: 'selfprov demo [--store URL]',
  run: async (argv) => {
    const { values } = parseOptions(argv, { store: { type: 'string' } });
    const app = await openApp(values.store);
    if (!app) return 1;
    try {
      const seeded = await seedDemoData(app);
      if (E.isLeft(seeded)) {
        console.error(`selfprov demo: ${seeded.left.code}: ${seeded.left.message}`);
        return 1;
      }
      const r = seeded.right;
      console.log(
        r.eventsWritten === 0 && r.secretsSet === 0
          ? `demo data already present in ${app.store.description}`
          : `demo data seeded in ${app.store.description}: ${r.eventsWritten} events, ${r.secretsSet} secrets`,
      );
      console.log(
        `cluster ${r.clusterId}, IVR extension ${r.ivrExtension}, users ${Object.keys(demoSecrets.pins).join(', ')} (PINs in the README)`,
      );
      if (!app.durableSecrets) console.log('note: this store keeps secrets in memory only; they are gone when this process ends');
      return 0;
    } finally {
      await app.close();
    }
  },
};
