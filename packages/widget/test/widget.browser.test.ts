/**
 * The widget as shipped (`quickchat-widget.js` from rollup) in real Chromium, against the real
 * server, on a hostile page with a strict CSP (no 'unsafe-inline', no 'unsafe-eval'): the
 * built-in accounts flow end to end, CSP violations (none allowed), page CSS that tries to break
 * it, and axe-core on every screen (0 serious/critical violations, light and dark).
 * Skipped (with the reason printed) only when Chromium is missing.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { dmConversationId } from '@quickchat/sdk';
import { BROWSER_TIMEOUT_MS, requireChromium } from '../../sdk/test/support/browser.js';
import { until, type TestServer } from '../../sdk/test/support/sdk-server.js';
import type { WidgetHandle, WidgetOptions } from '../src/options.js';
import { signInWithForm, useWidgetBrowser, type WidgetPageOptions } from './support/browser-page.js';

declare global {
  interface Window {
    axe: { run(context: unknown, options: unknown): Promise<{ violations: { id: string; impact: string | null; help: string; nodes: { target: unknown[] }[] }[] }> };
  }
}

/** Page CSS that would wreck an unisolated widget. */
const HOSTILE_CSS = `
* { font-family: "Comic Sans MS" !important; color: red !important; line-height: 5 !important; }
div:not(#chat) { display: none !important; padding: 40px !important; }
#chat { padding: 40px !important; transform: none !important; }
button { background: red !important; width: 3px !important; }
input, textarea { display: none !important; }
h2 { font-size: 60px !important; }
main { display: block !important; }
`;

const available = requireChromium('widget.browser');

/** Where the end-to-end run leaves screenshots of the main screens (a by-product; README and docs/widget.md show them). */
const IMAGES_DIR = fileURLToPath(new URL('../../../docs/images/', import.meta.url));

/** Saves a screenshot of just the widget panel as docs/images/widget-<name>.png. */
async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(IMAGES_DIR, { recursive: true });
  // Message times are pinned for the picture (and put back after), so the images in the repo
  // change only when the UI does, not with the clock of each run.
  const times = page.locator('.qc-panel time');
  const real = await times.evaluateAll((nodes) => nodes.map((n) => [n.textContent ?? '', (n.textContent = '9:41 AM')][0]!));
  // The host page's own content, which shows through the panel's rounded corners, is hidden
  // too (through the CSSOM: the page's CSP allows no injected stylesheet).
  const hide = (hidden: boolean) => page.evaluate((h) => document.querySelectorAll<HTMLElement>('main > :not(#chat)').forEach((el) => el.style.setProperty('visibility', h ? 'hidden' : '', h ? 'important' : '')), hidden);
  await hide(true);
  await page.locator('.qc-panel').screenshot({ path: `${IMAGES_DIR}widget-${name}.png`, animations: 'disabled', caret: 'hide' });
  await hide(false);
  await times.evaluateAll((nodes, texts) => nodes.forEach((n, i) => (n.textContent = texts[i] ?? n.textContent)), real);
}

describe.skipIf(!available)('widget in Chromium (strict CSP, hostile page, axe)', () => {
  const b = useWidgetBrowser();

  beforeAll(() => {
    const axe = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
    Object.assign(b.routes, { '/axe.js': axe, '/host.css': { body: HOSTILE_CSS, contentType: 'text/css' } });
  });

  /**
   * Opens a page whose CSP allows scripts and styles from itself only (plus `styleSrc`), loads the
   * hostile stylesheet and the widget bundle, then mounts it from an external boot script and loads axe.
   */
  function open(s: TestServer, options: WidgetPageOptions['widget'] & Pick<WidgetPageOptions, 'bootPrelude' | 'styleSrc'>): Promise<Page> {
    const { bootPrelude, styleSrc, ...widget } = options;
    return b.open(s, { widget, bootPrelude, styleSrc, head: '<link rel="stylesheet" href="/host.css">', scripts: ['/axe.js'] });
  }

  /** axe-core over the whole page (it reads open shadow roots): serious and critical violations of `screen`. */
  async function audit(page: Page, screen: string): Promise<string[]> {
    const violations = await page.evaluate(async () => (await window.axe.run(document, { resultTypes: ['violations'] })).violations);
    return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${screen}: ${v.id} (${v.impact}) ${v.help} at ${JSON.stringify(v.nodes.map((n) => n.target))}`);
  }

  /**
   * Opens the thread's emoji picker (button `button`, dialog `dialog`), audits it, searches for
   * `query` and audits the results, then "qqzzxx" and audits "No emoji found", and closes it with
   * Escape (the first one empties the search).
   */
  async function emojiPickerAudit(page: Page, button: string, dialog: string, screen: string, query: string): Promise<string[]> {
    await page.getByRole('button', { name: button }).click();
    const picker = page.getByRole('dialog', { name: dialog });
    await picker.waitFor();
    const found = await audit(page, screen);
    const search = picker.getByRole('searchbox');
    await search.fill(query);
    await picker.getByRole('group').getByRole('button').first().waitFor();
    found.push(...(await audit(page, `${screen}, search results`)));
    await search.fill('qqzzxx');
    await picker.locator('.qc-emoji-status').filter({ hasText: /\S/ }).waitFor();
    found.push(...(await audit(page, `${screen}, nothing found`)));
    await page.keyboard.press('Escape');
    expect(await search.inputValue()).toBe('');
    await page.keyboard.press('Escape');
    await picker.waitFor({ state: 'detached' });
    return found;
  }

  /** The background colour of the widget's button named `name`. */
  function background(page: Page, name: string): Promise<string> {
    return page.getByRole('button', { name, exact: true }).evaluate((b) => getComputedStyle(b).backgroundColor);
  }

  it('built-in accounts end to end: register, befriend, chat, read receipts — with no CSP violation and no a11y violation', async () => {
    const { server: s, rest } = await b.server();
    const bob = await rest.register('bob', 'correct horse battery', 'Bob');
    const page = await open(s, { auth: { mode: 'builtin' }, locale: 'en' });
    const found: string[] = [];

    // Launcher: page CSS can't hide or restyle it.
    const launcher = page.getByRole('button', { name: 'Open chat' });
    await launcher.waitFor({ state: 'visible' });
    expect(await launcher.evaluate((b) => getComputedStyle(b).backgroundColor)).not.toBe('rgb(255, 0, 0)');
    expect(await launcher.evaluate((b) => b.getBoundingClientRect().width)).toBeGreaterThan(40);
    found.push(...(await audit(page, 'launcher closed')));
    await launcher.click();
    found.push(...(await audit(page, 'sign in')));
    await shot(page, 'light-signin');

    await page.getByRole('button', { name: 'New here? Create an account' }).click();
    found.push(...(await audit(page, 'register')));
    await page.getByRole('textbox', { name: 'Handle' }).fill('alice');
    await page.getByRole('textbox', { name: 'Display name' }).fill('Alice');
    await page.locator('input[type=password]').fill('correct horse battery');
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByRole('heading', { name: 'Chats', level: 2 }).waitFor();
    expect(await page.getByRole('heading', { name: 'Chats', level: 2 }).evaluate((h) => getComputedStyle(h).fontSize)).not.toBe('60px');
    await page.waitForFunction(() => window.widget.client?.connectionState === 'connected' && window.widget.client.userId !== '');
    const aliceId = await page.evaluate(() => window.widget.client!.userId);
    found.push(...(await audit(page, 'empty chats')));

    // Bob asks; Alice accepts in Contacts.
    const asked = await rest.call('POST', '/api/friend-requests', { token: bob.token, body: { userId: aliceId, memo: 'hi, it is Bob' } });
    expect(asked.status).toBe(200);
    // Carol asks too, so the contacts screenshot shows a friend and a request.
    const carol = await rest.register('carol', 'correct horse battery', 'Carol');
    expect((await rest.call('POST', '/api/friend-requests', { token: carol.token, body: { userId: aliceId, memo: 'hi, Carol here' } })).status).toBe(200);
    await page.getByRole('button', { name: 'Contacts' }).click();
    const accept = page.getByRole('button', { name: 'Accept Bob' });
    await accept.waitFor();
    found.push(...(await audit(page, 'contacts with a request')));
    // Only the main action looks primary: Decline is secondary (the stylesheet once let .qc-btn win).
    expect(await background(page, 'Decline Bob')).not.toBe(await background(page, 'Accept Bob'));
    await accept.click();
    await page.getByRole('button', { name: 'Message Bob' }).waitFor();
    found.push(...(await audit(page, 'contacts with a friend and a request')));
    await shot(page, 'light-contacts');
    expect(await background(page, 'More actions for Bob')).not.toBe(await background(page, 'Message Bob'));
    await page.getByRole('button', { name: 'More actions for Bob' }).click();
    await page.getByRole('menu', { name: 'More actions for Bob' }).waitFor();
    found.push(...(await audit(page, 'friend menu')));
    await page.getByRole('menuitem', { name: 'Remove friend' }).click();
    await page.getByRole('dialog', { name: 'Remove Bob?' }).waitFor();
    found.push(...(await audit(page, 'confirm dialog')));
    // The destructive confirmation is red, not the accent colour.
    expect(await background(page, 'Remove')).not.toBe(await background(page, 'Cancel'));
    await page.keyboard.press('Escape');
    await page.getByRole('dialog', { name: 'Remove Bob?' }).waitFor({ state: 'detached' });

    // Alice asks Dave, who declines: her sent requests say so (from the SDK's friendship event).
    const dave = await rest.register('dave', 'correct horse battery', 'Dave');
    await page.getByRole('textbox', { name: 'Their handle' }).fill('dave');
    await page.getByRole('button', { name: 'Send friend request' }).click();
    await page.getByRole('button', { name: 'Cancel request to Dave' }).waitFor();
    expect((await rest.call('POST', `/api/friend-requests/${aliceId}/decline`, { token: dave.token })).status).toBeLessThan(300);
    await page.getByRole('button', { name: 'Dismiss the notice about Dave' }).waitFor();
    expect(await page.locator('.qc-person', { hasText: 'Dave' }).textContent()).toContain('Didn’t accept your request');
    expect(await page.getByRole('button', { name: 'Cancel request to Dave' }).count()).toBe(0);
    found.push(...(await audit(page, 'contacts with a declined request')));
    await page.getByRole('button', { name: 'Dismiss the notice about Dave' }).click();
    await page.getByRole('heading', { name: 'Sent requests' }).waitFor({ state: 'detached' });

    // Bob writes, with markup and links in the text.
    const bobClient = await b.connect(s, bob);
    const conv = dmConversationId(aliceId, bob.id);
    bobClient.send(conv, 'hi <img src=x onerror="window.pwned=1"> see https://example.com/x and javascript:alert(1)');
    await page.getByRole('button', { name: 'Chats' }).click();
    const row = page.getByRole('button', { name: /Bob.*1 unread message/ });
    await row.waitFor();
    found.push(...(await audit(page, 'chats with unread')));
    await shot(page, 'light-chats');
    await row.click();
    const log = page.getByRole('log', { name: 'Messages with Bob' });
    await log.getByText('https://example.com/x').waitFor();
    expect(await log.locator('img').count()).toBe(0);
    expect(await page.evaluate(() => (window as { pwned?: number }).pwned)).toBeUndefined();
    const link = log.getByRole('link', { name: 'https://example.com/x' });
    expect(await link.getAttribute('rel')).toBe('noopener noreferrer');
    expect(await link.getAttribute('target')).toBe('_blank');
    expect(await log.getByRole('link').count()).toBe(1);

    // Alice answers with the keyboard; Bob reads it; the tick says so.
    const box = page.getByRole('textbox', { name: 'Message to Bob' });
    await box.fill('hello Bob');
    await box.press('Shift+Enter');
    await box.press('Enter');
    await until(bobClient, () => (bobClient.messages.getState()[conv]?.items ?? []).some((m) => m.senderId === aliceId), BROWSER_TIMEOUT_MS, 'reply at bob');
    const reply = bobClient.messages.getState()[conv]!.items.find((m) => m.senderId === aliceId)!;
    expect(reply.content).toEqual({ type: 'text', text: 'hello Bob' });
    bobClient.markRead(conv);
    await log.getByRole('img', { name: 'Read' }).waitFor();
    found.push(...(await audit(page, 'thread')));
    await shot(page, 'light-thread');
    found.push(...(await emojiPickerAudit(page, 'Insert emoji', 'Emoji', 'emoji picker', 'heart')));

    await page.getByRole('button', { name: 'Back to chats' }).click();
    await page.getByRole('button', { name: 'Profile' }).click();
    await page.getByRole('button', { name: 'Save profile' }).waitFor();
    found.push(...(await audit(page, 'profile')));
    await shot(page, 'light-profile');
    // Sign out: apart from the form, not styled as the primary action, and confirmed first.
    expect(await background(page, 'Sign out')).not.toBe(await background(page, 'Save profile'));
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('dialog', { name: 'Sign out?' }).waitFor();
    found.push(...(await audit(page, 'sign-out dialog')));
    await page.keyboard.press('Escape');
    await page.getByRole('dialog', { name: 'Sign out?' }).waitFor({ state: 'detached' });
    expect(await page.evaluate(() => window.widget.client?.connectionState)).toBe('connected');

    expect(await page.evaluate(() => window.violations)).toEqual([]);
    expect(found).toEqual([]);
  });

  it('dark theme, inline, host-signed token: no a11y violation; unmount leaves the page as it was', async () => {
    const { server: s, rest } = await b.server();
    const alice = await rest.register('alice', 'correct horse battery', 'Alice');
    const bob = await rest.register('bob', 'correct horse battery', 'Bob');
    await rest.befriend(alice, bob);
    const bobClient = await b.connect(s, bob);
    bobClient.send(dmConversationId(alice.id, bob.id), 'a message for the dark theme: https://example.com/dark');
    await until(bobClient, () => (bobClient.messages.getState()[dmConversationId(alice.id, bob.id)]?.items[0]?.state ?? 'pending') !== 'pending', BROWSER_TIMEOUT_MS, 'stored');

    const page = await open(s, { auth: { token: alice.token }, layout: 'inline', theme: 'dark', locale: 'zh-CN' });
    const before = await page.evaluate(() => document.body.innerHTML.replace(/<div data-quickchat=""[^>]*><\/div>/, ''));
    const found: string[] = [];
    await page.getByRole('heading', { name: '会话', level: 2 }).waitFor();
    await page.getByRole('button', { name: /Bob/ }).click();
    await page.getByRole('log').getByText('a message for the dark theme').waitFor();
    found.push(...(await audit(page, 'dark thread')));
    found.push(...(await emojiPickerAudit(page, '插入表情', '表情', 'dark emoji picker', '猫')));
    await page.getByRole('button', { name: '返回会话列表' }).click();
    await page.getByRole('button', { name: /Bob/ }).waitFor();
    found.push(...(await audit(page, 'dark chats')));
    await page.getByRole('button', { name: '联系人' }).click();
    await page.getByRole('button', { name: '给 Bob 发消息' }).waitFor();
    found.push(...(await audit(page, 'dark contacts')));
    expect(found).toEqual([]);

    await page.evaluate(() => window.widget.unmount());
    expect(await page.evaluate(() => document.body.innerHTML)).toBe(before);
    expect(await page.evaluate(() => window.violations)).toEqual([]);

    // Screenshots for the docs (a by-product): the same screens again, dark, in English (the test
    // browser has no CJK font), in the launcher panel so they match the light ones in size.
    await page.evaluate(([url, token]) => {
      const { QuickChat } = window as unknown as { QuickChat: { mount(target: string, options: WidgetOptions): WidgetHandle } };
      window.widget = QuickChat.mount('#chat', { url, auth: { token }, theme: 'dark', locale: 'en' });
      window.widget.open();
    }, [s.url, alice.token] as const);
    await page.getByRole('button', { name: /Bob/ }).click();
    await page.getByRole('log', { name: 'Messages with Bob' }).getByText('a message for the dark theme').waitFor();
    await shot(page, 'dark-thread');
    await page.getByRole('button', { name: 'Back to chats' }).click();
    await page.getByRole('button', { name: /Bob/ }).waitFor();
    await shot(page, 'dark-chats');
    await page.getByRole('button', { name: 'Contacts' }).click();
    await page.getByRole('button', { name: 'Message Bob' }).waitFor();
    await shot(page, 'dark-contacts');
  });

  it('a sign-in ended elsewhere: the sign-in form that says so has no a11y violation', async () => {
    const { server: s, rest } = await b.server();
    const alice = await rest.register('alice', 'correct horse battery', 'Alice');
    const page = await open(s, { auth: { mode: 'builtin' }, layout: 'inline', locale: 'en' });
    await signInWithForm(page, alice);
    await b.endSignInElsewhere(page, s);
    expect(await audit(page, 'signed out')).toEqual([]);
    expect(await page.evaluate(() => window.violations)).toEqual([]);
  });

  it('without constructable stylesheets, styles come from a <style> carrying the nonce', async () => {
    const { server: s, rest } = await b.server();
    const alice = await rest.register('alice', 'correct horse battery', 'Alice');
    const page = await open(s, {
      auth: { token: alice.token },
      nonce: 'n0nce-for-test',
      styleSrc: " 'nonce-n0nce-for-test'",
      bootPrelude: 'delete ShadowRoot.prototype.adoptedStyleSheets; delete Document.prototype.adoptedStyleSheets;',
    });
    const launcher = page.getByRole('button', { name: 'Open chat' });
    await launcher.waitFor({ state: 'visible' });
    expect(await launcher.evaluate((b) => getComputedStyle(b).position)).toBe('fixed');
    expect(await page.evaluate(() => document.querySelector('[data-quickchat]')!.shadowRoot!.querySelector('style')?.nonce)).toBe('n0nce-for-test');
    expect(await page.evaluate(() => window.violations)).toEqual([]);
  });
});
