/**
 * The script-tag build loads its lazy parts (profile screen, emoji picker, emoji search words)
 * as files of their own from next to quickchat-widget.js, in real Chromium, from the rollup build:
 *
 * 1. Under a nonce-only CSP (`script-src 'nonce-…'`: no 'self', no 'strict-dynamic'), with no
 *    `nonce` option: the lazy files are requested only on first use, from the main file's folder,
 *    and carry the nonce of the `<script>` tag that loaded quickchat-widget.js; the picker, its
 *    search and the profile screen work, with no CSP violation.
 * 2. The `nonce` mount option is the one lazy files carry (the main file is allowed by its URL).
 * 3. A CSP that allows only the main file: the picker and the profile screen say in words that
 *    they could not be loaded, with Try again (screenshots: $TMPDIR/qc-script-tag-*.png), never a blank.
 * 4. A missing lazy file (404): the same, and Try again loads it once it is there.
 *
 * Skipped (with the reason printed) only when Chromium is missing.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { requireChromium } from '../../sdk/test/support/browser.js';
import { SCRIPT_TAG_MAIN, sendStored, useWidgetBrowser, type Friends, type WidgetPageOptions } from './support/browser-page.js';

const available = requireChromium('widget-script-tag.browser');
const NONCE = 'c2NyaXB0LXRhZy1ub25jZQ';
/** The script-tag build's lazy files, as the page requests them. */
const LAZY = /\/quickchat-widget-[\w-]+\.js$/;

describe.skipIf(!available)('widget script-tag build: lazy files next to quickchat-widget.js (Chromium)', () => {
  const b = useWidgetBrowser();

  /** Alice's inline widget with a chat from Bob, on a page with `page`'s CSP; records requests for lazy files. */
  async function openChat(f: Friends, page: Pick<WidgetPageOptions, 'scriptSrc' | 'scriptNonce'>, widget: Partial<WidgetPageOptions['widget']> = {}) {
    await sendStored(f.bobClient, f.conv, ['hello Alice']);
    const p = await b.open(f.s, { ...page, widget: { auth: { token: f.alice.token }, layout: 'inline', locale: 'en', ...widget } });
    const lazy: string[] = [];
    p.on('request', (r) => void (LAZY.test(r.url()) && lazy.push(r.url())));
    await p.getByRole('button', { name: /Bob/ }).click();
    await p.getByRole('textbox', { name: 'Message to Bob' }).waitFor();
    return { page: p, lazy };
  }

  /** The nonce of every lazy file's `<script>` element while it is in the page (the loader removes them once run). */
  const watchScriptNonces = (page: Page) =>
    page.evaluate(() => {
      const nonces: string[] = [];
      new MutationObserver((records) => {
        for (const r of records) for (const n of r.addedNodes) if (n instanceof HTMLScriptElement && /quickchat-widget-/.test(n.src)) nonces.push(n.nonce);
      }).observe(document.head, { childList: true });
      (window as unknown as { lazyNonces: string[] }).lazyNonces = nonces;
    });
  const lazyNonces = (page: Page) => page.evaluate(() => (window as unknown as { lazyNonces: string[] }).lazyNonces);

  /** Opens the emoji picker, searches "heart" and picks the first result into the composer. */
  async function pickHeart(page: Page): Promise<void> {
    await page.getByRole('button', { name: 'Insert emoji' }).click();
    const picker = page.getByRole('dialog', { name: 'Emoji' });
    await picker.getByRole('searchbox').fill('heart');
    await picker.getByRole('group', { name: 'Search results' }).getByRole('button').first().click();
    await picker.waitFor({ state: 'detached' });
    expect(await page.getByRole('textbox', { name: 'Message to Bob' }).inputValue()).toMatch(/\p{Extended_Pictographic}/u);
  }

  /** Goes from the thread to the profile screen and waits for its form. */
  async function openProfile(page: Page): Promise<void> {
    await page.getByRole('button', { name: 'Back to chats' }).click();
    await page.getByRole('button', { name: 'Profile' }).click();
    await page.getByRole('button', { name: 'Save profile' }).waitFor();
  }

  it('under a nonce-only CSP, loads the picker, its search words and the profile from next to the main file, on first use, with the page’s nonce', async () => {
    const f = await b.friends();
    const { page, lazy } = await openChat(f, { scriptSrc: `'nonce-${NONCE}'`, scriptNonce: NONCE });
    await watchScriptNonces(page);
    expect(lazy).toEqual([]); // nothing lazy is fetched before it is used

    await pickHeart(page);
    await openProfile(page);

    const folder = new URL('./', new URL(SCRIPT_TAG_MAIN, b.pages.origin)).href;
    const names = lazy.map((url) => url.slice(folder.length).replace(/-[\w-]{8}\.js$/, ''));
    expect(names).toEqual(['quickchat-widget-emoji-picker', 'quickchat-widget-emoji-search', 'quickchat-widget-profile']);
    expect(lazy.every((url) => url.startsWith(folder))).toBe(true);
    expect(await lazyNonces(page)).toEqual([NONCE, NONCE, NONCE]);
    // One global, and no lazy file's <script> left behind.
    expect(await page.evaluate(() => Object.keys((globalThis as unknown as { QuickChat: object }).QuickChat))).toEqual(['mount']);
    expect(await page.locator('script[src*="quickchat-widget-"]').count()).toBe(0);
    expect(await page.evaluate(() => window.violations)).toEqual([]);
  });

  it('loads lazy files with the nonce given to mount()', async () => {
    const f = await b.friends();
    const origin = b.pages.origin;
    // The page's own scripts are allowed by URL; only the lazy files need the nonce.
    const { page } = await openChat(f, { scriptSrc: `${origin}${SCRIPT_TAG_MAIN} ${origin}/boot.js 'nonce-${NONCE}'` }, { nonce: NONCE });
    await watchScriptNonces(page);
    await openProfile(page);
    expect(await lazyNonces(page)).toEqual([NONCE]);
    expect(await page.evaluate(() => window.violations)).toEqual([]);
  });

  it('says in words, with Try again, when the page’s CSP refuses the lazy files', async () => {
    const f = await b.friends();
    const origin = b.pages.origin;
    b.expectErrors(/the script '[^']*\/quickchat-widget-[\w-]+\.js' violates the following Content Security Policy/);
    const { page } = await openChat(f, { scriptSrc: `${origin}${SCRIPT_TAG_MAIN} ${origin}/boot.js` });

    await page.getByRole('button', { name: 'Insert emoji' }).click();
    const dialog = page.getByRole('dialog', { name: 'Emoji' });
    await expect.poll(() => dialog.getByRole('alert').textContent()).toBe('This part of the chat could not be loaded. Try again');
    expect(await dialog.getByRole('button', { name: 'Try again' }).evaluate((el) => el === (el.getRootNode() as ShadowRoot).activeElement)).toBe(true);
    await shot(page, 'script-tag-emoji-refused');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    expect(await page.getByRole('button', { name: 'Emoji could not be loaded. Try again' }).count()).toBe(1);

    await page.getByRole('button', { name: 'Back to chats' }).click();
    await page.getByRole('button', { name: 'Profile' }).click();
    await page.getByRole('alert').filter({ hasText: 'This part of the chat could not be loaded.' }).getByRole('button', { name: 'Try again' }).waitFor();
    await shot(page, 'script-tag-profile-refused');
    const violations = await page.evaluate(() => window.violations);
    expect(violations.length).toBeGreaterThanOrEqual(2);
    expect(violations.every((v) => /^script-src(-elem)? .*\/quickchat-widget-(emoji-picker|profile)-[\w-]{8}\.js$/.test(v))).toBe(true);
  });

  it('says so when a lazy file is missing (404), and Try again loads it once it is there', async () => {
    const [picker, profile] = ['emoji-picker', 'profile'].map((name) => Object.keys(b.routes).find((r) => r.startsWith(`/quickchat-widget-${name}-`))!);
    const saved = { picker: b.routes[picker!]!, profile: b.routes[profile!]! };
    const f = await b.friends();
    b.expectErrors(/status of 404/);
    delete b.routes[picker!];
    delete b.routes[profile!];
    try {
      const { page } = await openChat(f, {});
      await page.getByRole('button', { name: 'Insert emoji' }).click();
      const dialog = page.getByRole('dialog', { name: 'Emoji' });
      const retry = dialog.getByRole('alert').getByRole('button', { name: 'Try again' });
      await retry.waitFor();
      b.routes[picker!] = saved.picker;
      await retry.click();
      await page.getByRole('dialog', { name: 'Emoji' }).getByRole('searchbox').waitFor();
      await page.keyboard.press('Escape');

      await page.getByRole('button', { name: 'Back to chats' }).click();
      await page.getByRole('button', { name: 'Profile' }).click();
      const again = page.getByRole('alert').getByRole('button', { name: 'Try again' });
      await again.waitFor();
      b.routes[profile!] = saved.profile;
      await again.click();
      await page.getByRole('button', { name: 'Save profile' }).waitFor();
      expect(await page.evaluate(() => window.violations)).toEqual([]);
    } finally {
      Object.assign(b.routes, { [picker!]: saved.picker, [profile!]: saved.profile });
    }
  });
});

/** Saves a screenshot of the widget panel as $TMPDIR/qc-<name>.png, to look at. */
async function shot(page: Page, name: string): Promise<void> {
  await page.locator('.qc-panel').screenshot({ path: join(tmpdir(), `qc-${name}.png`), animations: 'disabled', caret: 'hide' });
}
