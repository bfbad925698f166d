/**
 * IndexedDBStorage in real Chromium, on a real http://127.0.0.1 origin: values survive a page
 * reload, remove works, databases are isolated, and tabs sharing a database don't block each other.
 * Skipped (with the reason printed) only when Chromium is missing.
 */
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { IndexedDBStorage } from '../src/storage/indexeddb.js';
import { bundleForBrowser, launchChromium, openPage, pageHtml, requireChromium, serveStatic } from './support/browser.js';
import type { PageServer, TestPage } from './support/browser.js';

declare global {
  interface Window {
    /** Set by the page bundle below. */
    qc: {
      IndexedDBStorage: typeof IndexedDBStorage;
      /** Rejects when `p` takes longer than `ms`, so a blocked IndexedDB fails fast with a message. */
      within<T>(p: Promise<T>, ms?: number): Promise<T>;
    };
  }
}

const PAGE_CODE = `
import { IndexedDBStorage } from '../src/storage/indexeddb.js';
const within = (p, ms = 5000) =>
  Promise.race([p, new Promise((_, reject) => setTimeout(() => reject(new Error('timed out after ' + ms + ' ms')), ms))]);
window.qc = { IndexedDBStorage, within };
`;

const available = requireChromium('indexeddb.browser');

describe.skipIf(!available)('IndexedDBStorage in Chromium', () => {
  let browser: Browser;
  let server: PageServer;
  let tabs: TestPage[] = [];
  let contexts: BrowserContext[] = [];

  beforeAll(async () => {
    const js = await bundleForBrowser({ code: PAGE_CODE, resolveDir: fileURLToPath(new URL('.', import.meta.url)), loader: 'js' });
    server = await serveStatic({
      '/': pageHtml('/app.js'),
      '/app.js': js,
      // Same page on an opaque origin, where IndexedDB refuses to open.
      '/sandboxed': { body: pageHtml('/app.js'), contentType: 'text/html', headers: { 'content-security-policy': 'sandbox allow-scripts' } },
    });
    browser = await launchChromium();
  });

  afterEach(async () => {
    const errors = tabs.flatMap((t) => t.errors);
    await Promise.all(tabs.map((t) => t.close()));
    await Promise.all(contexts.map((c) => c.close()));
    tabs = [];
    contexts = [];
    expect(errors).toEqual([]);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  /** A tab in a fresh profile, or in `context` to share its storage. */
  async function tab(context?: BrowserContext, path = '/'): Promise<TestPage> {
    const t = await openPage(context ?? browser, server.origin + path);
    tabs.push(t);
    return t;
  }

  async function sharedContext(): Promise<BrowserContext> {
    const c = await browser.newContext();
    contexts.push(c);
    return c;
  }

  it('values written before a reload are read back after it', async () => {
    const { page } = await tab();
    const big = 'x'.repeat(200_000);
    expect(await page.evaluate(() => window.qc.IndexedDBStorage.isAvailable())).toBe(true);
    await page.evaluate(async (big) => {
      const s = new window.qc.IndexedDBStorage();
      // Concurrent first calls share one lazily opened connection.
      await window.qc.within(
        Promise.all([s.set('outbox', JSON.stringify([{ text: 'héllo ✓ 👋' }])), s.set('cursors', '{"dm:a~b":7}'), s.set('big', big), s.set('empty', '')]),
      );
    }, big);

    await page.reload();
    const got = await page.evaluate(async () => {
      const s = new window.qc.IndexedDBStorage();
      return window.qc.within(Promise.all(['outbox', 'cursors', 'big', 'empty', 'never-set'].map((k) => s.get(k))));
    });
    expect(got).toEqual([JSON.stringify([{ text: 'héllo ✓ 👋' }]), '{"dm:a~b":7}', big, '', null]);

    // The layout is plain key → value in database 'quickchat', store 'kv'.
    const raw = await page.evaluate(
      () =>
        new Promise<unknown>((resolve, reject) => {
          const open = indexedDB.open('quickchat');
          open.onerror = () => reject(open.error);
          open.onsuccess = () => {
            const db = open.result;
            const get = db.transaction('kv').objectStore('kv').get('cursors');
            get.onerror = () => reject(get.error);
            get.onsuccess = () => {
              resolve(get.result);
              db.close();
            };
          };
        }),
    );
    expect(raw).toBe('{"dm:a~b":7}');
  });

  it('set overwrites and remove deletes, across reloads', async () => {
    const { page } = await tab();
    await page.evaluate(async () => {
      const s = new window.qc.IndexedDBStorage({ dbName: 'app' });
      await window.qc.within(s.set('outbox', 'v1'));
      await window.qc.within(s.set('outbox', 'v2'));
      await window.qc.within(s.set('cursors', 'c1'));
    });
    await page.reload();
    const afterRemove = await page.evaluate(async () => {
      const s = new window.qc.IndexedDBStorage({ dbName: 'app' });
      const before = await window.qc.within(s.get('outbox'));
      await window.qc.within(s.remove('outbox'));
      await window.qc.within(s.remove('never-set')); // missing keys are fine
      return [before, await s.get('outbox'), await s.get('cursors')];
    });
    expect(afterRemove).toEqual(['v2', null, 'c1']);

    await page.reload();
    const afterReload = await page.evaluate(async () => {
      const s = new window.qc.IndexedDBStorage({ dbName: 'app' });
      return window.qc.within(Promise.all([s.get('outbox'), s.get('cursors')]));
    });
    expect(afterReload).toEqual([null, 'c1']);
  });

  it('adapters with different dbName are isolated', async () => {
    const { page } = await tab();
    await page.evaluate(async () => {
      const a = new window.qc.IndexedDBStorage({ dbName: 'user-a' });
      const b = new window.qc.IndexedDBStorage({ dbName: 'user-b' });
      await window.qc.within(Promise.all([a.set('outbox', 'from a'), b.set('outbox', 'from b'), a.set('only-a', '1')]));
    });
    await page.reload();
    const got = await page.evaluate(async () => {
      const a = new window.qc.IndexedDBStorage({ dbName: 'user-a' });
      const b = new window.qc.IndexedDBStorage({ dbName: 'user-b' });
      const first = await window.qc.within(Promise.all([a.get('outbox'), b.get('outbox'), b.get('only-a')]));
      await window.qc.within(a.remove('outbox'));
      return [...first, await a.get('outbox'), await b.get('outbox')];
    });
    expect(got).toEqual(['from a', 'from b', null, null, 'from b']);
  });

  it('adapters with different storeName in one database both work and persist', async () => {
    const { page } = await tab();
    await page.evaluate(async () => {
      const kv = new window.qc.IndexedDBStorage({ dbName: 'shared' });
      await window.qc.within(kv.set('k', 'in kv'));
      // The database exists without this store: the adapter must add it.
      const other = new window.qc.IndexedDBStorage({ dbName: 'shared', storeName: 'other' });
      await window.qc.within(other.set('k', 'in other'));
    });
    await page.reload();
    const got = await page.evaluate(async () => {
      const kv = new window.qc.IndexedDBStorage({ dbName: 'shared' });
      const other = new window.qc.IndexedDBStorage({ dbName: 'shared', storeName: 'other' });
      return window.qc.within(Promise.all([kv.get('k'), other.get('k')]));
    });
    expect(got).toEqual(['in kv', 'in other']);
  });

  it('a tab upgrading the database does not block, and the other tab keeps working', async () => {
    const context = await sharedContext();
    const one = await tab(context);
    const two = await tab(context);
    // Tab one holds an open connection to 'shared' (version 1, store 'kv').
    await one.page.evaluate(async () => {
      const s = new window.qc.IndexedDBStorage({ dbName: 'shared' });
      (window as unknown as { s: IndexedDBStorage }).s = s;
      await window.qc.within(s.set('k', 'one'));
    });
    // Tab two needs a new store, hence a version change, which tab one must not block.
    await two.page.evaluate(async () => {
      const other = new window.qc.IndexedDBStorage({ dbName: 'shared', storeName: 'other' });
      await window.qc.within(other.set('k', 'two'));
    });
    // Tab one's adapter reopens transparently, and a committed write is visible to the other tab.
    await one.page.evaluate(async () => {
      const s = (window as unknown as { s: IndexedDBStorage }).s;
      if ((await window.qc.within(s.get('k'))) !== 'one') throw new Error('lost the value');
      await window.qc.within(s.set('k', 'one again'));
    });
    const seenByTwo = await two.page.evaluate(() => window.qc.within(new window.qc.IndexedDBStorage({ dbName: 'shared' }).get('k')));
    expect(seenByTwo).toBe('one again');
  });

  it('rejects with a clear error where IndexedDB is refused (opaque origin)', async () => {
    const { page } = await tab(undefined, '/sandboxed');
    const [message, cause] = await page.evaluate(async () => {
      const s = new window.qc.IndexedDBStorage();
      return window.qc.within(s.set('k', 'v')).then(
        () => ['resolved', ''],
        (e: Error) => [e.message, (e.cause as DOMException | undefined)?.name],
      );
    });
    expect(message).toMatch(/^IndexedDBStorage: open failed \(quickchat\/kv\): \S/);
    expect(cause).toBe('SecurityError');
  });
});
