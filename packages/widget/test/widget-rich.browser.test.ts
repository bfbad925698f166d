/**
 * Rich messages as shipped (the script-tag build, its `rich` lazy file loaded on first use) in
 * real Chromium against the real server, on pages with a strict CSP: Alice and Bob, each in a
 * widget of their own, reply, react, edit and delete, and each sees the other's change. axe-core
 * over the thread with a quote and reactions, the actions menu, the reaction picker, the reply and
 * edit bars and the delete confirmation (0 serious or critical violations), light and dark,
 * English and Simplified Chinese. In a group: each run of a sender's messages named once, a
 * mention picked from the suggestions arriving as a mention, a mention of the reader marked, and
 * "read by N" following the members' reads. Screenshots go to docs/images (shown in docs/widget.md).
 * Skipped (with the reason printed) only when Chromium is missing.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { BROWSER_TIMEOUT_MS, requireChromium } from '../../sdk/test/support/browser.js';
import { groupsOf } from '@quickchat/sdk/groups';
import { messagesOf } from '@quickchat/sdk/messages';
import { until, type TestServer, type TestUser } from '../../sdk/test/support/sdk-server.js';
import { sendStored, signInWithForm, useWidgetBrowser, type WidgetBrowser } from './support/browser-page.js';
import { audit, shot } from './support/panel-checks.js';

const available = requireChromium('widget-rich.browser');
/**
 * A signed-in widget page of `user` (inline, strict CSP, axe loaded) with the thread with `peer`
 * open: signed in through the form in English, with the user's token otherwise.
 */
async function openThread(b: WidgetBrowser, s: TestServer, user: TestUser, peer: string, widget: { theme: 'light' | 'dark'; locale: 'en' | 'zh-CN' }): Promise<Page> {
  const auth = widget.locale === 'en' ? { mode: 'builtin' as const } : { token: user.token };
  const page = await b.open(s, { widget: { auth, layout: 'inline', ...widget }, scripts: ['/axe.js'] });
  if (widget.locale === 'en') await signInWithForm(page, user);
  await page.getByRole('button', { name: new RegExp(peer) }).first().click();
  await page.getByRole('log').waitFor();
  return page;
}

/** The message bubble in `page`'s thread that holds `text`, and its message row. */
const row = (page: Page, text: string) => page.getByRole('log').locator('.qc-msg').filter({ has: page.locator('.qc-bubble', { hasText: text }) });

describe.skipIf(!available)('rich messages in Chromium (two users, strict CSP, axe)', () => {
  const b = useWidgetBrowser();

  beforeAll(() => {
    b.routes['/axe.js'] = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
  });

  it('Alice and Bob reply, react, edit and delete; each sees the other’s change', async () => {
    const { s, alice, bob, bobClient, conv } = await b.friends();
    await sendStored(bobClient, conv, ['Climbing on Saturday?', 'The north wall, 9 sharp']);
    const a = await openThread(b, s, alice, 'Bob', { theme: 'light', locale: 'en' });
    const bb = await openThread(b, s, bob, 'Alice', { theme: 'dark', locale: 'en' });
    const problems: string[] = [];

    // Alice replies to Bob's first message from its actions menu.
    await row(a, 'Climbing on Saturday?').getByRole('button', { name: 'Message actions: Bob' }).click();
    problems.push(...(await audit(a, 'actions menu')));
    await a.getByRole('menuitem', { name: 'Reply' }).click();
    await a.getByText('Replying to Bob').waitFor();
    problems.push(...(await audit(a, 'reply bar')));
    const box = a.getByRole('textbox', { name: 'Message to Bob' });
    await box.fill('Count me in! Bringing the rope');
    await box.press('Enter');
    // Bob sees the reply with its quote; its quote jumps to his message.
    const reply = row(bb, 'Count me in!');
    await reply.getByRole('button', { name: /^In reply to Bob/ }).click();
    await bb.locator('.qc-flash').getByText('Climbing on Saturday?').waitFor();

    // Bob reacts to the reply from the picker (the emoji picker's chunk comes with it).
    await reply.getByRole('button', { name: 'Message actions: Alice' }).click();
    await bb.getByRole('menuitem', { name: 'Add reaction' }).click();
    const picker = bb.getByRole('dialog', { name: 'Add a reaction' });
    await picker.getByRole('searchbox').waitFor();
    problems.push(...(await audit(bb, 'reaction picker (dark)')));
    await picker.getByRole('group', { name: 'Quick reactions' }).getByRole('button', { name: '❤️' }).click();
    // Alice sees Bob's reaction, not pressed (not hers); Bob sees it pressed.
    const chip = (page: Page) => row(page, 'Count me in!').getByRole('group', { name: 'Reactions' }).getByRole('button', { name: '❤️ 1' });
    await chip(a).waitFor();
    expect(await chip(a).getAttribute('aria-pressed')).toBe('false');
    expect(await chip(bb).getAttribute('aria-pressed')).toBe('true');
    // Alice adds hers with the chip: 2, pressed for her.
    await chip(a).click();
    const two = (page: Page) => row(page, 'Count me in!').getByRole('button', { name: '❤️ 2' });
    await two(bb).waitFor();
    expect(await two(a).getAttribute('aria-pressed')).toBe('true');
    problems.push(...(await audit(a, 'thread with a quote and reactions')), ...(await audit(bb, 'thread with a quote and reactions (dark)')));
    await shot(a, 'light-rich');
    await shot(bb, 'dark-rich');

    // Alice edits her reply: Bob sees the new words, marked edited.
    await row(a, 'Count me in!').getByRole('button', { name: 'Message actions: You' }).click();
    await a.getByRole('menuitem', { name: 'Edit' }).click();
    await a.getByText('Editing your message').waitFor();
    expect(await box.inputValue()).toBe('Count me in! Bringing the rope');
    problems.push(...(await audit(a, 'edit bar')));
    await box.fill('Count me in! Bringing two ropes');
    await box.press('Enter');
    await row(bb, 'Bringing two ropes').getByText('edited').waitFor();
    await a.getByText('Editing your message').waitFor({ state: 'detached' });

    // Bob deletes his second message: Alice sees it deleted.
    await row(bb, 'The north wall').getByRole('button', { name: 'Message actions: You' }).click();
    await bb.getByRole('menuitem', { name: 'Delete' }).click();
    const confirm = bb.getByRole('dialog', { name: 'Delete this message?' });
    await confirm.waitFor();
    problems.push(...(await audit(bb, 'delete confirmation (dark)')));
    await confirm.getByRole('button', { name: 'Delete' }).click();
    await a.getByRole('log').getByText('Message deleted').waitFor();
    expect(await a.getByRole('log').textContent()).not.toContain('The north wall');
    // And Bob may not edit or delete Alice's message: his menu there offers reply and react only.
    await row(bb, 'Bringing two ropes').getByRole('button', { name: 'Message actions: Alice' }).click();
    expect(await bb.getByRole('menuitem').allTextContents()).toEqual(['Reply', 'Add reaction']);
    await bb.keyboard.press('Escape');
    expect(problems).toEqual([]);
  });

  it('by keyboard alone: the actions menu, the reaction picker and an edit, with focus returned', async () => {
    const { s, alice, bobClient, conv } = await b.friends();
    await sendStored(bobClient, conv, ['Rope or no rope?']);
    const a = await openThread(b, s, alice, 'Bob', { theme: 'light', locale: 'en' });
    const focused = () => a.evaluate(() => {
      const el = document.querySelector('[data-quickchat]')!.shadowRoot!.activeElement;
      return el ? (el.getAttribute('aria-label') ?? el.textContent?.trim() ?? el.tagName) : 'nothing';
    });
    // Tab from the log reaches the message's actions button; Enter opens its menu on the first item.
    await a.getByRole('log').focus();
    await a.keyboard.press('Tab');
    expect(await focused()).toBe('Message actions: Bob');
    await a.keyboard.press('Enter');
    expect(await focused()).toBe('Reply');
    await a.keyboard.press('ArrowDown');
    expect(await focused()).toBe('Add reaction');
    await a.keyboard.press('Enter');
    const picker = a.getByRole('dialog', { name: 'Add a reaction' });
    await picker.waitFor();
    // Escape closes the picker and focus is back on the actions button.
    await a.keyboard.press('Escape');
    await picker.waitFor({ state: 'detached' });
    expect(await focused()).toBe('Message actions: Bob');
    // Reply by keyboard: the text box takes focus; Escape drops the reply and keeps the panel.
    await a.keyboard.press('Enter');
    await a.keyboard.press('Enter');
    await a.getByText('Replying to Bob').waitFor();
    await a.waitForFunction(() => document.querySelector('[data-quickchat]')!.shadowRoot!.activeElement?.tagName === 'TEXTAREA');
    await a.keyboard.type('Rope, always');
    await a.keyboard.press('Enter');
    await row(a, 'Rope, always').locator('.qc-quote').waitFor();
    // Edit it by keyboard, then leave the edit with Escape: nothing changes.
    await row(a, 'Rope, always').getByRole('button', { name: 'Message actions: You' }).focus();
    await a.keyboard.press('ArrowUp'); // opens on the last item
    expect(await focused()).toBe('Delete');
    await a.keyboard.press('ArrowUp');
    expect(await focused()).toBe('Edit');
    await a.keyboard.press('Enter');
    await a.getByText('Editing your message').waitFor();
    await a.keyboard.press('Escape');
    await a.getByText('Editing your message').waitFor({ state: 'detached' });
    expect(await a.getByRole('textbox', { name: 'Message to Bob' }).inputValue()).toBe('');
    expect(await a.getByRole('log').textContent()).not.toContain('edited');
  });

  it('in a group: sender runs, a mention picked from the suggestions, a mention of you, read by N', async () => {
    const { s, rest, alice, bob, bobClient } = await b.friends();
    const carol = await rest.register('carol', 'correct horse battery', 'Carol');
    await rest.befriend(bob, carol);
    const carolClient = await b.connect(s, carol);
    const { group } = await groupsOf(bobClient).create({ name: 'Weekend climbers', members: [alice.id, carol.id] });
    const G = group.id;
    await until(carolClient, () => carolClient.conversations.getState()[G] !== undefined, BROWSER_TIMEOUT_MS, 'carol in the group');
    await sendStored(carolClient, G, ['Who is driving?', 'I have room for two']);
    messagesOf(carolClient).send(G, { text: '@alice you too?', mentions: [alice.id] });
    await until(carolClient, () => carolClient.messages.getState()[G]!.items.some((m) => m.content.type === 'text' && m.content.text === '@alice you too?' && m.seq !== null), BROWSER_TIMEOUT_MS, 'the mention stored');

    const a = await openThread(b, s, alice, 'Weekend climbers', { theme: 'light', locale: 'en' });
    const log = a.getByRole('log');
    await log.getByText('@alice you too?').waitFor();
    // Carol's three messages are one run: her name shows once.
    expect(await log.locator('.qc-sender').allTextContents()).toEqual(['CCarol']);
    expect(await log.locator('mark').allTextContents()).toEqual(['@alice']);

    // Alice mentions Carol, picked from the suggestions with the keyboard.
    const box = a.getByRole('textbox', { name: 'Message to Weekend climbers' });
    await box.pressSequentially('Yes please @ca');
    const list = a.getByRole('listbox', { name: 'Members to mention' });
    await list.getByRole('option', { name: /Carol/ }).waitFor();
    const problems = await audit(a, 'mention suggestions');
    await box.press('Enter');
    expect(await box.inputValue()).toBe('Yes please @carol ');
    await box.pressSequentially('save me a seat');
    await box.press('Enter');
    await until(carolClient, () => (carolClient.conversations.getState()[G]?.mentions ?? 0) === 1, BROWSER_TIMEOUT_MS, 'carol mentioned');
    const mine = carolClient.messages.getState()[G]!.items.find((m) => m.senderId === alice.id)!;
    expect(mine.content).toMatchObject({ type: 'text', text: 'Yes please @carol save me a seat', mentions: [carol.id] });

    // Read by N follows the others' reads.
    const meta = row(a, 'save me a seat').locator('.qc-meta');
    carolClient.markRead(G);
    await meta.getByText('Read by 1').waitFor();
    bobClient.markRead(G);
    await meta.getByText('Read by 2').waitFor();
    problems.push(...(await audit(a, 'group thread')));
    await shot(a, 'light-group-rich');
    expect(problems).toEqual([]);
  });

  it('in Simplified Chinese, light and dark: the same screens pass axe', async () => {
    const { s, alice, bobClient, conv } = await b.friends();
    await sendStored(bobClient, conv, ['周六去攀岩吗？']);
    const page = await openThread(b, s, alice, 'Bob', { theme: 'light', locale: 'zh-CN' });
    const problems: string[] = [];
    for (const theme of ['light', 'dark'] as const) {
      await page.evaluate((t) => document.querySelector('[data-quickchat]')!.setAttribute('data-theme', t), theme);
      await row(page, '周六去攀岩吗？').getByRole('button', { name: '消息操作：Bob' }).click();
      problems.push(...(await audit(page, `${theme}: menu`)));
      await page.getByRole('menuitem', { name: '回复' }).click();
      await page.getByText('回复 Bob').waitFor();
      problems.push(...(await audit(page, `${theme}: reply bar`)));
      await page.getByRole('button', { name: '取消' }).click();
    }
    expect(problems).toEqual([]);
  });
});
