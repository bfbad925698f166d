/**
 * The group and search screens as shipped (the script-tag build, its `groups` and `search` lazy
 * files loaded on first use) in real Chromium against the real server, on a page with a strict
 * CSP: Alice creates a group with her two friends from the widget (by keyboard), both see it from
 * their own clients, the search finds a friend's message and opens its thread, the group info
 * shows the members with their roles, and she approves a stranger's request to join another
 * group from its inbox. axe-core over every new screen, menu and dialog (0 serious
 * or critical violations) in light and dark, English and Simplified Chinese. Screenshots go to
 * docs/images (shown in docs/widget.md). Skipped (with the reason printed) only when Chromium is missing.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ChatClient } from '@quickchat/sdk';
import { groupsOf } from '@quickchat/sdk/groups';
import { BROWSER_TIMEOUT_MS, requireChromium } from '../../sdk/test/support/browser.js';
import { until } from '../../sdk/test/support/sdk-server.js';
import { sendStored, signInWithForm, useWidgetBrowser } from './support/browser-page.js';
import { audit, shot } from './support/panel-checks.js';

const available = requireChromium('widget-groups.browser');
/** The group's name (no emoji: the screenshots' only font, DejaVu, has no glyph for most; component tests cover emoji). */
const GROUP = 'Weekend climbers';

/** The words of the walk, per locale. */
const WORDS = {
  en: { newGroup: 'New group', search: 'Search messages', words: 'Words to find', go: 'Search', info: 'Group info', more: 'More actions for Bob', makeOwner: 'Make owner', cancel: 'Cancel', toChat: 'Back to the chat', toChats: 'Back to chats', members: 'Members' },
  'zh-CN': { newGroup: '新建群组', search: '搜索消息', words: '要查找的词', go: '搜索', info: '群组信息', more: 'Bob 的更多操作', makeOwner: '转让群主', cancel: '取消', toChat: '返回聊天', toChats: '返回会话列表', members: '成员' },
};

/** The element with focus inside the widget: its tag and text. */
function focused(page: Page): Promise<string> {
  return page.evaluate(() => {
    const el = document.querySelector('[data-quickchat]')!.shadowRoot!.activeElement;
    return el ? `${el.tagName} ${el.textContent?.trim() ?? ''}` : 'nothing';
  });
}

/** Switches the mounted widget between light and dark (the `theme` option sets this attribute on its host). */
function setTheme(page: Page, theme: 'light' | 'dark'): Promise<void> {
  return page.evaluate((t) => document.querySelector('[data-quickchat]')!.setAttribute('data-theme', t), theme);
}

/** The conversation id of the group named `name` once `client` has it (through its own sync). */
async function groupSeenBy(client: ChatClient, name: string, who: string): Promise<string> {
  await until(client, () => Object.values(client.conversations.getState()).some((c) => c.group?.name === name), BROWSER_TIMEOUT_MS, `${who} sees the group`);
  return Object.values(client.conversations.getState()).find((c) => c.group?.name === name)!.conversationId;
}

/**
 * From the chats: the new-group form, a search for "rouge" opening its result's thread, the
 * group's info, a member's menu and a confirmation (cancelled), each audited as `tag`;
 * with `shots`, screenshots named `<shots>-…`.
 */
async function walk(page: Page, locale: keyof typeof WORDS, tag: string, shots?: string): Promise<string[]> {
  const w = WORDS[locale];
  const found: string[] = [];
  await page.getByRole('button', { name: w.newGroup }).click();
  await page.getByRole('heading', { level: 2, name: w.newGroup }).waitFor();
  await page.getByRole('checkbox').first().waitFor();
  found.push(...(await audit(page, `${tag} new group`)));
  if (shots) {
    // A form half filled in, for the picture (leaving discards it).
    await page.getByRole('textbox', { name: 'Group name' }).fill('Board games');
    await page.getByRole('checkbox').first().check();
    await shot(page, `${shots}-group-new`);
  }
  await page.getByRole('button', { name: w.toChats }).click();

  await page.getByRole('button', { name: w.search }).click();
  await page.getByRole('searchbox', { name: w.words }).fill('rouge');
  await page.getByRole('button', { name: w.go, exact: true }).click();
  const result = page.locator('[data-result]').first();
  await result.waitFor();
  expect(await result.locator('mark').allTextContents()).toEqual(['Rouge']);
  found.push(...(await audit(page, `${tag} search results`)));
  if (shots) await shot(page, `${shots}-search`);
  await result.click();
  await page.getByRole('heading', { level: 2, name: GROUP }).waitFor();

  await page.getByRole('button', { name: w.info }).click();
  await page.getByRole('heading', { level: 3, name: w.members }).waitFor();
  found.push(...(await audit(page, `${tag} group info`)));
  if (shots) await shot(page, `${shots}-group-info`);
  await page.getByRole('button', { name: w.more }).click();
  await page.getByRole('menuitem', { name: w.makeOwner }).waitFor();
  found.push(...(await audit(page, `${tag} member menu`)));
  await page.getByRole('menuitem', { name: w.makeOwner }).click();
  const dialog = page.getByRole('dialog', { name: /Bob/ });
  await dialog.waitFor();
  found.push(...(await audit(page, `${tag} transfer confirmation`)));
  await dialog.getByRole('button', { name: w.cancel }).click();
  await dialog.waitFor({ state: 'detached' });
  await page.getByRole('button', { name: w.toChat }).click();
  await page.getByRole('button', { name: w.toChats }).click();
  await page.getByRole('heading', { level: 2, name: locale === 'en' ? 'Chats' : '会话' }).waitFor();
  return found;
}

describe.skipIf(!available)('group and search screens in Chromium (real server, strict CSP, axe)', () => {
  const b = useWidgetBrowser();

  beforeAll(() => {
    const axe = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
    Object.assign(b.routes, { '/axe.js': axe });
  });

  it('Alice creates a group with two friends, they see it, search finds a message; axe finds nothing serious in light and dark, English and Chinese', async () => {
    const { server: s, rest } = await b.server();
    const alice = await rest.register('alice', 'correct horse battery', 'Alice');
    const bob = await rest.register('bob', 'correct horse battery', 'Bob');
    const carol = await rest.register('carol', 'correct horse battery', 'Carol');
    await rest.befriend(alice, bob);
    await rest.befriend(alice, carol);
    const bobClient = await b.connect(s, bob);
    const carolClient = await b.connect(s, carol);

    const page = await b.open(s, { widget: { auth: { mode: 'builtin' }, locale: 'en', theme: 'light', open: true }, scripts: ['/axe.js'] });
    await signInWithForm(page, alice);

    // Create the group from the widget, by keyboard alone: the name, both friends ticked.
    await page.getByRole('button', { name: 'New group' }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 2, name: 'New group' }).waitFor();
    const form = page.getByRole('form', { name: 'New group' });
    expect(await focused(page)).toBe('H2 New group');
    await page.keyboard.press('Tab'); // the panel's close button, then the form
    expect(await focused(page)).toBe('BUTTON ✕');
    await page.keyboard.press('Tab');
    await page.keyboard.type(GROUP);
    expect(await form.getByRole('textbox', { name: 'Group name' }).inputValue()).toBe(GROUP);
    await page.keyboard.press('Tab'); // the picture's URL, left empty
    for (let i = 0; i < 2; i++) {
      await page.keyboard.press('Tab');
      await page.keyboard.press('Space');
    }
    for (const name of [/Bob/, /Carol/]) expect(await form.getByRole('checkbox', { name }).isChecked()).toBe(true);
    await page.keyboard.press('Tab');
    expect(await focused(page)).toBe('BUTTON Create group');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 2, name: GROUP }).waitFor();

    // Both friends were added (friends join at once) and see it on their own clients.
    const groupId = await groupSeenBy(bobClient, GROUP, 'bob');
    expect(await groupSeenBy(carolClient, GROUP, 'carol')).toBe(groupId);
    expect(bobClient.conversations.getState()[groupId]!.group!.role).toBe('member');

    // Messages from both, and the search finds Bob's.
    await sendStored(bobClient, groupId, ['Meet at the Café Rouge at eight?']);
    await sendStored(carolClient, groupId, ['שלום לכולם! 👋 נתראה שם']);
    await page.getByRole('log').getByText('נתראה שם').waitFor();
    await page.getByRole('button', { name: 'Back to chats' }).click();

    // The member menu and a confirmation, by keyboard: the safe choice takes focus, Escape gives it back.
    await page.getByRole('button', { name: GROUP }).click();
    await page.getByRole('button', { name: 'Group info' }).click();
    const bobsMenu = page.getByRole('button', { name: 'More actions for Bob' });
    await bobsMenu.focus();
    await page.keyboard.press('Enter');
    expect(await focused(page)).toBe('BUTTON Make admin');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await page.getByRole('dialog', { name: 'Make Bob the owner?' }).waitFor();
    expect(await focused(page)).toBe('BUTTON Cancel');
    await page.keyboard.press('Escape');
    await page.getByRole('dialog', { name: 'Make Bob the owner?' }).waitFor({ state: 'detached' });
    expect(await focused(page)).toBe('BUTTON ⋯');
    await page.getByRole('button', { name: 'Back to the chat' }).click();
    await page.getByRole('button', { name: 'Back to chats' }).click();

    // The join-request inbox: Dave (no friend of Alice's) asks to join a group of hers whose join
    // mode is `request`; she approves him from the group's info, and he is in.
    const dave = await rest.register('dave', 'correct horse battery', 'Dave');
    const daveClient = await b.connect(s, dave);
    const aliceNode = await b.connect(s, alice);
    const { group: board } = await groupsOf(aliceNode).create({ name: 'Board games', joinMode: 'request' });
    expect(await groupsOf(daveClient).requestToJoin(board.id, 'I play on Thursdays too. Can I join?')).toBe('requested');
    await page.getByRole('button', { name: /Board games/ }).click();
    await page.getByRole('button', { name: 'Group info' }).click();
    await page.getByRole('heading', { level: 3, name: 'Requests to join' }).waitFor();
    const found = await audit(page, 'light en join requests');
    await shot(page, 'light-group-requests');
    await page.getByRole('button', { name: 'Approve Dave' }).click();
    await groupSeenBy(daveClient, 'Board games', 'dave');
    await page.getByRole('heading', { level: 3, name: 'Requests to join' }).waitFor({ state: 'detached' });
    await page.locator('[data-member]').filter({ hasText: 'Dave' }).waitFor();
    await page.getByRole('button', { name: 'Back to the chat' }).click();
    await page.getByRole('button', { name: 'Back to chats' }).click();

    found.push(...(await walk(page, 'en', 'light en', 'light')));
    await setTheme(page, 'dark');
    found.push(...(await walk(page, 'en', 'dark en', 'dark')));

    // The same screens in Chinese, on a host-signed mount (token), dark then light.
    const zh = await b.open(s, { widget: { auth: { token: alice.token }, locale: 'zh-CN', theme: 'dark', open: true }, scripts: ['/axe.js'] });
    await zh.getByRole('heading', { level: 2, name: '会话' }).waitFor();
    found.push(...(await walk(zh, 'zh-CN', 'dark zh-CN')));
    await setTheme(zh, 'light');
    found.push(...(await walk(zh, 'zh-CN', 'light zh-CN')));
    expect(found).toEqual([]);

    // No CSP violation on either page: the lazy files loaded as scripts of the page's own origin.
    for (const p of [page, zh]) expect(await p.evaluate(() => window.violations)).toEqual([]);
  });
});
