import type Database from 'better-sqlite3';
import { BUSY_TIMEOUT_MS, retryWhileBusy } from './busy.js';

/** The first pause before trying the write lock again, in ms; each next pause doubles, up to {@link MAX_PAUSE_MS}. */
const FIRST_PAUSE_MS = 0.05;
const MAX_PAUSE_MS = 1;

/**
 * How the message appender waits for the write lock when other processes write the same file
 * (shared-writer mode). SQLite's own busy handler, which every other write uses, sleeps 1, 2, 5,
 * 10, … up to 100 ms between attempts; against a process that writes back to back it keeps
 * losing, and a measured append then waited up to 0.5 s. On the message path the appender
 * instead tries without waiting and, while the lock is taken, tries again after 50 µs, doubling
 * to at most 1 ms, for up to {@link BUSY_TIMEOUT_MS} in all, then fails with `SQLITE_BUSY` as
 * SQLite would. With a single writer it does nothing at all.
 */
export class WriteLock {
  private readonly noWait: Database.Statement | null;
  private readonly wait: Database.Statement | null;

  constructor(db: Database.Database, shared: boolean) {
    this.noWait = shared ? db.prepare(`PRAGMA busy_timeout = 0`) : null;
    this.wait = shared ? db.prepare(`PRAGMA busy_timeout = ${BUSY_TIMEOUT_MS}`) : null;
  }

  /**
   * Runs `attempt`, which begins an IMMEDIATE transaction; in shared-writer mode runs it again
   * while it fails because the file is locked, so it must start afresh each time (a failed
   * attempt rolled back everything it wrote).
   */
  run<T>(attempt: () => T): T {
    if (this.noWait === null) return attempt();
    this.noWait.get();
    try {
      return retryWhileBusy(attempt, FIRST_PAUSE_MS, MAX_PAUSE_MS);
    } finally {
      this.wait!.get();
    }
  }
}
