/**
 * The widget as shipped (the rollup IIFE bundle) in real Chromium, against the real server:
 *
 * 1. Hostile user content never runs. With NO CSP on the page (so only the widget's own rendering
 *    stands between a payload and execution), XSS payloads in a display name, a signature, an
 *    avatar URL, a friend-request memo, messages from a peer and a message typed in the composer
 *    are shown literally on every screen that shows them; no payload sets `window.__xss`; the
 *    shadow root never holds script/iframe/svg elements, `on*` attributes, or non-http(s) URLs.
 *    The same for a group's name (chat list, group thread, group info, the leave confirmation), a
 *    member's name in the group, the names of an image and a file and the caption sent with them
 *    (DM thread, lightbox). Reactions can't carry a payload: the server refuses anything but
 *    exactly one emoji, and one-emoji sequences (skin tones, ZWJ, a flag) show as text.
 * 2. Everything works from the keyboard alone (Tab, Shift+Tab, Enter, Escape, typing; no clicks):
 *    open the launcher, sign in, open a chat, send, go back, open Contacts, a friend's More menu
 *    (arrow keys, Escape), the remove-friend dialog traps focus and gives it back, Escape closes the panel and focus returns to the
 *    launcher; every control that takes focus shows a focus indicator.
 *
 * Skipped (with the reason printed) only when Chromium is missing.
 */
import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { dmConversationId } from '@quickchat/sdk';
import { groupsOf } from '@quickchat/sdk/groups';
import { messagesOf } from '@quickchat/sdk/messages';
import { BROWSER_TIMEOUT_MS, requireChromium } from '../../sdk/test/support/browser.js';
import { until } from '../../sdk/test/support/sdk-server.js';
import { sendStored, useWidgetBrowser } from './support/browser-page.js';
import { png } from './support/png.js';

declare global {
  interface Window {
    __xss?: unknown;
  }
}

const available = requireChromium('widget-safety.browser');

/** A 1×1 PNG, served as the avatar so the `<img>` really loads. */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=', 'base64');

const BOB_NAME = `<img src=x onerror="window.__xss='name'">`;
const BOB_SIGNATURE = `<svg onload="window.__xss='sig'"></svg> {{constructor.constructor('window.__xss=1')()}} \u202Egnp.exe ${'W'.repeat(100)}`;
const MEMO = `"><iframe srcdoc="<script>parent.__xss='memo'</script>"> <a href="javascript:window.__xss='memo-a'">x</a>`;
const AVATAR_QUERY = `"><img src=x onerror="window.__xss='avatar'">`;
const ALICE_NAME = `<script>window.__xss='me'</script>`;
const ALICE_SIGNATURE = `<img src=x onerror="window.__xss='my-sig'">`;
const CAROL_NAME = `<iframe src="javascript:parent.__xss='carol'">`;
const LONG_WORD = 'A'.repeat(3000);
/** What Bob sends, in order; the last one is the chats list preview. */
const FROM_BOB = [
  `<svg onload="window.__xss='svg'">`,
  `<script>window.__xss='script'</script>`,
  `"><iframe srcdoc="<script>parent.__xss='iframe'</script>">`,
  `javascript:window.__xss='href'`,
  `[x](javascript:window.__xss='md')`,
  `<a href="javascript:window.__xss='a'">x</a>`,
  `{{constructor.constructor('window.__xss=1')()}}`,
  `\u202Etxt.exe bidi`,
  `see https://example.com/a?q="><img src=x onerror=window.__xss='link'> and https://example.com/'onmouseover='window.__xss=1'`,
  LONG_WORD,
  `<img src=x onerror="window.__xss='img'">`,
];
const FROM_ALICE = `<img src=x onerror="window.__xss='alice'"> javascript:window.__xss='alice-href'`;
/** A group's name (at most 64 characters, one line). */
const GROUP_NAME = `<img src=x onerror="window.__xss='group'">`;
/** What Carol (whose name is a payload) says in the group. */
const IN_GROUP = `<svg onload="window.__xss='group-svg'"></svg> {{constructor.constructor('window.__xss=1')()}}`;
/** Attachment names (file names may hold no path separator, so no closing tags). */
const IMAGE_NAME = `"><img src=x onerror="window.__xss='file'">.png`;
const FILE_NAME = `<svg onload="window.__xss='pdf'"> {{constructor.constructor('window.__xss=1')()}}.pdf`;
/** The caption sent with the files. */
const CAPTION = `<iframe srcdoc="<script>parent.__xss='caption'</script>"> [x](javascript:window.__xss='caption-md') <a href="javascript:window.__xss='caption-a'">x</a>`;
/** Reactions the server must refuse: markup, markup next to an emoji, two emoji. */
const HOSTILE_REACTIONS = [`<img src=x onerror="window.__xss='reaction'">`, `👍<svg onload="window.__xss=1">`, '👍👍', 'javascript:alert(1)'];
/** Legitimate reactions that are one emoji of several code points: skin tones, ZWJ sequences, a flag. */
const RICH_REACTIONS = ['👍🏿', '👩🏽‍💻', '🏳️‍🌈', '👨‍👩‍👧‍👦'];
/** The start of a PDF (the server tells types from their bytes). */
const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n', 'latin1');

/** What the widget's DOM holds that could run code or lead somewhere unsafe. */
interface Audit {
  xss: unknown;
  banned: string[];
  handlers: string[];
  badUrls: string[];
  badLinks: string[];
  links: number;
  images: number;
  pageExtras: string[];
}

/** Audits the page: `window.__xss`, the widget's shadow root, and the host document around it. */
function audit(page: Page): Promise<Audit> {
  return page.evaluate(() => {
    const root = document.querySelector('[data-quickchat]')!.shadowRoot!;
    const all = [...root.querySelectorAll('*')];
    const http = (url: string) => {
      try {
        return /^https?:$/.test(new URL(url, document.baseURI).protocol);
      } catch {
        return false;
      }
    };
    const URL_ATTRS = ['href', 'src', 'srcset', 'srcdoc', 'action', 'formaction', 'data', 'poster', 'xlink:href', 'background'];
    return {
      xss: window.__xss,
      // The widget's own icons are the one kind of SVG it renders: marked `data-qc-icon`, and
      // made of nothing but paths (no script, link, foreignObject or animation can hide there).
      banned: all
        .filter((e) => ['script', 'iframe', 'frame', 'object', 'embed', 'svg', 'math', 'base', 'meta', 'link'].includes(e.localName) || (e.closest('svg') !== null && e.localName !== 'path' && e.localName !== 'svg'))
        .filter((e) => !(e.localName === 'svg' && e.hasAttribute('data-qc-icon') && [...e.querySelectorAll('*')].every((c) => c.localName === 'path')))
        .map((e) => e.outerHTML),
      handlers: all.flatMap((e) => [...e.attributes].filter((a) => /^on/i.test(a.name)).map((a) => `${e.localName}[${a.name}]`)),
      badUrls: all.flatMap((e) => [...e.attributes].filter((a) => URL_ATTRS.includes(a.name.toLowerCase()) && !(a.name !== 'srcdoc' && http(a.value))).map((a) => `${e.localName}[${a.name}=${a.value}]`)),
      badLinks: [...root.querySelectorAll('a')].filter((a) => !http(a.href) || a.rel !== 'noopener noreferrer' || a.target !== '_blank').map((a) => a.outerHTML),
      links: root.querySelectorAll('a').length,
      images: root.querySelectorAll('img').length,
      // Nothing got out of the shadow root into the host page either.
      pageExtras: [...document.querySelectorAll('script:not([src]), iframe, svg, img, object, embed')].map((e) => e.outerHTML).concat(window.frames.length ? ['a frame'] : []),
    };
  });
}

/** Asserts the page is clean after `screen`; returns the audit for screen-specific counts. */
async function expectClean(page: Page, screen: string): Promise<Audit> {
  const found = await audit(page);
  const { links: _links, images: _images, ...unsafe } = found;
  expect({ screen, ...unsafe }).toEqual({ screen, xss: undefined, banned: [], handlers: [], badUrls: [], badLinks: [], pageExtras: [] });
  return found;
}

/** Waits until `text` (a substring, taken literally) is visible inside `scope`. */
async function seeText(scope: Page | Locator, text: string): Promise<void> {
  await scope.getByText(text, { exact: false }).first().waitFor({ state: 'visible' });
}

/** The text of each message bubble in the open thread (screen-reader prefix included). */
function bubbles(log: Locator): Promise<string[]> {
  return log.locator('.qc-bubble').evaluateAll((els) => els.map((e) => e.textContent ?? ''));
}

/** Where the keyboard focus is: the deepest active element, through shadow roots. */
interface Focused {
  where: 'page' | 'widget' | 'nowhere';
  role: string;
  name: string;
  /** Inside a modal dialog. */
  inDialog: boolean;
  /** An outline that no scrolling or clipping ancestor cuts off, or a box-shadow, is drawn around it. */
  indicator: boolean;
}

/** Describes the deep active element (role, accessible name, whether its focus is visible). */
function focused(page: Page): Promise<Focused> {
  return page.evaluate(() => {
    let el: Element | null = document.activeElement;
    while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
    if (!el || el === document.body) return { where: 'nowhere' as const, role: '', name: '', inDialog: false, indicator: false };
    const text = (node: Node): string => {
      if (node.nodeType === Node.TEXT_NODE) return node.textContent ?? '';
      if (node instanceof Element && node.getAttribute('aria-hidden') === 'true') return '';
      return [...node.childNodes].map(text).join('');
    };
    const labelled = el.getAttribute('aria-labelledby');
    const root = el.getRootNode() as Document | ShadowRoot;
    const labels = 'labels' in el ? [...((el as HTMLInputElement).labels ?? [])] : [];
    const name = el.getAttribute('aria-label') ?? (labelled ? root.getElementById(labelled)?.textContent : null) ?? (labels.length ? labels.map(text).join(' ') : text(el));
    const tag = el.localName;
    const type = el.getAttribute('type');
    const role = el.getAttribute('role') ?? (tag === 'a' ? 'link' : tag === 'textarea' ? 'textbox' : tag === 'input' ? (type === 'search' ? 'searchbox' : type === 'password' ? 'password' : 'textbox') : /^h\d$/.test(tag) ? 'heading' : tag);
    // The outline's box must fit inside every ancestor that clips (overflow other than visible).
    const style = getComputedStyle(el);
    const outlined = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
    const grow = outlined ? Math.max(0, parseFloat(style.outlineWidth) + parseFloat(style.outlineOffset)) : 0;
    const r = el.getBoundingClientRect();
    let clipped = false;
    for (let a: Element | null = el.parentElement ?? ((el.getRootNode() as ShadowRoot).host ?? null); a; a = a.parentElement ?? ((a.getRootNode() as ShadowRoot).host ?? null)) {
      const s = getComputedStyle(a);
      if (s.overflowX === 'visible' && s.overflowY === 'visible') continue;
      const c = a.getBoundingClientRect();
      const [left, top] = [c.left + a.clientLeft, c.top + a.clientTop];
      if (r.left - grow < left - 0.5 || r.top - grow < top - 0.5 || r.right + grow > left + a.clientWidth + 0.5 || r.bottom + grow > top + a.clientHeight + 0.5) clipped = true;
    }
    return {
      where: root === document ? ('page' as const) : ('widget' as const),
      role,
      name: name.replace(/\s+/g, ' ').trim(),
      inDialog: el.closest('[role=dialog][aria-modal=true]') !== null,
      indicator: (outlined && !clipped) || style.boxShadow !== 'none',
    };
  });
}

/** Waits until the focus is on an element described by `want`. */
async function expectFocus(page: Page, want: Partial<Omit<Focused, 'name'>> & { name?: string | RegExp }): Promise<void> {
  const { name, ...rest } = want;
  await expect
    .poll(() => focused(page), { timeout: BROWSER_TIMEOUT_MS })
    .toMatchObject({ ...rest, ...(name === undefined ? {} : { name: typeof name === 'string' ? name : expect.stringMatching(name) }) });
}

/**
 * Presses `key` (Tab or Shift+Tab) until the focused element has `role` and `name`, at most
 * `max` times. Every widget control passed on the way must show a focus indicator; focus must
 * never fall off the page.
 */
async function tabTo(page: Page, key: 'Tab' | 'Shift+Tab', role: string, name: string | RegExp, max = 10): Promise<Focused> {
  const path: Focused[] = [];
  for (let i = 0; i < max; i++) {
    await page.keyboard.press(key);
    const now = await focused(page);
    path.push(now);
    expect(now.where, `focus fell off the page after ${JSON.stringify(path)}`).not.toBe('nowhere');
    if (now.where === 'widget' && now.role !== 'heading') expect(now.indicator, `no visible focus on ${now.role} "${now.name}"`).toBe(true);
    if (now.role === role && (typeof name === 'string' ? now.name === name : name.test(now.name))) return now;
  }
  throw new Error(`${key} ×${max} never reached ${role} "${String(name)}"; focus went through ${JSON.stringify(path.map((f) => `${f.where} ${f.role} ${f.name}`))}`);
}

describe.skipIf(!available)('widget safety and keyboard use in Chromium', () => {
  const h = useWidgetBrowser();

  it('XSS payloads in names, signatures, avatars, memos and messages are shown as text and never run (page without CSP)', async () => {
    const { server: s, rest } = await h.server();
    h.routes['/avatar.png'] = { body: PNG, contentType: 'image/png' };
    const alice = await rest.register('alice', 'correct horse battery', 'Alice');
    const bob = await rest.register('bob', 'correct horse battery', 'Bob');
    await rest.register('carol', 'correct horse battery', CAROL_NAME);

    // The server refuses avatar URLs that are not http(s) images; an http(s) URL full of markup passes.
    const patch = (token: string, body: object) => rest.call('PATCH', '/api/me', { token, body });
    for (const avatarUrl of [`javascript:window.__xss='avatar'`, `data:image/png;base64,${PNG.toString('base64')}`, `${h.pages.origin}/x.svg`, `"><img src=x onerror=alert(1)>`]) {
      expect((await patch(bob.token, { avatarUrl })).status, avatarUrl).toBe(400);
    }
    const avatarUrl = `${h.pages.origin}/avatar.png?${AVATAR_QUERY}`;
    const bobProfile = await patch(bob.token, { displayName: BOB_NAME, signature: BOB_SIGNATURE, avatarUrl });
    expect(bobProfile.status).toBe(200);
    expect(bobProfile.body).toMatchObject({ displayName: BOB_NAME, signature: BOB_SIGNATURE, avatarUrl });
    expect((await patch(alice.token, { displayName: ALICE_NAME, signature: ALICE_SIGNATURE })).status).toBe(200);
    expect((await rest.call('POST', '/api/friend-requests', { token: bob.token, body: { userId: alice.id, memo: MEMO } })).status).toBe(200);

    const page = await h.open(s, { csp: 'none', widget: { auth: { token: alice.token }, open: true, locale: 'en' } });
    await page.getByRole('heading', { name: 'Chats', level: 2 }).waitFor();
    await expectClean(page, 'empty chats');

    // Contacts: Bob's request, with his name, memo and avatar.
    await page.getByRole('button', { name: 'Contacts', exact: true }).click();
    const request = page.locator('.qc-person', { has: page.getByRole('button', { name: `Accept ${BOB_NAME}`, exact: true }) });
    await seeText(request, BOB_NAME);
    await seeText(request, MEMO);
    const avatar = request.locator('img');
    await page.waitForFunction(() => (document.querySelector('[data-quickchat]')!.shadowRoot!.querySelector('.qc-person img') as HTMLImageElement | null)?.naturalWidth === 1);
    expect(await avatar.getAttribute('src')).toBe(new URL(avatarUrl).href);
    expect(await avatar.getAttribute('src')).not.toMatch(/["<>]/);
    expect((await expectClean(page, 'contacts with a request')).images).toBe(1);

    // Alice asks Carol (whose name is a payload): the status line and the sent request show it.
    await page.getByRole('textbox', { name: 'Their handle' }).fill('carol');
    await page.getByRole('button', { name: 'Send friend request' }).click();
    await seeText(page.getByRole('form', { name: 'Add a friend' }).getByRole('status'), `Friend request sent to ${CAROL_NAME}.`);
    await page.getByRole('button', { name: `Cancel request to ${CAROL_NAME}`, exact: true }).waitFor();
    await expectClean(page, 'contacts with a sent request');

    // Accepting: Bob is a friend, shown with his signature; the remove dialog names him.
    await page.getByRole('button', { name: `Accept ${BOB_NAME}`, exact: true }).click();
    const friend = page.locator('.qc-person', { has: page.getByRole('button', { name: `Message ${BOB_NAME}`, exact: true }) });
    await seeText(friend, BOB_NAME);
    await seeText(friend, BOB_SIGNATURE.slice(0, 60));
    expect(await friend.locator('.qc-preview').textContent()).toBe(BOB_SIGNATURE);
    await expectClean(page, 'contacts with a friend');
    await page.getByRole('button', { name: `More actions for ${BOB_NAME}`, exact: true }).click();
    await page.getByRole('menu', { name: `More actions for ${BOB_NAME}`, exact: true }).waitFor();
    await expectClean(page, 'friend menu');
    await page.getByRole('menuitem', { name: 'Remove friend' }).click();
    const dialog = page.getByRole('dialog', { name: `Remove ${BOB_NAME}?`, exact: true });
    await seeText(dialog, `${BOB_NAME} will no longer be your friend.`);
    await expectClean(page, 'remove dialog');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });

    // Bob writes; the chats list shows his name and the last message.
    const bobClient = await h.connect(s, bob);
    const conv = dmConversationId(alice.id, bob.id);
    for (const text of FROM_BOB) bobClient.send(conv, text);
    await page.getByRole('button', { name: 'Chats', exact: true }).click();
    await page.getByRole('button', { name: new RegExp(`${FROM_BOB.length} unread messages`) }).waitFor();
    const row = page.locator(`[data-conversation="${conv}"]`);
    await seeText(row, BOB_NAME);
    expect(await row.locator('[data-preview]').textContent()).toBe(FROM_BOB.at(-1));
    await expectClean(page, 'chats');

    // The thread: header, every message literally, links safe when hovered and focused, typing.
    await row.click();
    const log = page.getByRole('log', { name: `Messages with ${BOB_NAME}`, exact: true });
    await seeText(log, FROM_BOB.at(-1)!);
    expect(await page.getByRole('heading', { level: 2 }).textContent()).toBe(BOB_NAME);
    await log.getByRole('button', { name: 'Show more' }).click();
    expect(await bubbles(log)).toEqual(FROM_BOB.map((text) => `${BOB_NAME}: ${text}`));
    for (const text of FROM_BOB.filter((t) => t !== LONG_WORD)) await seeText(log, text.slice(0, 40));
    expect(await log.evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true); // the long word wraps
    const links = log.getByRole('link');
    expect(await links.evaluateAll((as) => as.map((a) => a.getAttribute('href')))).toEqual(['https://example.com/a?q=', "https://example.com/'onmouseover='window.__xss=1"]);
    for (const link of await links.all()) {
      await link.hover();
      await link.focus();
    }
    expect((await expectClean(page, 'thread')).links).toBe(2);
    bobClient.setTyping(conv, true);
    await seeText(page, `${BOB_NAME} is typing…`);
    await expectClean(page, 'thread with typing');

    // Alice types a payload herself: it goes out as text and shows as text in her own bubble.
    const box = page.getByRole('textbox', { name: `Message to ${BOB_NAME}`, exact: true });
    await box.fill(FROM_ALICE);
    await box.press('Enter');
    await seeText(log.locator('.qc-own'), FROM_ALICE);
    expect((await bubbles(log)).at(-1)).toBe(`You: ${FROM_ALICE}`);
    await until(bobClient, () => (bobClient.messages.getState()[conv]?.items ?? []).some((m) => m.senderId === alice.id), BROWSER_TIMEOUT_MS, 'alice’s message at bob');
    expect(bobClient.messages.getState()[conv]!.items.find((m) => m.senderId === alice.id)!.content).toEqual({ type: 'text', text: FROM_ALICE });
    await expectClean(page, 'thread after sending');
    await page.getByRole('button', { name: 'Back to chats' }).click();
    expect(await row.locator('[data-preview]').textContent()).toBe(`You: ${FROM_ALICE}`);
    await expectClean(page, 'chats after sending');

    // Alice's own profile, with her payload name and signature.
    await page.getByRole('button', { name: 'Profile', exact: true }).click();
    await seeText(page.locator('.qc-person'), ALICE_NAME);
    expect(await page.getByRole('textbox', { name: 'Display name' }).inputValue()).toBe(ALICE_NAME);
    expect(await page.getByRole('textbox', { name: 'Signature' }).inputValue()).toBe(ALICE_SIGNATURE);
    await expectClean(page, 'profile');
    expect(await page.evaluate(() => window.__xss)).toBeUndefined();
  });

  it('XSS payloads in a group name, file names and a caption are shown as text and never run; hostile reactions are refused, ZWJ and skin-tone ones show as text (page without CSP)', async () => {
    const { server: s, rest } = await h.server();
    const alice = await rest.register('alice', 'correct horse battery', 'Alice');
    const bob = await rest.register('bob', 'correct horse battery', 'Bob');
    const carol = await rest.register('carol', 'correct horse battery', CAROL_NAME);
    await rest.befriend(alice, bob);
    await rest.befriend(bob, carol);
    const bobClient = await h.connect(s, bob);
    const carolClient = await h.connect(s, carol);

    // Bob creates a group named with a payload (the server stores the name as given) with Alice and Carol.
    const { group } = await groupsOf(bobClient).create({ name: GROUP_NAME, members: [alice.id, carol.id] });
    expect(group.name).toBe(GROUP_NAME);
    const G = group.id;
    await until(carolClient, () => carolClient.conversations.getState()[G] !== undefined, BROWSER_TIMEOUT_MS, 'carol in the group');
    await sendStored(carolClient, G, [IN_GROUP]);
    const target = carolClient.messages.getState()[G]!.items.find((m) => m.content.type === 'text' && m.content.text === IN_GROUP)!.seq!;

    // Reactions: the server refuses anything but exactly one emoji; one-emoji sequences of several code points pass.
    for (const emoji of HOSTILE_REACTIONS) await expect(messagesOf(bobClient).react(G, target, emoji), emoji).rejects.toMatchObject({ code: 'validation' });
    for (const emoji of RICH_REACTIONS) await messagesOf(bobClient).react(G, target, emoji);

    // Bob sends Alice an image and a PDF with payload names, and a payload caption.
    const conv = dmConversationId(alice.id, bob.id);
    // (A name with a bidi override, disguising its extension, is refused.)
    await expect(messagesOf(bobClient).upload(conv, PDF, `report\u202Efdp.exe`).done).rejects.toMatchObject({ code: 'validation', status: 400 });
    const image = await messagesOf(bobClient).upload(conv, png(64, 48), IMAGE_NAME).done;
    const file = await messagesOf(bobClient).upload(conv, PDF, FILE_NAME).done;
    expect([image.attachment.name, file.attachment.name]).toEqual([IMAGE_NAME, FILE_NAME]);
    messagesOf(bobClient).send(conv, { text: CAPTION, attachments: [image.attachment.id, file.attachment.id] });
    await until(bobClient, () => (bobClient.messages.getState()[conv]?.items ?? []).some((m) => m.seq !== null && m.content.type === 'text' && m.content.text === CAPTION), BROWSER_TIMEOUT_MS, 'the files stored');

    const page = await h.open(s, { csp: 'none', widget: { auth: { token: alice.token }, open: true, locale: 'en' } });
    await page.getByRole('heading', { name: 'Chats', level: 2 }).waitFor();

    // The chat list: the group's name and the DM's caption as text.
    const groupRow = page.locator(`[data-conversation="${G}"]`);
    await seeText(groupRow, GROUP_NAME);
    const dmRow = page.locator(`[data-conversation="${conv}"]`);
    await seeText(dmRow, 'Bob');
    expect(await dmRow.locator('[data-preview]').textContent()).toContain(CAPTION);
    await expectClean(page, 'chats with a group and files');

    // The group thread: its name in the header, Carol's name and message, the reactions as text.
    await groupRow.click();
    expect(await page.getByRole('heading', { level: 2 }).textContent()).toBe(GROUP_NAME);
    const log = page.getByRole('log');
    await seeText(log, IN_GROUP);
    await seeText(log, CAROL_NAME);
    const reactions = log.getByRole('group', { name: 'Reactions' });
    for (const emoji of RICH_REACTIONS) {
      const chip = reactions.getByRole('button', { name: `${emoji} 1`, exact: true });
      await chip.waitFor();
      expect(await chip.textContent()).toContain(emoji);
    }
    expect(await reactions.getByRole('button').count()).toBe(RICH_REACTIONS.length);
    await expectClean(page, 'group thread');
    await page.getByRole('textbox', { name: `Message to ${GROUP_NAME}`, exact: true }).waitFor();

    // The group's info: its name, Carol's name among the members; the leave confirmation names the group.
    await page.getByRole('button', { name: 'Group info' }).click();
    await page.getByRole('heading', { level: 3, name: 'Members' }).waitFor();
    await seeText(page.locator('.qc-panel'), GROUP_NAME);
    await seeText(page.locator('[data-member]').filter({ hasText: CAROL_NAME }), CAROL_NAME);
    await expectClean(page, 'group info');
    await page.getByRole('button', { name: 'Leave group' }).click();
    const leave = page.getByRole('dialog', { name: `Leave “${GROUP_NAME}”?`, exact: true });
    await leave.waitFor();
    await expectClean(page, 'leave confirmation');
    await leave.getByRole('button', { name: 'Cancel' }).click();
    await leave.waitFor({ state: 'detached' });
    await page.getByRole('button', { name: 'Back to the chat' }).click();
    await page.getByRole('button', { name: 'Back to chats' }).click();

    // The DM thread with the files: the image's name as its label and text alternative, the PDF's card, the caption.
    await dmRow.click();
    const dmLog = page.getByRole('log', { name: 'Messages with Bob', exact: true });
    await seeText(dmLog, CAPTION);
    const preview = dmLog.getByRole('button', { name: `Open image ${IMAGE_NAME}`, exact: true });
    await preview.waitFor();
    await page.waitForFunction(() => (document.querySelector('[data-quickchat]')!.shadowRoot!.querySelector('.qc-att-img img') as HTMLImageElement | null)?.naturalWidth === 64);
    expect(await preview.locator('img').getAttribute('alt')).toBe(IMAGE_NAME);
    await dmLog.getByRole('button', { name: `Download ${FILE_NAME}`, exact: true }).waitFor();
    expect(await dmLog.locator('.qc-fname').evaluateAll((els) => els.map((e) => [e.textContent, e.getAttribute('title')]))).toContainEqual([FILE_NAME, FILE_NAME]);
    expect(await dmLog.getByRole('link').count()).toBe(0);
    await expectClean(page, 'thread with files');

    // The image's lightbox, named by the file.
    await preview.click();
    const lightbox = page.getByRole('dialog', { name: `Image: ${IMAGE_NAME}`, exact: true });
    await lightbox.locator('img').waitFor();
    await expectClean(page, 'lightbox');
    await page.keyboard.press('Escape');
    await lightbox.waitFor({ state: 'detached' });
    expect(await page.evaluate(() => window.__xss)).toBeUndefined();
  });

  it('keyboard only: launcher, sign-in, chats, thread, composer, back, contacts, a focus-trapping dialog, Escape', async () => {
    const { s, alice, bobClient, conv } = await h.friends();
    await sendStored(bobClient, conv, ['are you there?']);

    const page = await h.open(s, { widget: { auth: { mode: 'builtin' }, locale: 'en' }, before: '<button type="button">Host button</button>' });
    const launcher = page.getByRole('button', { name: 'Open chat' });
    await launcher.waitFor();
    const key = (k: string) => page.keyboard.press(k);

    // From the top of the page: the host's button, then the launcher.
    await key('Tab');
    expect(await focused(page)).toMatchObject({ where: 'page', role: 'button', name: 'Host button' });
    await tabTo(page, 'Tab', 'button', 'Open chat', 1);

    // Enter opens the panel on the sign-in form's first field.
    await key('Enter');
    await expectFocus(page, { where: 'widget', role: 'textbox', name: 'Handle', indicator: true });
    await page.keyboard.type('alice');
    await tabTo(page, 'Tab', 'password', 'Password', 1);
    await page.keyboard.type('correct horse battery');
    await key('Enter');
    await expectFocus(page, { where: 'widget', role: 'heading', name: 'Chats' });

    // To Bob's conversation and into the thread (once the list has loaded it: focus lands on the
    // heading first, and tabbing before the row exists would skip past it).
    await page.getByRole('button', { name: /^Bob.*are you there\?/ }).waitFor({ timeout: BROWSER_TIMEOUT_MS });
    await tabTo(page, 'Tab', 'button', /^Bob.*are you there\?.*1 unread message$/);
    await key('Enter');
    await expectFocus(page, { role: 'heading', name: 'Bob' });
    await page.getByRole('log', { name: 'Messages with Bob' }).getByText('are you there?').waitFor();
    await tabTo(page, 'Tab', 'textbox', 'Message to Bob');
    await page.keyboard.type('hello from the keyboard');
    await key('Enter');
    await until(bobClient, () => (bobClient.messages.getState()[conv]?.items ?? []).some((m) => m.senderId === alice.id), BROWSER_TIMEOUT_MS, 'the reply at bob');
    expect(bobClient.messages.getState()[conv]!.items.find((m) => m.senderId === alice.id)!.content).toEqual({ type: 'text', text: 'hello from the keyboard' });
    await expectFocus(page, { role: 'textbox', name: 'Message to Bob' }); // still there for the next message

    // Back to the chats, then to Contacts.
    await tabTo(page, 'Shift+Tab', 'button', 'Back to chats');
    await key('Enter');
    await expectFocus(page, { role: 'heading', name: 'Chats' });
    await tabTo(page, 'Tab', 'button', 'Contacts');
    await key('Enter');
    await expectFocus(page, { role: 'heading', name: 'Contacts' });
    // The lists arrive over REST; tab through them once they are there, not while they grow.
    await page.getByRole('button', { name: 'More actions for Bob' }).waitFor();

    // Bob's More menu: Enter opens it on its first item, arrows move (and wrap), Escape closes it
    // and gives focus back to its button.
    await tabTo(page, 'Tab', 'button', 'More actions for Bob', 12);
    await key('Enter');
    await expectFocus(page, { role: 'menuitem', name: 'Remove friend', indicator: true });
    await key('ArrowDown');
    await expectFocus(page, { role: 'menuitem', name: 'Block', indicator: true });
    await key('ArrowDown');
    await expectFocus(page, { role: 'menuitem', name: 'Remove friend', indicator: true });
    await key('Escape');
    await expectFocus(page, { role: 'button', name: 'More actions for Bob', indicator: true });
    expect(await page.getByRole('dialog', { name: 'Chat' }).isVisible()).toBe(true); // Escape in the menu left the panel open

    // The remove dialog: focus inside on the safe choice, Tab and Shift+Tab cycle inside, Escape gives focus back.
    await key('Enter');
    await expectFocus(page, { role: 'menuitem', name: 'Remove friend' });
    await key('Enter');
    await page.getByRole('dialog', { name: 'Remove Bob?' }).waitFor();
    await expectFocus(page, { role: 'button', name: 'Cancel', inDialog: true, indicator: true });
    const cycle: string[] = [];
    for (const k of ['Tab', 'Tab', 'Tab', 'Shift+Tab', 'Shift+Tab', 'Shift+Tab']) {
      await key(k);
      const f = await focused(page);
      expect(f, `after ${k}`).toMatchObject({ inDialog: true, indicator: true });
      cycle.push(f.name);
    }
    expect(cycle).toEqual(['Remove', 'Cancel', 'Remove', 'Cancel', 'Remove', 'Cancel']);
    await key('Escape');
    await page.getByRole('dialog', { name: 'Remove Bob?' }).waitFor({ state: 'detached' });
    await expectFocus(page, { role: 'button', name: 'More actions for Bob', inDialog: false, indicator: true });
    expect(await page.getByRole('dialog', { name: 'Chat' }).isVisible()).toBe(true); // Escape in the dialog left the panel open

    // Escape closes the panel; focus goes back to the launcher.
    await key('Escape');
    await expectFocus(page, { where: 'widget', role: 'button', name: 'Open chat', indicator: true });
    expect(await page.getByRole('dialog', { name: 'Chat' }).isVisible()).toBe(false);
    expect(await page.evaluate(() => window.violations)).toEqual([]);
  });
});
