import { DEFAULT_STORE_URL, eraseUser, openStore } from '@selfprov/app';
import * as E from 'fp-ts/lib/Either.js';
import { parseOptions, storeUrlOf, UsageError } from './args.js';
import type { Verb } from './verbs.js';

const erase = async (argv: readonly string[]): Promise<number> => {
  const { values, positionals } = parseOptions(argv, { store: { type: 'string' }, by: { type: 'string' } });
  const [userId, ...extra] = positionals;
  if (userId === undefined || extra.length > 0) throw new UsageError('give one user id: selfprov users erase <id>');
  const opened = await openStore(storeUrlOf(values.store, DEFAULT_STORE_URL));
  if (E.isLeft(opened)) {
    console.error(`selfprov users erase: cannot open the store: ${opened.left.code}: ${opened.left.message}`);
    return 1;
  }
  try {
    const r = await eraseUser(opened.right, userId, {
      actor: { kind: 'administrator', id: values.by ?? 'cli' },
      channel: 'cli',
      commandId: `erase:${userId}:${new Date().toISOString()}`,
    });
    if (E.isLeft(r)) {
      console.error(`selfprov users erase: ${r.left.code}: ${r.left.message}`);
      return 1;
    }
    console.log(
      `erased the personal data of ${userId}: key ${r.right.keyDeleted ? 'deleted' : 'already gone (never created, or erased before)'}, ${r.right.credentialsRemoved} credential${r.right.credentialsRemoved === 1 ? '' : 's'} removed; recorded as ${r.right.event.type} at position ${r.right.event.globalPosition}`,
    );
    return 0;
  } finally {
    await opened.right.close();
  }
};

/** `selfprov users erase <id>`: crypto-shredding of one user's personal data. */
export const users: Verb = {
  summary: "user data: erase <id> deletes a user's personal-data key and credentials (crypto-shredding)",
  usage: `selfprov users erase <id> [--by ADMIN-ID] [--store URL]

Deletes the user's personal-data key (every encrypted field of their events then reads [erased],
for good) and their PIN / password records, and records PersonalDataErased on user-<id>.
The history of actions and the hash chains stay intact (docs/audit.md, "Erasure").`,
  run: async (argv) => {
    const [name, ...rest] = argv;
    if (name !== 'erase')
      throw new UsageError(name === undefined ? 'which users command?' : `unknown users command ${JSON.stringify(name)}`);
    return erase(rest);
  },
};
