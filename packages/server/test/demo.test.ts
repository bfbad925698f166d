/**
 * Demo mode (`--demo`, what `npm start` runs): off by default; when on, it seeds three friends
 * (alice, bob, carol) and alice's group with the other two, idempotently, serves the demo page (a
 * sample site with the widget's launcher bubble) at `/` under a strict CSP, the widget
 * bundle at `/quickchat-widget.js` and its lazy files (`/quickchat-widget-<name>-<hash>.js`, from
 * the same folder), and the status page at `/status`. The CLI refuses to start without the
 * bundle. In real Chromium, the real rollup bundle mounts on the demo page with no CSP violation,
 * two windows signed in as alice and bob chat (the bubble and the tab's title show the unread
 * count), and the profile screen loads from its lazy file.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AuthResponse, FriendEntry } from '@quickchat/protocol';
import { DEMO_ACCOUNTS, DEMO_GROUP_NAME } from '../src/demo/seed.js';
import { ConfigError, createServer } from '../src/index.js';
import { startTestServer, type TestServer } from './support/server.js';
import { Rest } from './support/rest.js';
import { BROWSER_TIMEOUT_MS, launchChromium, requireChromium, trackErrors } from '../../sdk/test/support/browser.js';
import { rollupWidget } from '../../widget/test/support/bundle.js';

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const FAKE_BUNDLE = 'globalThis.QuickChat = { mount() { return {}; } }; // demo.test fake bundle\n';

const dirs: string[] = [];
const servers: TestServer[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'quickchat-demo-'));
  dirs.push(dir);
  return dir;
};
/** A small stand-in for quickchat-widget.js. */
function fakeBundle(): string {
  const file = join(tempDir(), 'quickchat-widget.js');
  writeFileSync(file, FAKE_BUNDLE);
  return file;
}
async function start(...args: Parameters<typeof startTestServer>): Promise<TestServer> {
  const t = await startTestServer(...args);
  servers.push(t);
  return t;
}

afterEach(async () => {
  for (const t of servers.splice(0)) await t.stop();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function login(rest: Rest, handle: string, password: string) {
  return rest.call<AuthResponse>('POST', '/api/auth/login', { body: { handle, password } });
}

describe('demo mode off (the default)', () => {
  it('GET / is the status page, /quickchat-widget.js is not served, and no demo account exists', async () => {
    const t = await start();
    const page = await fetch(`${t.url}/`);
    const html = await page.text();
    expect(page.status).toBe(200);
    expect(html).toContain('quickchat server is running');
    expect(html).toContain('--demo');
    expect(html).not.toContain('quickchat-widget.js');
    expect((await fetch(`${t.url}/quickchat-widget.js`)).status).toBe(404);
    const rest = new Rest(t.url);
    for (const a of DEMO_ACCOUNTS) expect((await login(rest, a.handle, a.password)).status).toBe(401);
  });
});

describe('demo mode on', () => {
  it('GET / lists the three accounts with their passwords and loads the widget and boot script under a strict CSP', async () => {
    const t = await start({ demo: { widgetBundle: fakeBundle() } });
    const res = await fetch(`${t.url}/`);
    const html = await res.text();
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    for (const a of DEMO_ACCOUNTS) {
      expect(html).toContain(`<code>${a.handle}</code>`);
      expect(html).toContain(`<code>${a.password}</code>`);
      expect(html).toContain(a.displayName);
    }
    expect(html).toContain('<script src="/quickchat-widget.js"></script>');
    expect(html).toContain('<script src="/demo.js"></script>');
    // No inline code: every <script> has a src, no event-handler or style attributes.
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(html).not.toMatch(/\son[a-z]+=|\sstyle=/i);

    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("default-src 'none'");
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|\*/);

    const boot = await fetch(`${t.url}/demo.js`);
    expect(boot.headers.get('content-type')).toMatch(/javascript/);
    const bootCode = await boot.text();
    expect(bootCode).toContain('QuickChat.mount(document.body');
    expect(bootCode).toContain("layout: 'launcher'");
    expect(bootCode).toContain('titleBadge: true');
    expect(bootCode).toContain("auth: { mode: 'builtin' }");
    expect(bootCode).toContain('url: location.origin');
    expect((await fetch(`${t.url}/demo.css`)).status).toBe(200);
  });

  it('serves the bundle file at /quickchat-widget.js, uncached and re-read on each request', async () => {
    const bundle = fakeBundle();
    const t = await start({ demo: { widgetBundle: bundle } });
    const res = await fetch(`${t.url}/quickchat-widget.js`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/javascript/);
    expect(res.headers.get('cache-control')).toBe('no-cache');
    expect(await res.text()).toBe(FAKE_BUNDLE);
    writeFileSync(bundle, '/* rebuilt */');
    expect(await (await fetch(`${t.url}/quickchat-widget.js`)).text()).toBe('/* rebuilt */');
  });

  it('serves the lazy files next to the bundle at /quickchat-widget-<name>-<hash>.js, cacheable for good, and nothing else from that folder', async () => {
    const bundle = fakeBundle();
    const lazy = 'QuickChat.__define(["exports"], function (e) { e.Profile = 1; });\n';
    writeFileSync(join(dirname(bundle), 'quickchat-widget-profile-Bj-DzevI.js'), lazy);
    writeFileSync(join(dirname(bundle), 'secret.js'), 'no');
    const t = await start({ demo: { widgetBundle: bundle } });
    const res = await fetch(`${t.url}/quickchat-widget-profile-Bj-DzevI.js`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/javascript/);
    expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(await res.text()).toBe(lazy);
    expect((await fetch(`${t.url}/quickchat-widget-calls-AAAAAAAA.js`)).status).toBe(404);
    expect((await fetch(`${t.url}/secret.js`)).status).toBe(404);
    expect((await fetch(`${t.url}/quickchat-widget-..%2Fsecret.js`)).status).toBe(404);
  });

  it('keeps the status page at /status', async () => {
    const t = await start({ demo: { widgetBundle: fakeBundle() } });
    const res = await fetch(`${t.url}/status`);
    const html = await res.text();
    expect(res.status).toBe(200);
    expect(html).toContain('quickchat server is running');
    expect(html).toContain('Demo mode is on');
  });

  it('the demo accounts sign in with the listed passwords, are all mutual friends, and share alice\'s demo group', async () => {
    const t = await start({ demo: { widgetBundle: fakeBundle() } });
    const rest = new Rest(t.url);
    const sessions = await Promise.all(DEMO_ACCOUNTS.map((a) => login(rest, a.handle, a.password)));
    expect(sessions.map((s) => [s.status, s.body.user.displayName])).toEqual([
      [200, 'Alice (demo)'],
      [200, 'Bob (demo)'],
      [200, 'Carol (demo)'],
    ]);
    const ids = sessions.map((s) => s.body.user.id as string);
    for (const [i, s] of sessions.entries()) {
      const friends = await rest.call<{ items: FriendEntry[] }>('GET', '/api/friends', { token: s.body.tokens.accessToken });
      expect(friends.body.items.map((f) => [f.user.id, f.status]).sort()).toEqual(ids.filter((_, j) => j !== i).map((id) => [id, 'friends']).sort());
    }
    for (const s of sessions) {
      const list = await rest.call<{ items: { kind: string; group?: { name: string; memberCount: number } }[] }>('GET', '/api/conversations', { token: s.body.tokens.accessToken });
      expect(list.body.items.filter((c) => c.kind === 'group').map((c) => [c.group?.name, c.group?.memberCount])).toEqual([[DEMO_GROUP_NAME, 3]]);
    }
  });

  it('restarting on the same data dir keeps the same accounts and friendship, without failing or duplicating', async () => {
    const dataDir = tempDir();
    const widgetBundle = fakeBundle();
    const first = await start({ dataDir, demo: { widgetBundle } });
    const rest1 = new Rest(first.url);
    const before = await login(rest1, 'alice', 'alice-demo-password');
    const friendsBefore = await rest1.call('GET', '/api/friends', { token: before.body.tokens.accessToken });
    await first.stop();
    servers.splice(servers.indexOf(first), 1);

    const second = await start({ dataDir, demo: { widgetBundle } });
    const rest2 = new Rest(second.url);
    const after = await login(rest2, 'alice', 'alice-demo-password');
    expect(after.status).toBe(200);
    expect(after.body.user.id).toBe(before.body.user.id);
    const friends = await rest2.call<{ items: FriendEntry[] }>('GET', '/api/friends', { token: after.body.tokens.accessToken });
    expect(friends.body).toEqual(friendsBefore.body);
    expect(friends.body.items).toHaveLength(2);
    const list = await rest2.call<{ items: { kind: string }[] }>('GET', '/api/conversations', { token: after.body.tokens.accessToken });
    expect(list.body.items.filter((c) => c.kind === 'group')).toHaveLength(1);
  });

  it('refuses a missing bundle and disabled built-in accounts with a ConfigError', () => {
    const missing = join(tempDir(), 'nope.js');
    expect(() => createServer({ dataDir: tempDir(), demo: { widgetBundle: missing } })).toThrow(ConfigError);
    expect(() => createServer({ dataDir: tempDir(), demo: { widgetBundle: missing } })).toThrow(/npm run build/);
    expect(() =>
      createServer({ dataDir: tempDir(), demo: { widgetBundle: fakeBundle() }, auth: { builtinAccounts: false, external: { issuer: 'host', audience: 'qc', algorithm: 'HS256', key: 'x'.repeat(32) } } }),
    ).toThrow(/built-in accounts/);
  });
});

describe('CLI --demo', () => {
  it('exits 2 with "run `npm run build` first" when the bundle is missing (cwd without a build)', async () => {
    const cwd = tempDir();
    const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
    const env: NodeJS.ProcessEnv = {};
    for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('QUICKCHAT_') && k !== 'PORT' && k !== 'HOST') env[k] = v;
    for (const [args, extraEnv] of [[['--demo'], {}], [[], { QUICKCHAT_DEMO: '1' }]] as const) {
      const child = spawn(process.execPath, ['--conditions=source', '--import', tsx, join(REPO_ROOT, 'packages/server/src/main.ts'), '--port', '0', '--data-dir', join(cwd, 'data'), ...args], {
        cwd,
        env: { ...env, ...extraEnv },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let stderr = '';
      child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
      clearTimeout(timer);
      expect(code, stderr).toBe(2);
      expect(stderr).toContain(join(cwd, 'packages/widget/dist/quickchat-widget.js'));
      expect(stderr).toContain('run `npm run build` first');
    }
  });
});

const chromium = requireChromium('server demo.browser');

describe.skipIf(!chromium)('demo page in Chromium with the real widget bundle', () => {
  let browser: Browser;
  let build: Awaited<ReturnType<typeof rollupWidget>>;
  let t: TestServer;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    build = await rollupWidget();
    t = await startTestServer({ allowNoOrigin: false, demo: { widgetBundle: join(build.dir, 'quickchat-widget.js') } });
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await Promise.all(contexts.map((c) => c.close()));
    await browser?.close();
    await t?.stop();
    build?.dispose();
  });

  /** A new tab on the demo page (in `context`, else in a new window with its own storage), collecting errors and CSP violations. */
  async function openTab(context?: BrowserContext): Promise<{ page: Page; errors: string[] }> {
    if (!context) {
      context = await browser.newContext({ locale: 'en-US' });
      contexts.push(context);
      context.setDefaultTimeout(BROWSER_TIMEOUT_MS);
      context.setDefaultNavigationTimeout(BROWSER_TIMEOUT_MS);
      await context.addInitScript(() => {
        document.addEventListener('securitypolicyviolation', (e) => console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`));
      });
    }
    const page = await context.newPage();
    const errors = trackErrors(page);
    await page.goto(`${t.url}/`);
    return { page, errors };
  }

  async function signIn(page: Page, handle: string, password: string): Promise<void> {
    await page.getByRole('textbox', { name: 'Handle' }).fill(handle);
    await page.locator('input[type=password]').fill(password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('heading', { name: 'Chats', level: 2 }).waitFor();
  }

  it('shows the launcher bubble on the sample site; two tabs of one browser (alice, bob) sign in and chat, the unread count on the bubble and in the title; no CSP violation or console error', async () => {
    const a = await openTab();
    const b = await openTab(a.page.context());
    // The widget's open shadow root is on the page, closed to its launcher bubble.
    for (const tab of [a, b]) await tab.page.getByRole('button', { name: 'Open chat' }).click();
    const mounted = await a.page.waitForFunction(() => {
      const host = document.querySelector('body > [data-quickchat]');
      return !!host?.shadowRoot?.querySelector('form input[type=password]');
    });
    expect(await mounted.jsonValue()).toBe(true);

    await signIn(a.page, 'alice', 'alice-demo-password');
    await signIn(b.page, 'bob', 'bob-demo-password');
    // Bob closes his panel; alice's message then shows on his bubble and in his tab's title (on
    // top of what was unread already: the demo group's "created" notice).
    await b.page.getByRole('button', { name: 'Close chat' }).first().click();
    const countIn = (title: string) => Number(/^\((\d+)\) /.exec(title)?.[1] ?? 0);
    const before = countIn(await b.page.title());
    await a.page.getByRole('button', { name: 'Contacts' }).click();
    await a.page.getByRole('button', { name: 'Message Bob (demo)' }).click();
    const box = a.page.getByRole('textbox', { name: 'Message to Bob (demo)' });
    await box.fill('hello from the demo');
    await box.press('Enter');

    await b.page.waitForFunction((n) => document.title.startsWith(`(${n}) `), before + 1);
    expect(await b.page.title()).toBe(`(${before + 1}) Northwind Coffee · quickchat demo`);
    await b.page.getByRole('button', { name: /Open chat/ }).click();
    await b.page.getByRole('button', { name: /^Alice \(demo\)/ }).click();
    await b.page.getByRole('log', { name: 'Messages with Alice (demo)' }).getByText('hello from the demo').waitFor();
    await b.page.waitForFunction((n) => document.title === (n ? `(${n}) ` : '') + 'Northwind Coffee · quickchat demo', before);

    // Each tab remembers its own sign-in: after a reload alice's tab is still alice's.
    await a.page.reload();
    await a.page.getByRole('button', { name: 'Open chat' }).click();
    await a.page.getByRole('heading', { name: 'Chats', level: 2 }).waitFor();
    await a.page.getByRole('button', { name: /^Bob \(demo\)/ }).click();
    await a.page.getByRole('log', { name: 'Messages with Bob (demo)' }).getByText('hello from the demo').waitFor();

    // The profile screen is a lazy file of the script-tag build, served from next to the bundle.
    await a.page.getByRole('button', { name: 'Back to chats' }).click();
    await a.page.getByRole('button', { name: 'Profile' }).click();
    await a.page.getByRole('button', { name: 'Save profile' }).waitFor();

    expect([...a.errors, ...b.errors]).toEqual([]);
  });
});
