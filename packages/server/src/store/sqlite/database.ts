import Database from 'better-sqlite3';
import { migrate } from './migrations.js';
import { Checkpointer } from './checkpointer.js';
import { BUSY_TIMEOUT_MS, retryWhileBusy } from './busy.js';

/** How to open a `SqliteStore`. */
export interface SqliteStoreOptions {
  /** Database file path, or `':memory:'` for a throwaway store. */
  file: string;
  /**
   * `NORMAL` (default): in WAL mode a committed transaction survives a process crash or
   * SIGKILL, but the last commits may be lost on power loss or an OS crash.
   * `FULL`: fsync on every commit, so commits also survive power loss, at a write-latency cost.
   */
  synchronous?: 'NORMAL' | 'FULL';
  /**
   * Pause between the background WAL checkpoints run by a worker thread (default 100 ms).
   * 0 turns the worker off and leaves checkpoints to SQLite (inside commits, on the event loop).
   */
  checkpointIntervalMs?: number;
  /**
   * Shared-writer mode: several processes on one host (e.g. server nodes behind a local balancer
   * with a Redis bus) may open and write this same file at once. The store then keeps no
   * in-process cache that assumes it is the only writer: each append reads its conversation's
   * newest row inside its write transaction instead of remembering it, a search first indexes
   * what other processes committed, and `listOpenCalls().lastWriteAt` is null (the file's
   * modification time tells nothing about one process when others write too). Every write
   * transaction begins IMMEDIATE, so two writers never deadlock on a lock upgrade, and a writer
   * that finds the file locked waits up to {@link BUSY_TIMEOUT_MS} for the other one. The cost is
   * one primary-key read per conversation per batch (see docs/server.md). All processes must run
   * the same server version, and each must be started with this mode. Default false: one writer
   * (the fastest).
   */
  sharedWriter?: boolean;
}


/** SQLite's own automatic checkpoint threshold, in WAL pages (its default). */
const DEFAULT_AUTOCHECKPOINT_PAGES = 1000;
/**
 * With the background checkpointer, the main connection still checkpoints itself once the WAL
 * holds this many pages (about 40 MB). Under steady writes the background checkpoints never
 * fully catch up (commits keep landing while they sync), and only a fully checkpointed WAL is
 * rewound, so this is what bounds the WAL. The worker has by then copied and synced nearly all
 * of it, so this rare checkpoint has little left to do.
 */
const BACKSTOP_AUTOCHECKPOINT_PAGES = 10_000;
/** A rewound WAL file is truncated back to this size. */
const WAL_SIZE_LIMIT_BYTES = 64 * 1024 * 1024;

/**
 * The store's one connection: opened in WAL mode with its pragmas, migrated, and with WAL
 * checkpoints moved to a worker thread when the database is a file.
 */
export class SqliteDatabase {
  /** The connection every part of the store prepares its statements on. */
  readonly db: Database.Database;
  private checkpointer: Checkpointer | null = null;

  constructor(options: SqliteStoreOptions) {
    const db = new Database(options.file, { timeout: BUSY_TIMEOUT_MS });
    this.db = db;
    try {
      // First: switching a new file to WAL, and migrating, may have to wait for another process.
      db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
      // Two processes opening a new file at once both hold a read lock and both want the exclusive
      // one to switch it to WAL: SQLite refuses one of them at once (waiting could deadlock), so
      // that one tries again; once the file is in WAL mode this is a no-op.
      retryWhileBusy(() => db.pragma('journal_mode = WAL'), 1, 20);
      db.pragma(`synchronous = ${options.synchronous === 'FULL' ? 'FULL' : 'NORMAL'}`);
      db.pragma('foreign_keys = ON');
      // Freed pages are zeroed: a deleted message's text must not linger in the file.
      db.pragma('secure_delete = ON');
      migrate(db);
    } catch (err) {
      db.close();
      throw err;
    }
    const interval = options.checkpointIntervalMs ?? 100;
    if (options.file !== ':memory:' && !options.file.startsWith('file:') && interval > 0) this.startCheckpointer(options, interval);
  }

  /**
   * Moves WAL checkpoints to a worker thread, so that their fsyncs happen beside the event loop
   * instead of inside a commit on it. Durability is unchanged: commits are exactly as synced as
   * before, and a checkpoint syncs the WAL before copying it and the database file after.
   */
  private startCheckpointer(options: SqliteStoreOptions, intervalMs: number): void {
    const fallBack = () => {
      this.checkpointer = null;
      if (this.db.open) this.db.pragma(`wal_autocheckpoint = ${DEFAULT_AUTOCHECKPOINT_PAGES}`);
    };
    this.db.pragma(`journal_size_limit = ${WAL_SIZE_LIMIT_BYTES}`);
    this.db.pragma(`wal_autocheckpoint = ${BACKSTOP_AUTOCHECKPOINT_PAGES}`);
    try {
      this.checkpointer = new Checkpointer({
        file: options.file,
        synchronous: options.synchronous === 'FULL' ? 'FULL' : 'NORMAL',
        intervalMs,
        onFailure: fallBack,
      });
    } catch {
      fallBack();
    }
  }

  /** Stops the checkpointer, checkpoints, and closes the connection. Idempotent. */
  async close(): Promise<void> {
    const checkpointer = this.checkpointer;
    this.checkpointer = null;
    if (checkpointer) await checkpointer.stop();
    if (!this.db.open) return;
    // Closing the last connection also checkpoints; this one covers a reader still attached.
    this.db.pragma('wal_checkpoint(PASSIVE)');
    this.db.close();
  }
}
