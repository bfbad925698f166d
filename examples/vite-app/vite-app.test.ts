/**
 * Keeps examples/vite-app true. The example as written imports the widget from the npm package
 * (`@quickchat/widget`, not a relative path) and its index.html has no inline code. Then Vite's
 * own `build()` builds the example with its own config, with the three packages resolved to what
 * rollup.config.mjs publishes (their ESM dists, built into a temp dir; no TypeScript sources), and
 * the output is served under a strict CSP next to a real server. In Chromium the widget is
 * mounted by the ESM import (no `QuickChat` global), a registered user signs in through its
 * sign-in form, and a message from a friend (a Node SDK client) reaches the page's own unread
 * display, which the app updates from `onUnreadChange`. No page errors, no CSP violations.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { build as viteBuild, type Rolldown } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dmConversationId, type ChatClient } from '@quickchat/sdk';
import { BROWSER_TIMEOUT_MS, launchChromium, openPage, requireChromium, serveStatic, type PageServer, type Route } from '../../packages/sdk/test/support/browser.js';
import { Rest, clientFor, startServerForSdk, until, type TestServer } from '../../packages/sdk/test/support/sdk-server.js';
import { rollupPackages, type PackageDists } from '../../packages/widget/test/support/bundle.js';

const HERE = fileURLToPath(new URL('.', import.meta.url));
const read = (file: string) => readFileSync(join(HERE, file), 'utf8');

describe('examples/vite-app as written', () => {
  it('imports mount from the npm package, and index.html loads src/main.ts with no inline script or style', () => {
    const main = read('src/main.ts');
    expect(main).toMatch(/^import \{ mount \} from '@quickchat\/widget';$/m);
    expect(main).not.toMatch(/from '\.{1,2}\/[^']*(packages|widget)/);
    expect(main).toContain("auth: { mode: 'builtin' }");
    expect(main).toContain("layout: 'inline'");
    expect(main).toContain("import.meta.env.VITE_QUICKCHAT_URL || 'http://localhost:8787'");
    expect(main).toMatch(/onUnreadChange: /);

    const html = read('index.html');
    expect(html).toContain('<script type="module" src="/src/main.ts"></script>');
    expect(html).toContain('id="chat"');
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(html).not.toMatch(/<style|\son[a-z]+=|\sstyle=/i);

    const config = read('vite.config.ts');
    expect(config).not.toMatch(/alias|resolve/);
    const pkg = JSON.parse(read('package.json')) as { dependencies: Record<string, string>; devDependencies: Record<string, string> };
    expect(pkg.dependencies).toEqual({ '@quickchat/widget': '0.0.0' });
    expect(Object.keys(pkg.devDependencies)).toEqual(['vite']);
  });

  it('the README builds the packages and starts the server with the dev server origin', () => {
    const readme = read('README.md');
    expect(readme).toContain('npm run build');
    expect(readme).toContain('npm start -- --allowed-origins http://localhost:5173');
    expect(readme).toContain('npm run dev -w @quickchat/example-vite-app');
  });
});

/** The example built by Vite, as URL paths of the site (`/` is index.html). */
interface BuiltApp {
  routes: Map<string, Buffer>;
  /** URL paths of every `.js` file in the output, e.g. `/assets/index-abc123.js`. */
  scripts: string[];
  /** Every module that went into a chunk (absolute paths). */
  moduleIds: string[];
}

/** Files under `dir`, as paths relative to it with `/` separators. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)).split(sep).join('/'));
}

/**
 * Runs Vite's `build()` on the example (its own vite.config.ts) into `outDir`, with the packages
 * aliased to `dists` (exact names only) and `VITE_QUICKCHAT_URL` set to `serverUrl`. NODE_ENV is
 * `production` meanwhile, as under `vite build` (vitest sets it to `test`, which Vite would take
 * for a non-production build).
 */
async function buildApp(dists: PackageDists, serverUrl: string, outDir: string): Promise<BuiltApp> {
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  const result = await viteBuild({
    root: HERE,
    configFile: join(HERE, 'vite.config.ts'),
    mode: 'production',
    logLevel: 'warn',
    define: { 'import.meta.env.VITE_QUICKCHAT_URL': JSON.stringify(serverUrl) },
    resolve: {
      alias: [
        { find: /^@quickchat\/widget$/, replacement: join(dists.widget, 'index.js') },
        { find: /^@quickchat\/sdk$/, replacement: join(dists.sdk, 'index.js') },
        { find: /^@quickchat\/sdk\/indexeddb$/, replacement: join(dists.sdk, 'storage/indexeddb.js') },
        { find: /^@quickchat\/sdk\/groups$/, replacement: join(dists.sdk, 'groups/index.js') },
        { find: /^@quickchat\/sdk\/friends$/, replacement: join(dists.sdk, 'friends/index.js') },
        { find: /^@quickchat\/sdk\/messages$/, replacement: join(dists.sdk, 'messages/index.js') },
        { find: /^@quickchat\/sdk\/presence$/, replacement: join(dists.sdk, 'presence/index.js') },
        { find: /^@quickchat\/sdk\/calls$/, replacement: join(dists.sdk, 'calls/index.js') },
        { find: /^@quickchat\/protocol$/, replacement: join(dists.protocol, 'index.js') },
      ],
      // The dists sit in a temp dir with no node_modules above them: their own dependencies
      // (preact, eventemitter3) resolve from the example's root, as they would from node_modules.
      dedupe: ['preact', 'eventemitter3'],
    },
    build: { outDir, emptyOutDir: true },
  }).finally(() => {
    if (nodeEnv === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = nodeEnv;
  });
  const outputs = (Array.isArray(result) ? result : [result as Rolldown.RolldownOutput]).flatMap((r) => r.output);
  const routes = new Map<string, Buffer>();
  for (const file of filesUnder(outDir)) routes.set(file === 'index.html' ? '/' : `/${file}`, readFileSync(join(outDir, file)));
  return {
    routes,
    scripts: [...routes.keys()].filter((p) => p.endsWith('.js')).sort(),
    moduleIds: outputs.flatMap((o) => (o.type === 'chunk' ? o.moduleIds : [])),
  };
}

const chromium = requireChromium('examples/vite-app');

describe.skipIf(!chromium)('examples/vite-app built by Vite from the published dists, in Chromium', () => {
  let dists: PackageDists;
  let outDir: string;
  let site: PageServer;
  let t: TestServer;
  let browser: Browser;
  let app: BuiltApp;
  const routes: Record<string, Route> = {};
  const clients: ChatClient[] = [];

  beforeAll(async () => {
    dists = await rollupPackages();
    outDir = mkdtempSync(join(tmpdir(), 'qc-vite-app-'));
    site = await serveStatic(routes);
    t = await startServerForSdk({ allowedOrigins: [site.origin] });
    app = await buildApp(dists, t.url, outDir);
    const ws = t.url.replace(/^http/, 'ws');
    // A strict CSP: no inline code, scripts and styles only from the site, sockets only to the server.
    const csp = `default-src 'none'; script-src 'self'; style-src 'self'; connect-src ${t.url} ${ws}; img-src 'self' http: https:`;
    for (const [path, body] of app.routes) {
      routes[path] = path === '/' ? { body, contentType: 'text/html; charset=utf-8', headers: { 'content-security-policy': csp } } : body.toString('utf8');
    }
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    for (const c of clients) c.close();
    await browser?.close();
    await site?.close();
    await t?.stop();
    if (outDir) rmSync(outDir, { recursive: true, force: true });
    dists?.dispose();
  });

  it('bundles the widget, SDK and protocol from their dists, with the server URL baked in', () => {
    const from = (dir: string) => app.moduleIds.filter((id) => id.startsWith(dir));
    expect(from(dists.widget)).toContain(join(dists.widget, 'index.js'));
    expect(from(dists.sdk)).toContain(join(dists.sdk, 'index.js'));
    expect(from(dists.protocol).length).toBeGreaterThan(0);
    expect(app.moduleIds.filter((id) => /packages[\\/][a-z]+[\\/]src[\\/]/.test(id))).toEqual([]);
    expect(app.moduleIds.some((id) => /[\\/]node_modules[\\/]preact[\\/]/.test(id))).toBe(true);
    expect(app.scripts.length).toBeGreaterThan(0);
    const js = app.scripts.map((p) => app.routes.get(p)!.toString('utf8')).join('\n');
    expect(js).toContain(JSON.stringify(t.url).slice(1, -1));
    expect(js).not.toContain('localhost:8787');
  });

  it('mounts through the ESM import, signs in with the built-in form, and shows the unread count from onUnreadChange', async () => {
    const rest = new Rest(t.url);
    const user = await rest.register('viteuser', 'vite-app-password', 'Vite User');
    const friend = await rest.register('vitefriend', 'vite-friend-password', 'Vite Friend');
    await rest.befriend(user, friend);

    /** URLs of every script the page requested (module entry, chunks, preloads), in order. */
    const scriptRequests: string[] = [];
    const { page, errors, close } = await openPage(browser, site.url, {
      context: { locale: 'en-US' },
      cspViolations: true,
      beforeGoto: (p) =>
        p.on('request', (r) => {
          if (r.resourceType() === 'script' || new URL(r.url()).pathname.endsWith('.js')) scriptRequests.push(r.url());
        }),
    });
    try {

      // The widget's shadow host inside the app's #chat, put there by the module, not a global.
      await page.locator('#chat > [data-quickchat]').waitFor({ state: 'attached' });
      expect(await page.evaluate(() => typeof (globalThis as { QuickChat?: unknown }).QuickChat)).toBe('undefined');
      expect(await page.locator('#status').textContent()).toBe('Not signed in');

      await page.getByRole('textbox', { name: 'Handle' }).fill('viteuser');
      await page.locator('input[type=password]').fill('vite-app-password');
      await page.getByRole('button', { name: 'Sign in', exact: true }).click();
      await page.getByRole('heading', { name: 'Chats', level: 2 }).waitFor();
      await page.locator('#status', { hasText: 'Signed in' }).waitFor();
      expect(await page.locator('#unread').textContent()).toBe('No unread messages');

      // The friend writes from Node; the app's own header shows the count the widget reported.
      const friendClient = clientFor(t, friend);
      clients.push(friendClient);
      await until(friendClient, () => friendClient.connectionState === 'connected', BROWSER_TIMEOUT_MS, 'friend connected');
      friendClient.send(dmConversationId(user.id, friend.id), 'hello from Node');
      await page.locator('#unread[data-count="1"]').waitFor();
      expect(await page.locator('#unread').textContent()).toBe('1 unread message');
      await page.getByRole('button', { name: /Vite Friend.*1 unread message/ }).waitFor();

      // Every script came from the Vite output on the site: nothing from the server, no IIFE bundle.
      const loaded = scriptRequests.map((u) => new URL(u));
      expect(loaded.filter((u) => u.origin !== site.origin).map(String)).toEqual([]);
      expect(loaded.map((u) => u.pathname).filter((p) => !app.scripts.includes(p))).toEqual([]);
      expect(loaded.length).toBeGreaterThan(0);

      // The emoji picker is its own chunk: not loaded so far, fetched the first time it opens.
      const emojiChunk = app.scripts.find((p) => /emoji-picker/.test(p));
      expect(emojiChunk, `an emoji-picker chunk among ${app.scripts.join(', ')}`).toBeDefined();
      expect(scriptRequests.map((u) => new URL(u).pathname)).not.toContain(emojiChunk);
      await page.getByRole('button', { name: /Vite Friend/ }).click();
      await page.getByRole('button', { name: 'Insert emoji' }).click();
      await page.getByRole('dialog', { name: 'Emoji' }).waitFor();
      expect(scriptRequests.map((u) => new URL(u).pathname)).toContain(emojiChunk);

      expect(errors).toEqual([]);
    } finally {
      await close();
    }
  });
});
