import mongoose, { type ClientSession, type ConnectOptions, type Connection, type mongo } from 'mongoose';
import { COUNTER_COLLECTIONS, createModels, type Models } from './schemas.js';

/**
 * Durability: a write is acknowledged once a majority of the replica set has it in its journal,
 * so an ack (and the `ack` frame a client gets for a message) still means stored, as with the
 * SQLite store's synchronous commit.
 */
export const WRITE_CONCERN = { w: 'majority', journal: true } as const;

/**
 * Every transaction: snapshot reads (a transaction sees one point in time, and a write to a
 * document another transaction changed after that point is a write conflict, retried by the
 * driver), majority-journaled commit, primary only.
 */
export const TRANSACTION_OPTIONS: mongo.TransactionOptions = {
  readConcern: { level: 'snapshot' },
  writeConcern: WRITE_CONCERN,
  readPreference: 'primary',
};

/** What {@link openConnection} needs. */
export interface ConnectionSettings {
  uri: string;
  dbName?: string;
  /** Further driver options (TLS, auth, pool size, timeouts); the options the store depends on always win. */
  connectOptions?: ConnectOptions;
}

/**
 * The options the store opens its connection with: the caller's, then those it depends on (which
 * the caller cannot turn off): majority-journaled writes, majority reads outside transactions,
 * primary reads, `sanitizeFilter`, and no index building or buffering behind its back.
 */
export function connectionOptions(settings: Omit<ConnectionSettings, 'uri'>): ConnectOptions {
  return {
    ...settings.connectOptions,
    ...(settings.dbName !== undefined ? { dbName: settings.dbName } : {}),
    writeConcern: WRITE_CONCERN,
    readConcern: { level: 'majority' },
    readPreference: 'primary',
    retryWrites: true,
    sanitizeFilter: true,
    autoIndex: false,
    autoCreate: false,
    bufferCommands: false,
  };
}

/**
 * Turns the connection-level safety options on (also for a connection made elsewhere):
 * `sanitizeFilter` in the connection's config, which every query on its models reads first.
 */
export function harden(conn: Connection): Connection {
  conn.set('sanitizeFilter', true);
  return conn;
}

/** Runs `work` in ONE multi-document transaction and resolves its result once committed. */
export type Transact = <T>(work: (session: ClientSession) => Promise<T>) => Promise<T>;

/** How often a transaction is retried when two first upserts of one counter document raced. */
const COUNTER_RACE_ATTEMPTS = 5;

/**
 * Transactions on `conn`. The driver retries a transaction that hit a write conflict
 * (`TransientTransactionError`) or an unknown commit result by itself; on top of that, the
 * first upsert of a counter or lock document (a user's event-log head, an owner's quota lock)
 * can fail with a duplicate key when another transaction created the same document in between:
 * the whole transaction is then run again, and finds the document.
 */
export function transactions(conn: Connection): Transact {
  return async <T>(work: (session: ClientSession) => Promise<T>): Promise<T> => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await conn.transaction(work, TRANSACTION_OPTIONS);
      } catch (err) {
        if (attempt < COUNTER_RACE_ATTEMPTS && isCounterRace(err)) continue;
        throw err;
      }
    }
  };
}

/**
 * A MongoDB duplicate-key error (a unique index hit), from a single write or a bulk one (whose
 * message and code are its first write error's). Its message names the collection and the index.
 */
export function isDuplicateKey(err: unknown): err is Error & { code: 11000 } {
  return err instanceof Error && ((err as { code?: unknown }).code === 11000 || err.message.startsWith('E11000 '));
}

function isCounterRace(err: unknown): boolean {
  return isDuplicateKey(err) && COUNTER_COLLECTIONS.some((name) => err.message.includes(`.${name} `));
}

/** An open connection with its models, transactions, and what it found at open. */
export interface OpenedConnection {
  conn: Connection;
  models: Models;
  transact: Transact;
}

/** The counter holding the last conversation `num` handed out. */
export const CONVERSATION_NUM = 'conversation_num';

/**
 * Connects, refuses anything but a replica set (or a sharded cluster's mongos), creates the
 * collections and indexes (idempotent), and seeds the counters.
 */
export async function openConnection(settings: ConnectionSettings): Promise<OpenedConnection> {
  const conn = harden(mongoose.createConnection(settings.uri, connectionOptions(settings)));
  try {
    await conn.asPromise();
    await requireTransactions(conn);
    const models = createModels(conn);
    for (const model of Object.values(models)) {
      await model.createCollection();
      await model.createIndexes();
    }
    try {
      await models.counters.updateOne({ _id: CONVERSATION_NUM }, { $setOnInsert: { n: 0 } }, { upsert: true });
    } catch (err) {
      if (!isDuplicateKey(err)) throw err; // another node seeded it at the same moment
    }
    return { conn, models, transact: transactions(conn) };
  } catch (err) {
    await conn.close().catch(() => undefined);
    throw err;
  }
}

/**
 * Multi-document transactions exist only on a replica set or a sharded cluster; a standalone
 * server has none, and every append, group change and relation change needs one. Refused at open
 * with a message that says what to do, instead of failing at the first write.
 */
async function requireTransactions(conn: Connection): Promise<void> {
  const hello = await conn.getClient().db('admin').command({ hello: 1 });
  const setName: unknown = hello['setName'];
  const msg: unknown = hello['msg'];
  if (typeof setName === 'string' || msg === 'isdbgrid') return;
  throw new Error(
    'MongoDB must be a replica set (a single-node replica set is fine, e.g. `mongod --replSet rs0` then `rs.initiate()`): ' +
      'transactions are needed for appending messages, group and relation changes, and token rotation. ' +
      'This server is a standalone.',
  );
}
