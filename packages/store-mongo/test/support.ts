/** A replica-set URI to test against, e.g. `mongodb://127.0.0.1:27017/?replicaSet=rs0`; unset: the server tests are skipped. */
export const MONGODB_URI: string | undefined = process.env['QUICKCHAT_TEST_MONGODB_URI'] || undefined;

/** Why the tests that need a server are skipped (printed once per file, and in the skipped suite's name). */
export const SKIP_REASON =
  'QUICKCHAT_TEST_MONGODB_URI is not set: the MongoDB Store contract is skipped; run `npm run test:mongo` with a replica-set URI';

let counter = 0;

/** A database name no other test (or test run) uses; each test drops its own after. */
export function freshDatabaseName(): string {
  counter += 1;
  return `qc_test_${process.pid}_${Date.now().toString(36)}_${counter}`;
}
