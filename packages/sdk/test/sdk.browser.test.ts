/**
 * The SDK in real Chromium against the real quickchat server: the page imports `@quickchat/sdk`
 * like an app and uses the browser's own WebSocket, fetch and IndexedDB. Covers a message's
 * delivery states, the outbox surviving a reload while offline, and no side effects at import.
 * Skipped (with the reason printed) only when Chromium is missing.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import type { Browser, BrowserContext, ConsoleMessage, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { dmConversationId, type MessageFrame } from '@quickchat/protocol';
import { RawClient } from '../../server/test/support/ws-client.js';
import { BROWSER_TIMEOUT_MS, bundleForBrowser, launchChromium, networkFailure, pageHtml, requireChromium, serveStatic, trackErrors } from './support/browser.js';
import type { PageServer, Route } from './support/browser.js';
import { Rest, clientFor, startServerForSdk, until, type TestServer, type TestUser } from './support/sdk-server.js';
import type { ChatClient } from '../src/index.js';
import type { PageConfig } from './support/sdk-page.js';

/**
 * Runs before the bundle on `/probe`: counts every WebSocket construction, fetch and
 * IndexedDB open the page makes, so the test can prove importing the SDK does none of them.
 */
const PROBE = `<script>
window.probe = { sockets: 0, fetches: 0, idbOpens: 0 };
const NativeWebSocket = window.WebSocket;
window.WebSocket = class extends NativeWebSocket {
  constructor(...args) { super(...args); window.probe.sockets++; }
};
const nativeFetch = window.fetch;
window.fetch = (...args) => { window.probe.fetches++; return nativeFetch(...args); };
const nativeOpen = IDBFactory.prototype.open;
IDBFactory.prototype.open = function (...args) { window.probe.idbOpens++; return nativeOpen.apply(this, args); };
</script>`;

declare global {
  interface Window {
    probe: { sockets: number; fetches: number; idbOpens: number };
  }
}

const available = requireChromium('sdk.browser');

describe.skipIf(!available)('@quickchat/sdk in Chromium', () => {
  let browser: Browser;
  let pages: PageServer;
  let routes: Record<string, Route>;
  let t: TestServer | undefined;
  let contexts: { context: BrowserContext; errors: string[] }[] = [];
  let nodeClients: ChatClient[] = [];
  let rawClients: RawClient[] = [];
  let cleanups: (() => Promise<void> | void)[] = [];

  beforeAll(async () => {
    const js = await bundleForBrowser({ entry: fileURLToPath(new URL('./support/sdk-page.ts', import.meta.url)) });
    routes = { '/': pageHtml('/app.js'), '/probe': { body: pageHtml('/app.js', { body: PROBE }), contentType: 'text/html' }, '/app.js': js };
    pages = await serveStatic(routes);
    browser = await launchChromium();
  });

  afterEach(async () => {
    for (const c of nodeClients) c.close();
    await Promise.all(rawClients.map((c) => c.close()));
    const errors = contexts.flatMap((c) => c.errors);
    await Promise.all(contexts.map((c) => c.context.close()));
    await t?.stop();
    for (const cleanup of cleanups.reverse()) await cleanup();
    nodeClients = [];
    rawClients = [];
    contexts = [];
    cleanups = [];
    t = undefined;
    expect(errors).toEqual([]);
  });

  afterAll(async () => {
    await browser?.close();
    await pages?.close();
  });

  /** A real server that accepts sockets from the page's origin, and two befriended users. */
  async function setup(overrides: Parameters<typeof startServerForSdk>[0] = {}): Promise<{ server: TestServer; alice: TestUser; bob: TestUser }> {
    const server = await startServerForSdk({ allowedOrigins: [pages.origin], ...overrides });
    t = server;
    const rest = new Rest(server.url);
    const alice = await rest.register('alice');
    const bob = await rest.register('bob');
    await rest.befriend(alice, bob);
    return { server, alice, bob };
  }

  /**
   * A page in a fresh browser profile, loaded from the static server. Its uncaught errors and
   * console errors fail the test, except those `expected` picks (see trackErrors).
   */
  async function openTab(path = '/', expected?: (message: ConsoleMessage) => boolean): Promise<{ page: Page; context: BrowserContext }> {
    const context = await browser.newContext();
    context.setDefaultTimeout(BROWSER_TIMEOUT_MS);
    context.setDefaultNavigationTimeout(BROWSER_TIMEOUT_MS);
    const page = await context.newPage();
    contexts.push({ context, errors: trackErrors(page, expected) });
    await page.goto(pages.origin + path);
    return { page, context };
  }

  function config(server: TestServer, user: TestUser, extra: Partial<PageConfig> = {}): PageConfig {
    return { url: server.url, handle: user.handle, password: user.password, ...extra };
  }

  /** Waits (bounded) until the page's client is connected and has caught up once. */
  async function connected(page: Page): Promise<void> {
    await page.waitForFunction(() => window.chat.client?.connectionState === 'connected' && window.chat.client.userId !== '', null, { timeout: BROWSER_TIMEOUT_MS });
  }

  it('runs in the browser: a message goes pending → sent → delivered → read', async () => {
    const { server, alice, bob } = await setup();
    const { page } = await openTab();
    await page.evaluate((c) => window.chat.start(c), config(server, alice));
    await connected(page);
    expect(await page.evaluate(() => window.chat.client?.userId)).toBe(alice.id);

    const bobClient = clientFor(server, bob);
    nodeClients.push(bobClient);
    const received: string[] = [];
    bobClient.on('message', ({ message }) => {
      if (message.content.type === 'text') received.push(`${message.senderId}: ${message.content.text}`);
    });
    await until(bobClient, () => bobClient.connectionState === 'connected', 15_000, 'bob connected');

    const id = await page.evaluate((peer) => window.chat.send(peer, 'hello from Chromium ✓'), bob.id);
    // Bob's client surfaces it and acknowledges delivery on its own.
    await until(bobClient, () => received.length > 0, 15_000, "bob's message");
    expect(received).toEqual([`${alice.id}: hello from Chromium ✓`]);
    await page.waitForFunction((id) => window.chat.states[id]?.includes('delivered'), id, { timeout: BROWSER_TIMEOUT_MS });

    bobClient.markRead(dmConversationId(alice.id, bob.id));
    await page.waitForFunction((id) => window.chat.states[id]?.at(-1) === 'read', id, { timeout: BROWSER_TIMEOUT_MS });
    expect(await page.evaluate((id) => window.chat.states[id], id)).toEqual(['pending', 'sent', 'delivered', 'read']);
    const [mine] = await page.evaluate((conv) => window.chat.list(conv), dmConversationId(alice.id, bob.id));
    expect(mine).toMatchObject({ clientMsgId: id, text: 'hello from Chromium ✓', state: 'read', seq: 1, senderId: alice.id });
    // The browser's own WebSocket went through the origin check; nothing failed on the way.
    expect(await page.evaluate(() => window.chat.errors)).toEqual([]);
    expect(await page.evaluate(() => window.chat.connectionStates)).toEqual(['connecting', 'authenticating', 'connected']);
  });

  it('messages typed while offline survive a page reload and are sent once after reconnecting', async () => {
    // How "offline" is made real here: `context.setOffline(true)` makes Chromium refuse new
    // sockets and fetches (and fires `offline`/`online`), but in this Chromium it leaves an already
    // open WebSocket to 127.0.0.1 working. So the quickchat server is also stopped while offline
    // (that drops the open socket) and restarted on the same port and data directory before the
    // browser goes back online. The reload while offline is served from Node by `context.route`,
    // standing in for the app's service worker or HTTP cache.
    const dataDir = mkdtempSync(join(tmpdir(), 'quickchat-sdk-browser-'));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    const first = await setup({ dataDir });
    const { alice, bob } = first;
    const port = Number(new URL(first.server.url).port);
    const conversationId = dmConversationId(alice.id, bob.id);
    const dbName = 'qc-alice';

    // While the server is unreachable, the page's requests to it fail and Chromium logs each one as
    // a console error. Which requests those are, and with which net:: error, is a race: the client
    // starts loading the signed-in user's profile as it connects, and requests still in flight when
    // the test cuts the network fail with ERR_INTERNET_DISCONNECTED, or with ERR_CONNECTION_RESET or
    // ERR_SOCKET_NOT_CONNECTED when the stopping server closed their socket first; then come the
    // reconnect attempts and the sign-in after the reload. So the test allows failures by their
    // cause: a request to this server (same host and port, before and after the restart) that got no
    // response, during the outage. Every other console error, and such a failure at any other time,
    // still fails the test.
    const serverHost = new URL(first.server.url).host;
    let outage = false;
    const causedByOutage = (message: ConsoleMessage): boolean => {
      const failure = networkFailure(message);
      return outage && failure !== null && URL.canParse(failure.url) && new URL(failure.url).host === serverHost;
    };

    const { page, context } = await openTab('/', causedByOutage);
    await page.evaluate((c) => window.chat.start(c), config(first.server, alice, { dbName }));
    await connected(page);
    // Once connected, the page knows who it is signed in as, so it can address the DM offline.

    outage = true;
    await context.setOffline(true);
    await first.server.stop();
    t = undefined;
    await page.waitForFunction(() => window.chat.client?.connectionState === 'reconnecting', null, { timeout: BROWSER_TIMEOUT_MS });

    const texts = ['typed offline 1', 'typed offline 2', 'typed offline 3'];
    const ids = await page.evaluate(({ peer, texts }) => texts.map((text) => window.chat.send(peer, text)), { peer: bob.id, texts });
    expect(await page.evaluate((conv) => window.chat.list(conv).map((m) => m.state), conversationId)).toEqual(['pending', 'pending', 'pending']);
    // Persisted: the outbox is in IndexedDB (read directly, not through the SDK).
    await page.waitForFunction(
      async ({ dbName, ids }) => {
        const raw = await window.chat.readRaw(dbName, 'qc:outbox');
        return raw !== null && JSON.stringify((JSON.parse(raw) as { clientMsgId: string }[]).map((e) => e.clientMsgId)) === JSON.stringify(ids);
      },
      { dbName, ids },
      { timeout: BROWSER_TIMEOUT_MS, polling: 50 },
    );

    // Reload while still offline: a new page instance, a new client, the same IndexedDB. A page
    // fulfilled by `route` counts as coming from a public address, so Chromium's Local Network
    // Access checks would refuse its requests to the 127.0.0.1 server unless the origin is allowed.
    await context.grantPermissions(['local-network-access'], { origin: pages.origin });
    await context.route(`${pages.origin}/**`, (route) => {
      const body = routes[new URL(route.request().url()).pathname];
      return typeof body === 'string' ? route.fulfill({ status: 200, contentType: route.request().url().endsWith('.js') ? 'text/javascript' : 'text/html', body }) : route.fulfill({ status: 404 });
    });
    await page.reload();
    expect(await page.evaluate(() => navigator.onLine)).toBe(false);
    await page.evaluate((c) => window.chat.start(c), config(first.server, alice, { dbName }));
    // Restored from IndexedDB and shown as pending before any connection was possible.
    await page.waitForFunction((conv) => window.chat.list(conv).length === 3, conversationId, { timeout: BROWSER_TIMEOUT_MS, polling: 50 });
    expect(await page.evaluate((conv) => window.chat.list(conv), conversationId)).toEqual(
      ids.map((clientMsgId, i) => ({ clientMsgId, text: texts[i], state: 'pending', seq: null, senderId: alice.id })),
    );
    await page.evaluate(({ conv, ids }) => ids.forEach((id) => window.chat.watch(conv, id)), { conv: conversationId, ids });
    expect(await page.evaluate(() => window.chat.client?.connectionState)).not.toBe('connected');

    // The server comes back (same port, same database); bob listens with a raw socket.
    t = await startServerForSdk({ allowedOrigins: [pages.origin], dataDir, port });
    const bobSocket = await RawClient.connect(t.wsUrl, bob.token);
    rawClients.push(bobSocket);
    // Back online: the client reconnects (the browser's `online` event skips its backoff wait).
    await context.setOffline(false);
    await bobSocket.waitForCount((f) => f.type === 'message', 3);
    // The page is connected again (its messages reached bob): from here on, a failed request is a bug.
    outage = false;
    await page.waitForFunction(
      (conv) => window.chat.list(conv).length === 3 && window.chat.list(conv).every((m) => m.state === 'sent'),
      conversationId,
      { timeout: BROWSER_TIMEOUT_MS, polling: 50 },
    );
    // The outbox in IndexedDB is empty once everything was acknowledged.
    await page.waitForFunction(async (dbName) => (await window.chat.readRaw(dbName, 'qc:outbox')) === '[]', dbName, { timeout: BROWSER_TIMEOUT_MS, polling: 50 });

    // Exactly once each, in order: on bob's socket, in the page, and in the server's database.
    const frames = bobSocket.frames.filter((f): f is MessageFrame => f.type === 'message');
    expect(frames.map((f) => [f.message.clientMsgId, f.message.senderId, f.message.content.type === 'text' ? f.message.content.text : '', f.message.seq])).toEqual(
      ids.map((id, i) => [id, alice.id, texts[i], i + 1]),
    );
    const mine = await page.evaluate((conv) => window.chat.list(conv), conversationId);
    expect(mine.map((m) => [m.clientMsgId, m.text, m.state, m.seq])).toEqual(ids.map((id, i) => [id, texts[i], 'sent', i + 1]));
    for (const id of ids) expect(await page.evaluate((id) => window.chat.states[id], id)).toEqual(['pending', 'sent']);
    const db = new Database(t.dbFile, { readonly: true });
    try {
      const rows = db.prepare('SELECT client_msg_id AS id, seq FROM messages WHERE conversation_id = ? ORDER BY seq').all(conversationId);
      expect(rows).toEqual(ids.map((id, i) => ({ id, seq: i + 1 })));
    } finally {
      db.close();
    }
  });

  it('importing the SDK has no side effects, and autoConnect: false opens nothing', async () => {
    const { server, alice } = await setup();
    const { page } = await openTab('/probe');
    // The bundle (SDK included) has run: it defined window.chat, and touched no network or storage.
    expect(await page.evaluate(() => typeof window.chat.start)).toBe('function');
    expect(await page.evaluate(() => ({ ...window.probe }))).toEqual({ sockets: 0, fetches: 0, idbOpens: 0 });

    await page.evaluate((c) => window.chat.start(c), config(server, alice, { autoConnect: false }));
    // Give a wrongly eager client a few turns of the event loop to act on its own.
    const idle = await page.evaluate(async () => {
      for (let i = 0; i < 5; i++) await new Promise((r) => setTimeout(r, 20));
      return { probe: { ...window.probe }, state: window.chat.client?.connectionState, states: window.chat.connectionStates };
    });
    expect(idle).toEqual({ probe: { sockets: 0, fetches: 0, idbOpens: 0 }, state: 'idle', states: ['idle'] });

    // The probe does see the SDK's traffic once asked to connect: one sign-in, one socket.
    await page.evaluate(() => window.chat.client?.connect());
    await connected(page);
    const after = await page.evaluate(() => ({ ...window.probe }));
    expect(after.sockets).toBe(1);
    expect(after.fetches).toBeGreaterThanOrEqual(1);
  });
});
