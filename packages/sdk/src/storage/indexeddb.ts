/**
 * `@quickchat/sdk/indexeddb`: a storage adapter on IndexedDB, an entry of its own so that apps
 * that don't use it (Node, or memory storage) don't load it.
 *
 * ```ts
 * import { createClient } from '@quickchat/sdk';
 * import { IndexedDBStorage } from '@quickchat/sdk/indexeddb';
 * const client = createClient({ url, auth, storage: new IndexedDBStorage() });
 * ```
 */
import type { StorageAdapter } from './types.js';

/** Options of {@link IndexedDBStorage}. */
export interface IndexedDBStorageOptions {
  /** Database name. Default `'quickchat'`. Give each app (or signed-in user) its own to keep data apart. */
  dbName?: string;
  /** Object store inside the database. Default `'kv'`. */
  storeName?: string;
}

/**
 * A {@link StorageAdapter} on IndexedDB, so the outbox and sync cursors survive a page reload.
 * Nothing touches `indexedDB` until the first `get`/`set`/`remove` (safe to import and construct
 * during SSR or in Node, where methods reject). The database opens once, lazily; if another tab
 * upgrades it, this connection closes and reopens on next use. Failures reject with an `Error`
 * whose message starts with `IndexedDBStorage:` and whose `cause` is the original error.
 */
export class IndexedDBStorage implements StorageAdapter {
  /**
   * True when this environment has IndexedDB (false in Node and during SSR). Never throws. Opening
   * can still be refused (opaque origins, some private modes): methods then reject.
   */
  static isAvailable(): boolean {
    try {
      return typeof indexedDB == 'object' && !!indexedDB;
    } catch {
      return false;
    }
  }

  private readonly name: string;
  private readonly store: string;
  private db: Promise<IDBDatabase> | undefined;

  /** Touches nothing: the database is opened by the first method call. */
  constructor(options: IndexedDBStorageOptions = {}) {
    this.name = options.dbName ?? 'quickchat';
    this.store = options.storeName ?? 'kv';
  }

  /** The stored value, or null when absent. */
  get(key: string): Promise<string | null> {
    return this.run('get', 'readonly', (s) => s.get(key)).then((v) => (typeof v == 'string' ? v : null));
  }

  /** Stores a value, replacing any previous one. Resolves when its transaction completes. */
  set(key: string, value: string): Promise<void> {
    return this.run('set', 'readwrite', (s) => s.put(value, key)).then(() => undefined);
  }

  /** Deletes a value. Missing keys are fine. Resolves when its transaction completes. */
  remove(key: string): Promise<void> {
    return this.run('remove', 'readwrite', (s) => s.delete(key)).then(() => undefined);
  }

  private fail(what: string, cause: unknown): Error {
    const why = (cause as { message?: string } | null)?.message ?? String(cause);
    return new Error(`IndexedDBStorage: ${what} failed (${this.name}/${this.store}): ${why}`, { cause });
  }

  private run(what: string, mode: IDBTransactionMode, op: (s: IDBObjectStore) => IDBRequest): Promise<unknown> {
    this.db ??= this.open().catch((e) => {
      this.db = undefined;
      throw e;
    });
    return this.db.then(
      (db) =>
        new Promise((resolve, reject) => {
          try {
            const tx = db.transaction(this.store, mode);
            const req = op(tx.objectStore(this.store));
            tx.oncomplete = () => resolve(req.result);
            tx.onabort = () => reject(this.fail(what, tx.error ?? req.error));
          } catch (e) {
            reject(this.fail(what, e));
          }
        }),
    );
  }

  private open(version?: number): Promise<IDBDatabase> {
    return new Promise((resolve, reject) => {
      const { store } = this;
      if (!IndexedDBStorage.isAvailable()) throw this.fail('open', 'IndexedDB is not available in this environment');
      let req: IDBOpenDBRequest;
      try {
        req = indexedDB.open(this.name, version);
      } catch (e) {
        throw this.fail('open', e); // e.g. SecurityError on an opaque origin
      }
      req.onupgradeneeded = () => {
        if (!req.result.objectStoreNames.contains(store)) req.result.createObjectStore(store);
      };
      req.onsuccess = () => {
        const db = req.result;
        // An existing database without our store: add it with a version bump.
        if (!db.objectStoreNames.contains(store)) return db.close(), resolve(this.open(db.version + 1));
        db.onversionchange = db.onclose = () => {
          db.close();
          this.db = undefined;
        };
        resolve(db);
      };
      req.onerror = () => reject(this.fail('open', req.error));
    });
  }
}
