/**
 * `@quickchat/store-mongo`: the quickchat `Store` on MongoDB through mongoose, for several server
 * nodes sharing one replica set. See README.md.
 *
 * ```ts
 * import { createServer } from '@quickchat/server';
 * import { openMongoStore } from '@quickchat/store-mongo';
 * const server = createServer({ store: await openMongoStore({ uri: 'mongodb://db1,db2,db3/quickchat?replicaSet=rs0' }) });
 * ```
 */
export { openMongoStore, type MongoStore, type MongoStoreOptions } from './mongo-store.js';
/** The write concern of every write and transaction commit: `{ w: 'majority', journal: true }`. */
export { WRITE_CONCERN } from './connection.js';
/** What a Store method throws for an input of the wrong type (an operator object where a string belongs). */
export { StoreInputError } from './filters.js';
