import mongoose from 'mongoose';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { runStoreContract } from '../../server/test/store-contract/index.js';
import { openMongoStore, type MongoStore } from '../src/index.js';
import { freshDatabaseName, MONGODB_URI, SKIP_REASON } from './support.js';

/*
 * The Store contract, against a real MongoDB replica set: runs when QUICKCHAT_TEST_MONGODB_URI is
 * set (`npm run test:mongo`), and is reported as skipped, with the reason, when it is not. There is
 * no stand-in: no in-memory server, no mocked driver.
 */

if (MONGODB_URI === undefined) {
  console.warn(SKIP_REASON);
  describe.skip(`Store contract: MongoDB (skipped: ${SKIP_REASON})`, () => {
    it('needs a MongoDB replica set', () => undefined);
  });
} else {
  const uri = MONGODB_URI;
  /** Drops each test's database once its store is closed. */
  const admin = mongoose.createConnection(uri);
  beforeAll(async () => {
    await admin.asPromise();
  });
  afterAll(async () => {
    await admin.close();
  });

  runStoreContract('MongoDB', async () => {
    const dbName = freshDatabaseName();
    let store: MongoStore = await openMongoStore({ uri, dbName });
    return {
      store,
      reopen: async () => {
        await store.close();
        store = await openMongoStore({ uri, dbName });
        return store;
      },
      cleanup: async () => {
        await store.close();
        await admin.useDb(dbName).dropDatabase();
      },
    };
  });
}
