import { afterEach, describe, expect, it, vi } from 'vitest';
import { MemoryStorage } from '../src/storage/memory.js';
import type { StorageAdapter } from '../src/storage/types.js';

describe('MemoryStorage', () => {
  it('returns null for a key never set', async () => {
    const s: StorageAdapter = new MemoryStorage();
    expect(await s.get('missing')).toBeNull();
  });

  it('stores, overwrites and removes values', async () => {
    const s = new MemoryStorage();
    await s.set('outbox', '[1]');
    expect(await s.get('outbox')).toBe('[1]');
    await s.set('outbox', '[1,2]');
    expect(await s.get('outbox')).toBe('[1,2]');
    await s.remove('outbox');
    expect(await s.get('outbox')).toBeNull();
  });

  it('keeps the empty string distinct from absent', async () => {
    const s = new MemoryStorage();
    await s.set('k', '');
    expect(await s.get('k')).toBe('');
  });

  it('keeps keys apart, and removing a missing key is fine', async () => {
    const s = new MemoryStorage();
    await s.set('a', '1');
    await s.set('b', '2');
    await expect(s.remove('nope')).resolves.toBeUndefined();
    await s.remove('a');
    expect(await s.get('a')).toBeNull();
    expect(await s.get('b')).toBe('2');
  });

  it('is per instance', async () => {
    const one = new MemoryStorage();
    const two = new MemoryStorage();
    await one.set('k', 'one');
    expect(await two.get('k')).toBeNull();
  });
});

describe('IndexedDBStorage outside a browser', () => {
  const original = Object.getOwnPropertyDescriptor(globalThis, 'indexedDB');
  afterEach(() => {
    if (original) Object.defineProperty(globalThis, 'indexedDB', original);
    else delete (globalThis as { indexedDB?: unknown }).indexedDB;
  });

  it('is unavailable in Node, and its methods reject with a clear error', async () => {
    const { IndexedDBStorage } = await import('../src/storage/indexeddb.js');
    expect('indexedDB' in globalThis).toBe(false);
    expect(IndexedDBStorage.isAvailable()).toBe(false);
    const s = new IndexedDBStorage();
    await expect(s.get('k')).rejects.toThrow(/^IndexedDBStorage: open failed \(quickchat\/kv\): IndexedDB is not available/);
    await expect(s.set('k', 'v')).rejects.toThrow(/IndexedDBStorage: .*not available/);
    await expect(s.remove('k')).rejects.toThrow(/IndexedDBStorage: .*not available/);
  });

  it('touches indexedDB neither at import nor at construction', async () => {
    let touches = 0;
    Object.defineProperty(globalThis, 'indexedDB', {
      configurable: true,
      get() {
        touches++;
        throw new Error('indexedDB touched');
      },
    });
    // A fresh module instance, evaluated while the trap is set.
    vi.resetModules();
    const mod = await import('../src/storage/indexeddb.js');
    const s = new mod.IndexedDBStorage({ dbName: 'app', storeName: 'box' });
    expect(touches).toBe(0);

    // isAvailable() looks, but never throws.
    expect(mod.IndexedDBStorage.isAvailable()).toBe(false);
    expect(touches).toBeGreaterThan(0);

    // A method call looks too, and turns the failure into a rejection (no synchronous throw).
    let call: Promise<string | null> | undefined;
    expect(() => {
      call = s.get('k');
    }).not.toThrow();
    const err = await call!.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toBe('IndexedDBStorage: open failed (app/box): IndexedDB is not available in this environment');
  });

  it('retries opening after a failed open instead of caching the failure', async () => {
    const { IndexedDBStorage } = await import('../src/storage/indexeddb.js');
    const s = new IndexedDBStorage();
    await expect(s.get('k')).rejects.toThrow(/not available/);
    // Now a (minimal) indexedDB appears whose open() fails in its own way: the adapter must ask again.
    let opens = 0;
    Object.defineProperty(globalThis, 'indexedDB', {
      configurable: true,
      value: {
        open() {
          opens++;
          throw new DOMException('The operation is insecure.', 'SecurityError');
        },
      },
    });
    expect(IndexedDBStorage.isAvailable()).toBe(true);
    await expect(s.set('k', 'v')).rejects.toThrow(/IndexedDBStorage: open failed \(quickchat\/kv\)/);
    expect(opens).toBe(1);
  });
});
