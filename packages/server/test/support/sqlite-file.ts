import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach } from 'vitest';
import { openSqliteStore, type SqliteStore, type SqliteStoreOptions } from '../../src/store/sqlite/sqlite-store.js';

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

/** A fresh SQLite file for each test of a suite; see {@link useSqliteFile}. */
export interface SqliteFile {
  /** This test's database path (in a temp dir removed after the test). */
  readonly path: string;
  /** Opens a store on the file (`':memory:'` with `memory`); every store opened here is closed after the test. */
  open(options?: Omit<SqliteStoreOptions, 'file'> & { memory?: boolean }): SqliteStore;
  /** {@link withRawDb} on this test's file. */
  raw<T>(use: (db: Database.Database) => T): T;
  /** {@link rawPragma} on this test's file. */
  pragma(name: string): unknown;
}

/** Registers per-test setup and cleanup for a suite that works on a real SQLite file. */
export function useSqliteFile(prefix: string): SqliteFile {
  let dir = '';
  let path = '';
  const opened: SqliteStore[] = [];
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), prefix));
    path = join(dir, 'store.db');
  });
  afterEach(async () => {
    for (const store of opened.splice(0)) await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return {
    get path() {
      return path;
    },
    open({ memory, ...options } = {}) {
      const store = openSqliteStore({ ...options, file: memory ? ':memory:' : path });
      opened.push(store);
      return store;
    },
    raw: (use) => withRawDb(path, use),
    pragma: (name) => rawPragma(path, name),
  };
}
