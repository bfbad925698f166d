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
export { WRITE_CONCERN, TRANSACTION_OPTIONS, connectionOptions, harden } from './connection.js';
export { filters, StoreInputError } from './filters.js';
