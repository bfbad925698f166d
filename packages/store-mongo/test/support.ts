import mongoose, { type Connection } from 'mongoose';
import { afterAll, beforeAll, describe } from 'vitest';

/** A replica-set URI to test against, e.g. `mongodb://127.0.0.1:27017/?replicaSet=rs0`; unset: the server tests are skipped. */
export const MONGODB_URI: string | undefined = process.env['QUICKCHAT_TEST_MONGODB_URI'] || undefined;

/** Why the tests that need a server are skipped (printed once per file, and in the skipped suite's name). */
export const SKIP_REASON =
  'QUICKCHAT_TEST_MONGODB_URI is not set: the tests that need a MongoDB (the Store contract, injection, races) are skipped; run `npm run test:mongo` with a replica-set URI';

let counter = 0;

/** A database name no other test (or test run) uses; each test drops its own after. */
export function freshDatabaseName(): string {
  counter += 1;
  return `qc_test_${process.pid}_${Date.now().toString(36)}_${counter}`;
}

if (MONGODB_URI === undefined) console.warn(`[skipped] ${SKIP_REASON}`);

/**
 * A suite that needs a MongoDB server: it runs when QUICKCHAT_TEST_MONGODB_URI is set, and is
 * reported as skipped otherwise (the reason is printed once per file, above). Never a stand-in.
 */
export const describeWithMongo: ReturnType<typeof describe.skipIf> = describe.skipIf(MONGODB_URI === undefined);

/**
 * Inside a {@link describeWithMongo} suite: the server's URI, and an admin connection, opened
 * before the suite's tests and closed after them, to inspect and drop each test's database.
 */
export function useMongo(): { readonly uri: string; readonly admin: Connection } {
  const uri = MONGODB_URI ?? '';
  let admin: Connection | null = null;
  beforeAll(async () => {
    admin = await mongoose.createConnection(uri).asPromise();
  });
  afterAll(async () => {
    await admin?.close();
  });
  return {
    uri,
    get admin(): Connection {
      if (!admin) throw new Error('the admin connection is open only while the suite runs');
      return admin;
    },
  };
}
