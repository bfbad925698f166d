import { mkdtempSync, rmSync, utimesSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { dmConversationId } from '@quickchat/protocol';
import { resolveConfig } from '../src/config.js';
import { createLogger } from '../src/log.js';
import { LocalBus } from '../src/bus/local.js';
import { openSqliteStore, type SqliteStore } from '../src/store/sqlite/sqlite-store.js';
import { FileBlobStore } from '../src/blobs/file-blob-store.js';
import { ConversationAccess } from '../src/services/access/access.js';
import { AttachmentService } from '../src/services/attachments/attachment-service.js';
import { FileLinks } from '../src/services/attachments/file-links.js';
import { ORPHAN_GRACE_MS, UploadSweeper } from '../src/services/attachments/sweeper.js';
import { prepareAttachmentClaims } from '../src/store/sqlite/attachment-claims.js';
import { withRawDb } from './support/sqlite-file.js';
import { filesOnDisk, pngImage } from './support/uploads.js';

const HOUR = 3600_000;
const TTL = 24 * HOUR;
const A = 'u_alice';
const B = 'u_bob';
const AB = dmConversationId(A, B);

/**
 * The sweeper against a real SQLite file and real files, driven directly with an injected clock:
 * "a day later" is a number, not a wait.
 */
describe('attachments: the upload sweeper', () => {
  let dataDir: string;
  let store: SqliteStore;
  let bus: LocalBus;
  let clock: number;
  let service: AttachmentService;
  let sweeper: UploadSweeper;

  beforeEach(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'quickchat-sweeper-'));
    store = openSqliteStore({ file: join(dataDir, 'quickchat.db') });
    bus = new LocalBus();
    clock = Date.now();
    const now = () => clock;
    const config = resolveConfig({ dataDir, dmPolicy: 'anyone', limits: { uploadTtlMs: TTL } });
    const log = createLogger('silent');
    const ctx = { nodeId: 'n_test', store, bus, config, log, now };
    const blobs = new FileBlobStore(join(dataDir, 'files'));
    service = new AttachmentService(ctx, new ConversationAccess(ctx), blobs, new FileLinks('test-secret', now));
    sweeper = new UploadSweeper({ store, blobs, log, now }, TTL);
    for (const id of [A, B]) await store.createUser({ id, handle: id.slice(2), displayName: id, passwordHash: 'x', createdAt: 0 });
  });
  afterEach(async () => {
    await sweeper.stop();
    await store.close();
    await bus.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const uploadPng = async (name: string) => (await service.upload(A, AB, name, Readable.from([await pngImage(32, 32)]), undefined)).attachment.id;
  const rowIds = () => withRawDb(join(dataDir, 'quickchat.db'), (db) => db.prepare('SELECT id FROM attachments ORDER BY id').pluck().all());

  it('deletes uploads never sent within the TTL, with their files, and keeps sent and younger ones', async () => {
    const stale = await uploadPng('stale.png');
    const sent = await uploadPng('sent.png');
    clock += TTL - HOUR;
    const young = await uploadPng('young.png');
    // A message claims `sent` (as the appender does, in its transaction).
    await store.createConversation({ id: AB, kind: 'dm', members: [A, B], createdAt: clock });
    const claimed = withRawDb(join(dataDir, 'quickchat.db'), (db) => prepareAttachmentClaims(db, { now: () => clock }).claim(AB, A, 1, [sent]));
    expect(claimed).toHaveLength(1);
    expect(filesOnDisk(dataDir)).toHaveLength(6);

    expect(await sweeper.sweep()).toEqual({ expired: 0, orphans: 0 });
    clock += 2 * HOUR; // stale is 25 h old, young 2 h
    expect(await sweeper.sweep()).toEqual({ expired: 1, orphans: 0 });
    expect(rowIds()).toEqual([sent, young].sort());
    expect(filesOnDisk(dataDir)).toHaveLength(4);
    expect(await store.getAttachment(stale)).toBeNull();

    clock += TTL;
    expect(await sweeper.sweep()).toEqual({ expired: 1, orphans: 0 });
    expect(rowIds()).toEqual([sent]);
    expect(filesOnDisk(dataDir)).toHaveLength(2);
  });

  it('deletes orphaned files (no row names them) once they are older than the grace period, and interrupted writes', async () => {
    await uploadPng('kept.png');
    const files = join(dataDir, 'files');
    const orphanKey = 'Zz'.padEnd(32, 'q');
    mkdirSync(join(files, 'Zz'), { recursive: true });
    writeFileSync(join(files, 'Zz', orphanKey), 'left behind by a crash');
    writeFileSync(join(files, '.incoming', 'interrupted.part'), 'half a file');
    const strangerName = join(files, 'Zz', 'not-a-blob-key.txt');
    writeFileSync(strangerName, 'not ours: never touched');
    const before = filesOnDisk(dataDir);
    expect(before).toHaveLength(5);

    expect(await sweeper.sweep()).toEqual({ expired: 0, orphans: 0 });
    expect(filesOnDisk(dataDir)).toEqual(before);

    // The files' clocks are the file system's: age them past the grace period.
    const old = (clock - ORPHAN_GRACE_MS - 60_000) / 1000;
    for (const name of [join(files, 'Zz', orphanKey), join(files, '.incoming', 'interrupted.part')]) utimesSync(name, old, old);
    expect(await sweeper.sweep()).toEqual({ expired: 0, orphans: 1 });
    expect(filesOnDisk(dataDir)).toEqual(before.filter((f) => !f.endsWith(orphanKey) && !f.endsWith('.part')));
  });

  it('sweeps on its own timer between start and stop: expired uploads every tick, orphans on the first tick and then every 6 hours', async () => {
    const stale = await uploadPng('stale.png');
    clock += TTL + 1;
    const files = join(dataDir, 'files');
    const orphan = join(files, 'Zz', 'Zz'.padEnd(32, 'q'));
    const tick = async () => {
      sweeper.start();
      vi.advanceTimersByTime(15 * 60_000);
      await sweeper.stop(); // waits for the pass the timer started
    };
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    try {
      sweeper.start();
      sweeper.start();
      vi.advanceTimersByTime(15 * 60_000 - 1);
      await sweeper.stop();
      expect(await store.getAttachment(stale)).not.toBeNull();

      await tick();
      expect(await store.getAttachment(stale)).toBeNull();
      expect(filesOnDisk(dataDir)).toEqual([]);

      mkdirSync(join(files, 'Zz'), { recursive: true });
      writeFileSync(orphan, 'left behind');
      const old = (clock - ORPHAN_GRACE_MS - 60_000) / 1000;
      utimesSync(orphan, old, old);
      clock += 15 * 60_000;
      await tick();
      expect(filesOnDisk(dataDir)).toHaveLength(1);
      clock += 6 * HOUR;
      await tick();
      expect(filesOnDisk(dataDir)).toEqual([]);

      vi.advanceTimersByTime(60 * 60_000);
      expect(vi.getTimerCount()).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });
});
