import { runStoreContract } from '../../server/test/store-contract/index.js';
import { openMongoStore, type MongoStore } from '../src/index.js';
import { describeWithMongo, freshDatabaseName, useMongo } from './support.js';

/*
 * The Store contract, against a real MongoDB replica set: runs when QUICKCHAT_TEST_MONGODB_URI is
 * set (`npm run test:mongo`), and is reported as skipped, with the reason, when it is not. There is
 * no stand-in: no in-memory server, no mocked driver.
 */

describeWithMongo('the Store contract on MongoDB', () => {
  const mongo = useMongo();
  runStoreContract('MongoDB', async () => {
    const dbName = freshDatabaseName();
    let store: MongoStore = await openMongoStore({ uri: mongo.uri, dbName });
    return {
      store,
      reopen: async () => {
        await store.close();
        store = await openMongoStore({ uri: mongo.uri, dbName });
        return store;
      },
      cleanup: async () => {
        await store.close();
        await mongo.admin.useDb(dbName).dropDatabase();
      },
    };
  });
});
