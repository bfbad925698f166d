import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** How to run a {@link Checkpointer}. */
export interface CheckpointerOptions {
  /** The database file (already in WAL mode). */
  file: string;
  /** The main connection's `synchronous` setting; checkpoints sync exactly as it would. */
  synchronous: 'NORMAL' | 'FULL';
  /** Pause between PASSIVE checkpoints. */
  intervalMs: number;
  /** Called once if the worker fails; the store then falls back to SQLite's own checkpoints. */
  onFailure: (err: unknown) => void;
}

/**
 * The worker's code, as a CommonJS script so it runs the same from sources (tsx, vitest) and
 * from the build. It opens its own connection to the file and runs a PASSIVE checkpoint every
 * `intervalMs`. PASSIVE never waits for, nor blocks, the main connection's readers and writer;
 * it copies what it can, syncing the WAL and then the database file as `synchronous` requires.
 * With several writer processes on one file (shared-writer mode) each runs its own worker: SQLite
 * lets one checkpoint run at a time, and a PASSIVE one that finds another running returns at once
 * (the pragma reports it as busy instead of failing), so two checkpointers only take turns.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { fileMustExist: true });
db.pragma('synchronous = ' + workerData.synchronous);
let timer = null;
function tick() {
  timer = null;
  db.pragma('wal_checkpoint(PASSIVE)');
  timer = setTimeout(tick, workerData.intervalMs);
}
parentPort.on('message', (message) => {
  if (message !== 'stop') return;
  if (timer) clearTimeout(timer);
  db.close();
  parentPort.close();
});
timer = setTimeout(tick, workerData.intervalMs);
`;

/**
 * Runs WAL checkpoints on a worker thread, so their `fsync` calls never stall the event loop
 * inside a commit. See `SqliteStore` for how the WAL stays bounded meanwhile.
 */
export class Checkpointer {
  private readonly worker: Worker;
  private readonly exited: Promise<void>;
  private failed = false;

  constructor(options: CheckpointerOptions) {
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    this.worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { driver, file: options.file, synchronous: options.synchronous, intervalMs: options.intervalMs },
    });
    // Never keeps the process alive on its own.
    this.worker.unref();
    this.exited = new Promise((resolve) => this.worker.once('exit', () => resolve()));
    this.worker.once('error', (err) => {
      this.failed = true;
      options.onFailure(err);
    });
  }

  /** Stops after any checkpoint in progress and closes the worker's connection. */
  async stop(): Promise<void> {
    if (!this.failed) this.worker.postMessage('stop');
    const timeout = setTimeout(() => void this.worker.terminate(), 5000);
    try {
      await this.exited;
    } finally {
      clearTimeout(timeout);
    }
  }
}
