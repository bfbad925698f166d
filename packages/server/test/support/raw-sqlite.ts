import Database from 'better-sqlite3';

/**
 * Runs `use` on a separate connection to a SQLite file and closes it, so a test can look at (or
 * prepare) the file without reaching into a store's internals.
 */
export function withRawDb<T>(file: string, use: (db: Database.Database) => T): T {
  const db = new Database(file);
  try {
    return use(db);
  } finally {
    db.close();
  }
}

/** One pragma's value, read on a separate connection. */
export function rawPragma(file: string, name: string): unknown {
  return withRawDb(file, (db) => db.pragma(name, { simple: true }));
}
