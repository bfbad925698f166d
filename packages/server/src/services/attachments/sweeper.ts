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
/**
 * The timer looks for orphans (which means listing every blob) on its first sweep and then at
 * most this often: orphans only come from crashes and failed deletes.
 */
const ORPHAN_SCAN_INTERVAL_MS = 6 * 60 * 60_000;

/** What one sweep deleted. */
export interface SweepResult {
  /** Unsent uploads past their expiry (rows and blobs). */
  expired: number;
  /** Blobs no row names, older than {@link ORPHAN_GRACE_MS} (0 when the pass did not look for them). */
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
 * unref'd timer between `start` and `stop`, looking for orphans on the first pass and then every
 * 6 hours; {@link sweep} runs one full pass now.
 */
export class UploadSweeper {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<SweepResult> | null = null;
  private lastOrphanScan = -Infinity;

  constructor(
    private readonly deps: SweeperDeps,
    private readonly uploadTtlMs: number,
  ) {}

  /** Starts sweeping periodically. Idempotent. */
  start(): void {
    if (this.timer) return;
    const interval = Math.max(1000, Math.min(MAX_INTERVAL_MS, Math.floor(this.uploadTtlMs / 4)));
    this.timer = setInterval(() => {
      const orphans = this.deps.now() - this.lastOrphanScan >= ORPHAN_SCAN_INTERVAL_MS;
      this.sweep({ orphans }).catch((err: unknown) => this.deps.log.error({ err }, 'upload sweep failed'));
    }, interval);
    this.timer.unref();
  }

  /** Stops the timer and waits for a sweep in progress. Idempotent. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running?.catch(() => undefined);
  }

  /** One pass (expired uploads, and orphans unless `orphans` is false); a call while a pass runs joins it. */
  sweep({ orphans = true }: { orphans?: boolean } = {}): Promise<SweepResult> {
    this.running ??= this.pass(orphans).finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async pass(lookForOrphans: boolean): Promise<SweepResult> {
    const { store, blobs, log } = this.deps;
    const now = this.deps.now();
    let expired = 0;
    for (;;) {
      const { deleted, blobKeys } = await store.deleteExpiredUploads(now, BATCH);
      await blobs.delete(blobKeys);
      expired += deleted;
      if (deleted < BATCH) break;
    }
    const orphans = lookForOrphans ? await this.deleteOrphans(now) : 0;
    if (expired > 0 || orphans > 0) log.info({ expired, orphans }, 'swept unsent uploads and orphaned files');
    return { expired, orphans };
  }

  /** Deletes blobs older than the grace period that no row names, and abandoned partial writes; resolves how many blobs. */
  private async deleteOrphans(now: number): Promise<number> {
    const { store, blobs } = this.deps;
    this.lastOrphanScan = now;
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
    return orphans;
  }
}
