import { defineEventStoreContract } from '@selfprov/core/testkit';
import { createSqliteEventStore, type SqliteEventStore } from './index.js';
import { removeDatabase, tempDir } from './test/files.js';

// The shared adapter contract, against real database FILES (WAL mode), one fresh file per test.
const tmp = tempDir('contract');
let n = 0;

const contract = defineEventStoreContract('sqlite (file)', {
  create: async () => {
    n += 1;
    return createSqliteEventStore({ path: tmp.file(`nested/dir/contract-${n}.db`) });
  },
  dispose: async (store) => removeDatabase((store as SqliteEventStore).path),
  // The backend fails underneath the open store: its connection is closed behind its back.
  breakStore: async (store) => {
    (store as SqliteEventStore).database.close();
  },
});
contract.after(() => tmp.remove());
contract.run();
