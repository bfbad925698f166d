/**
 * Where the SDK keeps what must survive a page reload: the outbox (messages typed while
 * offline) and sync cursors. Values are strings (JSON). Implementations: `MemoryStorage`
 * (default, nothing survives), `IndexedDBStorage` (browsers, from `@quickchat/sdk/indexeddb`).
 */
export interface StorageAdapter {
  /** The stored value, or null when absent. */
  get(key: string): Promise<string | null>;
  /** Stores a value, replacing any previous one. Resolves once it is durable for this adapter. */
  set(key: string, value: string): Promise<void>;
  /** Deletes a value. Missing keys are fine. */
  remove(key: string): Promise<void>;
}
