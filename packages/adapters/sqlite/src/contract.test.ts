import { defineEventStoreContract } from '@selfprov/core/testkit';
import { createSqliteEventStore, type SqliteEventStore } from './index.js';
import { removeDatabase, tempDir } from './testing/files.js';

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
  // Per operation, and for each awaited delivery: only turns a hang into a failure (a loaded machine
  // shares its cores with other suites).
  timeoutMs: 30_000,
});
contract.after(() => tmp.remove());
contract.run();
