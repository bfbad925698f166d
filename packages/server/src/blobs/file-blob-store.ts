import { mkdir, open, opendir, rename, rm, stat } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { BlobTooLargeError, type BlobStore, type ByteRange, type ListedBlob, type StoredBlob } from './types.js';

/** 24 random bytes, base64url: the whole key, and the only thing that names a file on disk. */
const KEY = /^[A-Za-z0-9_-]{32}$/;
/** Files fan out into directories named by their key's first two characters (at most 4096). */
const FAN_OUT = /^[A-Za-z0-9_-]{2}$/;
/** Writes in progress live here until they are complete; the name cannot collide with a fan-out directory. */
const INCOMING = '.incoming';

const isMissing = (err: unknown): boolean => (err as NodeJS.ErrnoException).code === 'ENOENT';

/**
 * The default {@link BlobStore}: one file per blob under `root` (the server uses
 * `<dataDir>/files`), named by a random key the store generates. A blob is written to
 * `.incoming/` and fsynced, then renamed into place and its directory fsynced, so a file under
 * its key is always complete, and survives power loss once `put` resolves. Files and
 * directories are private to the server's user (0600 / 0700).
 */
export class FileBlobStore implements BlobStore {
  private readonly incoming: string;

  constructor(private readonly root: string) {
    this.incoming = join(root, INCOMING);
  }

  async put(source: AsyncIterable<Uint8Array> | Readable, { maxBytes }: { maxBytes: number }): Promise<StoredBlob> {
    const key = randomBytes(24).toString('base64url');
    const partial = join(this.incoming, `${key}.part`);
    await mkdir(this.incoming, { recursive: true, mode: 0o700 });
    let size = 0;
    const cap = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        size += chunk.length;
        if (size > maxBytes) done(new BlobTooLargeError(maxBytes));
        else done(null, chunk);
      },
    });
    // Created before anything can fail, so the cleanup below always finds (and removes) it.
    const file = await open(partial, 'wx', 0o600);
    try {
      await pipeline(source, cap, file.createWriteStream({ flush: true }));
      const dir = join(this.root, key.slice(0, 2));
      await mkdir(dir, { recursive: true, mode: 0o700 });
      await rename(partial, join(dir, key));
      await syncDirectory(dir);
    } catch (err) {
      await rm(partial, { force: true });
      throw err;
    }
    return { key, size };
  }

  async open(key: string, range?: ByteRange): Promise<Readable | null> {
    if (!KEY.test(key)) return null;
    try {
      const handle = await open(this.pathOf(key), 'r');
      return handle.createReadStream(range ? { start: range.start, end: range.end } : {});
    } catch (err) {
      if (isMissing(err)) return null;
      throw err;
    }
  }

  async stat(key: string): Promise<{ size: number } | null> {
    if (!KEY.test(key)) return null;
    try {
      return { size: (await stat(this.pathOf(key))).size };
    } catch (err) {
      if (isMissing(err)) return null;
      throw err;
    }
  }

  async delete(keys: readonly string[]): Promise<void> {
    await Promise.all(keys.filter((key) => KEY.test(key)).map((key) => rm(this.pathOf(key), { force: true })));
  }

  async *list(): AsyncIterable<ListedBlob> {
    for await (const group of entriesOf(this.root)) {
      if (!group.isDirectory() || !FAN_OUT.test(group.name)) continue;
      for await (const file of entriesOf(join(this.root, group.name))) {
        if (!file.isFile() || !KEY.test(file.name) || !file.name.startsWith(group.name)) continue;
        const info = await stat(join(this.root, group.name, file.name)).catch((err: unknown) => (isMissing(err) ? null : Promise.reject(err)));
        if (info) yield { key: file.name, modifiedAt: info.mtimeMs };
      }
    }
  }

  async discardIncomplete(before: number): Promise<void> {
    for await (const entry of entriesOf(this.incoming)) {
      const path = join(this.incoming, entry.name);
      const info = await stat(path).catch((err: unknown) => (isMissing(err) ? null : Promise.reject(err)));
      if (info && info.mtimeMs < before) await rm(path, { force: true });
    }
  }

  private pathOf(key: string): string {
    return join(this.root, key.slice(0, 2), key);
  }
}

/** The entries of a directory, streamed; none when it does not exist (yet). */
async function* entriesOf(dir: string) {
  let handle;
  try {
    handle = await opendir(dir);
  } catch (err) {
    if (isMissing(err)) return;
    throw err;
  }
  yield* handle;
}

/** Makes a rename into `dir` durable. */
async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
