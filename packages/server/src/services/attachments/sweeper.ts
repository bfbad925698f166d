import type { Logger } from 'pino';
import type { BlobStore } from '../../blobs/types.js';
import type { AttachmentStore } from '../../store/attachments.js';

/** Rows deleted, and blob keys checked against the rows, per step. */
const BATCH = 500;
/**
 * Blobs younger than this are never taken for orphans: an upload writes its blob before its
 * row, and a message delete removes rows before their blobs.
 */
export const ORPHAN_GRACE_MS = 60 * 60_000;
/** Longest pause between sweeps. */
const MAX_INTERVAL_MS = 15 * 60_000;

/** What one sweep deleted. */
export interface SweepResult {
  /** Unsent uploads past their expiry (rows and blobs). */
  expired: number;
  /** Blobs no row names, older than {@link ORPHAN_GRACE_MS}. */
  orphans: number;
}

/** What the sweeper works on. */
export interface SweeperDeps {
  store: AttachmentStore;
  blobs: BlobStore;
  log: Logger;
  /** Clock; injectable so tests can sweep "a day later" without waiting. */
  now: () => number;
}

/**
 * Deletes what no message will ever carry: uploads never sent within their TTL
 * (`limits.uploadTtlMs`), blobs no row names (left by a crash, or by a failed delete), and
 * writes a crash interrupted. Runs every quarter of the TTL (at most every 15 minutes) on an
 * unref'd timer between `start` and `stop`; {@link sweep} runs one pass now.
 */
export class UploadSweeper {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<SweepResult> | null = null;

  constructor(
    private readonly deps: SweeperDeps,
    private readonly uploadTtlMs: number,
  ) {}

  /** Starts sweeping periodically. Idempotent. */
  start(): void {
    if (this.timer) return;
    const interval = Math.max(1000, Math.min(MAX_INTERVAL_MS, Math.floor(this.uploadTtlMs / 4)));
    this.timer = setInterval(() => {
      this.sweep().catch((err: unknown) => this.deps.log.error({ err }, 'upload sweep failed'));
    }, interval);
    this.timer.unref();
  }

  /** Stops the timer and waits for a sweep in progress. Idempotent. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running?.catch(() => undefined);
  }

  /** One pass; a call while a pass runs joins it. */
  sweep(): Promise<SweepResult> {
    this.running ??= this.pass().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async pass(): Promise<SweepResult> {
    const { store, blobs, log } = this.deps;
    const now = this.deps.now();
    let expired = 0;
    for (;;) {
      const { deleted, blobKeys } = await store.deleteExpiredUploads(now, BATCH);
      await blobs.delete(blobKeys);
      expired += deleted;
      if (deleted < BATCH) break;
    }
    const settled = now - ORPHAN_GRACE_MS;
    let orphans = 0;
    let candidates: string[] = [];
    const check = async () => {
      const referenced = await store.referencedBlobKeys(candidates);
      const unreferenced = candidates.filter((key) => !referenced.has(key));
      await blobs.delete(unreferenced);
      orphans += unreferenced.length;
      candidates = [];
    };
    for await (const blob of blobs.list()) {
      if (blob.modifiedAt >= settled) continue;
      candidates.push(blob.key);
      if (candidates.length >= BATCH) await check();
    }
    if (candidates.length > 0) await check();
    await blobs.discardIncomplete(settled);
    if (expired > 0 || orphans > 0) log.info({ expired, orphans }, 'swept unsent uploads and orphaned files');
    return { expired, orphans };
  }
}
