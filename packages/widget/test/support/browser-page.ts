/**
 * Page setup shared by the widget's real-Chromium suites: the rollup-built script-tag build
 * (quickchat-widget.js and its lazy files, side by side) served from a real http://127.0.0.1
 * origin, one real server per test, host pages that mount the widget from an external boot
 * script (under a strict CSP, or with no CSP at all), connected Node SDK clients, and clean-up
 * that fails the test on any uncaught page error or `console.error`.
 *
 * Call {@link useWidgetBrowser} once inside a `describe`; it registers the hooks.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { dmConversationId, type ChatClient } from '@quickchat/sdk';
import { BROWSER_TIMEOUT_MS, launchChromium, serveStatic, trackErrors, type PageServer, type Route } from '../../../sdk/test/support/browser.js';
import { Rest, clientFor, startServerForSdk, until, type TestServer, type TestUser } from '../../../sdk/test/support/sdk-server.js';
import type { WidgetHandle, WidgetOptions } from '../../src/options.js';
import { rollupWidget } from './bundle.js';

declare global {
  interface Window {
    widget: WidgetHandle;
    violations: string[];
  }
}

/** How to build one host page. */
export interface WidgetPageOptions {
  /** Mount options; the server's URL is added. */
  widget: Omit<WidgetOptions, 'url'>;
  /**
   * `strict` (the default): scripts and styles from the page's own origin only (no
   * 'unsafe-inline', no 'unsafe-eval'), connections to the server only, images from the page's
   * origin. `none`: no CSP header at all, so nothing but the widget itself stops an injection.
   */
  csp?: 'strict' | 'none';
  /** Appended to the strict CSP's `img-src` (e.g. the chat server's origin, for file previews). */
  imgSrc?: string;
  /** Appended to the strict CSP's `style-src` (e.g. `" 'nonce-…'"`). */
  styleSrc?: string;
  /** The strict CSP's `script-src` sources, in place of `'self'` (e.g. `'nonce-…'`, or exact file URLs). */
  scriptSrc?: string;
  /** A nonce for the page's own `<script>` tags (the widget, the boot script and `scripts`). */
  scriptNonce?: string;
  /** Extra HTML in `<head>` (e.g. a stylesheet link). */
  head?: string;
  /** Host-page HTML before the widget's target element (e.g. something focusable). */
  before?: string;
  /** Code run by the boot script before it mounts the widget. */
  bootPrelude?: string;
  /** Paths of extra scripts loaded after the boot script (serve them through `routes`). */
  scripts?: string[];
}

/** What {@link useWidgetBrowser} gives a suite. */
export interface WidgetBrowser {
  /** Served by the page server; add files in `beforeAll` or in a test. */
  readonly routes: Record<string, Route>;
  /** The page server (after `beforeAll`). */
  readonly pages: PageServer;
  /** Starts this test's real server (stopped after the test), allowing the page origin; `limits` over the relaxed ones of SDK tests. */
  server(limits?: ServerLimitOverrides): Promise<{ server: TestServer; rest: Rest }>;
  /** Opens a host page (its own browser context, 800×720) that mounts the widget. */
  open(s: TestServer, options: WidgetPageOptions): Promise<Page>;
  /** A Node SDK client signed in as `user`, connected; closed after the test. */
  connect(s: TestServer, user: TestUser): Promise<ChatClient>;
  /** This test's server with `alice` and `bob` (display names Alice, Bob), friends, and bob connected from Node. */
  friends(limits?: ServerLimitOverrides): Promise<Friends>;
  /** For this test only: page errors matching `pattern` are expected (e.g. Chromium logging a refused request). */
  expectErrors(pattern: RegExp): void;
  /**
   * Ends the page's remembered built-in sign-in from elsewhere (its refresh token, read from the
   * page's storage, is logged out over REST, as another device signing out would), then waits
   * for the widget's sign-in form saying so.
   */
  endSignInElsewhere(page: Page, s: TestServer): Promise<void>;
}

/** Server limits a test sets (e.g. a small `maxUploadBytes`). */
export type ServerLimitOverrides = NonNullable<Parameters<typeof startServerForSdk>[0]>['limits'];

/** What {@link WidgetBrowser.friends} sets up. */
export interface Friends {
  s: TestServer;
  rest: Rest;
  alice: TestUser;
  bob: TestUser;
  bobClient: ChatClient;
  /** Their DM conversation. */
  conv: string;
}

/** `client` sends `texts` to `conv` and waits until the server stored every one. */
export async function sendStored(client: ChatClient, conv: string, texts: string[]): Promise<void> {
  for (const text of texts) client.send(conv, text);
  const stored = () => (client.messages.getState()[conv]?.items ?? []).filter((m) => m.content.type === 'text' && texts.includes(m.content.text) && m.state !== 'pending').length;
  await until(client, () => stored() === texts.length, BROWSER_TIMEOUT_MS, 'messages stored');
}

/** Where host pages load the script-tag build's main file from; its lazy files are served next to it. */
export const SCRIPT_TAG_MAIN = '/quickchat-widget.js';

/** Signs in through the widget's own form and waits for the chats. */
export async function signInWithForm(page: Page, user: TestUser): Promise<void> {
  await page.getByRole('textbox', { name: 'Handle' }).fill(user.handle);
  await page.locator('input[type=password]').fill(user.password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.getByRole('heading', { name: 'Chats', level: 2 }).waitFor();
}

/** Where the widget remembers a built-in sign-in to `s` (see saved-sign-in.ts). */
export const signInKey = (s: TestServer): string => `quickchat:sign-in:${s.url}`;

/** Registers the hooks of a widget browser suite and returns its page helpers. */
export function useWidgetBrowser(): WidgetBrowser {
  const routes: Record<string, Route> = {};
  let browser: Browser | undefined;
  let pages: PageServer | undefined;
  let server: TestServer | undefined;
  let contexts: { context: BrowserContext; errors: string[] }[] = [];
  let clients: ChatClient[] = [];
  let expected: RegExp[] = [];
  let dispose = () => undefined as void;

  beforeAll(async () => {
    const build = await rollupWidget();
    dispose = build.dispose;
    // quickchat-widget.js and the lazy files it loads from next to itself.
    for (const file of build.scriptTag) routes[`/${file}`] = build.read(file);
    pages = await serveStatic(routes);
    browser = await launchChromium();
  }, 120_000);

  afterEach(async () => {
    for (const c of clients) c.close();
    const errors = contexts.flatMap((c) => c.errors).filter((e) => !expected.some((pattern) => pattern.test(e)));
    expected = [];
    await Promise.all(contexts.map((c) => c.context.close()));
    await server?.stop();
    clients = [];
    contexts = [];
    server = undefined;
    expect(errors).toEqual([]);
  });

  afterAll(async () => {
    await browser?.close();
    await pages?.close();
    dispose();
  });

  const pageServer = (): PageServer => {
    if (!pages) throw new Error('useWidgetBrowser: the page server is not running (beforeAll failed?)');
    return pages;
  };

  return {
    routes,
    get pages() {
      return pageServer();
    },

    async server(limits = {}) {
      server = await startServerForSdk({ allowedOrigins: [pageServer().origin], limits: { messagesPerSecond: 5000, messageBurst: 5000, authAttemptsPerMinute: 1000, ...limits } });
      return { server, rest: new Rest(server.url) };
    },

    async open(s, options) {
      if (!browser) throw new Error('useWidgetBrowser: no browser (beforeAll failed?)');
      const { csp = 'strict', imgSrc = '', styleSrc = '', scriptSrc = "'self'", scriptNonce, head = '', before = '', bootPrelude = '', scripts = [] } = options;
      const ws = s.url.replace(/^http/, 'ws');
      const policy = `default-src 'none'; script-src ${scriptSrc}; style-src 'self'${styleSrc}; connect-src ${s.url} ${ws}; img-src 'self'${imgSrc}; base-uri 'none'; form-action 'none'`;
      const script = (src: string) => `<script src="${src}"${scriptNonce ? ` nonce="${scriptNonce}"` : ''}></script>`;
      routes['/'] = {
        contentType: 'text/html; charset=utf-8',
        headers: csp === 'strict' ? { 'content-security-policy': policy } : {},
        body: `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Host page</title>${head}</head>
<body><main><h1>Host page</h1>${before}<div id="chat"></div></main>
${[SCRIPT_TAG_MAIN, '/boot.js', ...scripts].map(script).join('')}</body></html>`,
      };
      routes['/boot.js'] = `window.violations = [];
document.addEventListener('securitypolicyviolation', (e) => window.violations.push(e.violatedDirective + ' ' + e.blockedURI));
${bootPrelude}
window.widget = QuickChat.mount('#chat', Object.assign(${JSON.stringify(options.widget)}, { url: ${JSON.stringify(s.url)} }));`;
      const context = await browser.newContext({ viewport: { width: 800, height: 720 }, deviceScaleFactor: 1 });
      context.setDefaultTimeout(BROWSER_TIMEOUT_MS);
      const page = await context.newPage();
      contexts.push({ context, errors: trackErrors(page) });
      await page.goto(pageServer().url);
      return page;
    },

    expectErrors(pattern) {
      expected.push(pattern);
    },

    async endSignInElsewhere(page, s) {
      const saved = await page.evaluate((key) => localStorage.getItem(key), signInKey(s));
      expect(saved, 'a remembered sign-in').toBeTruthy();
      expected.push(/status of 401/); // Chromium logs the refused refresh; that refusal is the point
      const out = await fetch(`${s.url}/api/auth/logout`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ refreshToken: saved }) });
      expect(out.status).toBe(204);
      await page.getByRole('form', { name: 'Sign in' }).waitFor();
      expect(await page.getByRole('alert').textContent()).toBe('You were signed out. Please sign in again.');
    },

    async connect(s, user) {
      const client = clientFor(s, user);
      clients.push(client);
      await until(client, () => client.connectionState === 'connected', BROWSER_TIMEOUT_MS, `${user.handle} connected`);
      return client;
    },

    async friends(limits) {
      const { server: s, rest } = await this.server(limits);
      const alice = await rest.register('alice', 'correct horse battery', 'Alice');
      const bob = await rest.register('bob', 'correct horse battery', 'Bob');
      await rest.befriend(alice, bob);
      const bobClient = await this.connect(s, bob);
      return { s, rest, alice, bob, bobClient, conv: dmConversationId(alice.id, bob.id) };
    },
  };
}
