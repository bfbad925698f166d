import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openSqliteStore, type SqliteStore } from '../src/store/sqlite/sqlite-store.js';
import { runStoreContract } from './store-contract/index.js';

/**
 * The whole Store contract against a store in shared-writer mode, with a second shared-writer
 * store open on the same file beside it all along (as another node's would be): the mode changes
 * how the store reads, never what it answers.
 */
runStoreContract('sqlite, shared writer', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'quickchat-shared-contract-'));
  const file = path.join(dir, 'store.db');
  let store: SqliteStore = openSqliteStore({ file, sharedWriter: true });
  const neighbour = openSqliteStore({ file, sharedWriter: true, checkpointIntervalMs: 0 });
  return {
    store,
    reopen: async () => {
      await store.close();
      store = openSqliteStore({ file, sharedWriter: true });
      return store;
    },
    cleanup: async () => {
      await store.close();
      await neighbour.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
});
