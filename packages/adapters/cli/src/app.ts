import { createSelfprov, DEFAULT_STORE_URL, type Selfprov } from '@selfprov/app';
import * as E from 'fp-ts/lib/Either.js';
import { storeUrlOf } from './args.js';

/** Opens the backend on `--store` / `SELFPROV_STORE` / the default; prints a typed error and answers `undefined` on failure. */
export const openApp = async (store: string | undefined): Promise<Selfprov | undefined> => {
  const url = storeUrlOf(store, DEFAULT_STORE_URL);
  const app = await createSelfprov({ store: url });
  if (E.isLeft(app)) {
    console.error(
      `selfprov: cannot open the store: ${app.left.code}: ${app.left.message}${app.left.field ? ` (field ${app.left.field})` : ''}`,
    );
    return undefined;
  }
  return app.right;
};
