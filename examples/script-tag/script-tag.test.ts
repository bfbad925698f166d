/**
 * Keeps examples/script-tag true: the example's own index.html and app.js, served from another
 * origin (with `http://localhost:8787` pointed at a real server started with the real rollup
 * bundle in demo mode, and that origin in `allowedOrigins`), under a strict CSP. In Chromium the
 * launcher opens the widget, its sign-in form is inside the shadow root, a registered user
 * signs in and sees the Chats heading, and the profile screen (a lazy file of the script-tag
 * build) loads from the server, next to quickchat-widget.js, with no configuration.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../packages/server/test/support/server.js';
import { Rest } from '../../packages/server/test/support/rest.js';
import { launchChromium, openPage, requireChromium, serveStatic, type PageServer, type Route } from '../../packages/sdk/test/support/browser.js';
import { rollupWidget } from '../../packages/widget/test/support/bundle.js';

const HERE = fileURLToPath(new URL('.', import.meta.url));
const EXAMPLE_SERVER = 'http://localhost:8787';
const read = (file: string) => readFileSync(join(HERE, file), 'utf8');

describe('examples/script-tag as written', () => {
  it('loads the bundle with one script tag and mounts from app.js, with no inline script', () => {
    const html = read('index.html');
    expect(html).toContain(`<script src="${EXAMPLE_SERVER}/quickchat-widget.js"></script>`);
    expect(html).toContain('<script src="app.js"></script>');
    expect(html).toContain('id="chat"');
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(html).not.toMatch(/\son[a-z]+=|\sstyle=/i);
    const app = read('app.js');
    expect(app.match(/QuickChat\.mount\(/g)).toHaveLength(1);
    expect(app).toContain(`url: '${EXAMPLE_SERVER}'`);
    expect(app).toContain("auth: { mode: 'builtin' }");
    expect(app).toContain("layout: 'launcher'");
  });

  it('the README starts the server with the origin the page is served from', () => {
    const readme = read('README.md');
    expect(readme).toContain('npm start -- --allowed-origins http://localhost:8080');
    expect(readme).toContain('python3 -m http.server 8080');
  });
});

const chromium = requireChromium('examples/script-tag');

describe.skipIf(!chromium)('examples/script-tag in Chromium with the real bundle', () => {
  let browser: Browser;
  let build: Awaited<ReturnType<typeof rollupWidget>>;
  let t: TestServer;
  let site: PageServer;
  const routes: Record<string, Route> = {};

  beforeAll(async () => {
    build = await rollupWidget();
    site = await serveStatic(routes);
    t = await startTestServer({ allowNoOrigin: false, allowedOrigins: [site.origin], demo: { widgetBundle: join(build.dir, 'quickchat-widget.js') } });
    const local = (file: string) => read(file).replaceAll(EXAMPLE_SERVER, t.url);
    const ws = t.url.replace(/^http/, 'ws');
    // A strict CSP for the host page: no inline code, scripts only from the site and the server.
    const csp = `default-src 'none'; script-src 'self' ${t.url}; style-src 'self'; connect-src ${t.url} ${ws}; img-src 'self' http: https:`;
    routes['/'] = { body: local('index.html'), contentType: 'text/html; charset=utf-8', headers: { 'content-security-policy': csp } };
    routes['/app.js'] = local('app.js');
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await site?.close();
    await t?.stop();
    build?.dispose();
  });

  it('the launcher opens the sign-in form, a registered user signs in and sees Chats, and the profile loads from the server', async () => {
    await new Rest(t.url).register('scripttag', 'script-tag-password', 'Script Tag');
    const { page, errors, close } = await openPage(browser, site.url, { context: { locale: 'en-US' }, cspViolations: true });
    try {
      // Loaded cross-origin from the server: the one global, mounted into #chat.
      expect(await page.evaluate(() => Object.keys((globalThis as unknown as { QuickChat: object }).QuickChat))).toEqual(['mount']);
      await page.getByRole('button', { name: 'Open chat' }).click();
      const signInShown = await page.waitForFunction(() => {
        const host = document.querySelector('#chat [data-quickchat]');
        return !!host?.shadowRoot?.querySelector('form input[type=password]');
      });
      expect(await signInShown.jsonValue()).toBe(true);

      await page.getByRole('textbox', { name: 'Handle' }).fill('scripttag');
      await page.locator('input[type=password]').fill('script-tag-password');
      await page.getByRole('button', { name: 'Sign in', exact: true }).click();
      await page.getByRole('heading', { name: 'Chats', level: 2 }).waitFor();

      // A lazy part comes from where quickchat-widget.js came from (the server), not from the page's origin.
      const lazy: string[] = [];
      page.on('request', (r) => void (/quickchat-widget-/.test(r.url()) && lazy.push(r.url())));
      await page.getByRole('button', { name: 'Profile' }).click();
      await page.getByRole('button', { name: 'Save profile' }).waitFor();
      expect(lazy).toEqual([expect.stringMatching(new RegExp(`^${t.url}/quickchat-widget-profile-[\\w-]{8}\\.js$`))]);

      expect(errors).toEqual([]);
    } finally {
      await close();
    }
  });
});
