/**
 * The widget across page loads and absences, in real Chromium against the real server (the
 * rollup-built script-tag bundle under a strict CSP): a reload keeps the sign-in and shows the
 * history; a user who was away (page closed, no connection at all) comes back to find the
 * messages waiting, unread; a sign-in ended elsewhere returns to the form and says so; the emoji
 * picker inserts into a message that arrives as sent.
 * Skipped (with the reason printed) only when Chromium is missing.
 */
import type { Page, WebSocketRoute } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { BROWSER_TIMEOUT_MS, requireChromium, trackErrors } from '../../sdk/test/support/browser.js';
import { until } from '../../sdk/test/support/sdk-server.js';
import { sendStored, signInKey, signInWithForm, useWidgetBrowser } from './support/browser-page.js';

const available = requireChromium('widget-resilience.browser');

describe.skipIf(!available)('widget across reloads and absences (Chromium)', () => {
  const b = useWidgetBrowser();

  /** The thread's message bubbles as a screen reader reads them ("Bob: hi", "You: hello"), in order. */
  const threadTexts = (page: Page) => page.getByRole('log', { name: 'Messages with Bob' }).locator('.qc-bubble').allTextContents();

  it('a reload keeps the sign-in (no form, no password kept) and shows the history', async () => {
    const { s, alice, bobClient, conv } = await b.friends();
    const page = await b.open(s, { widget: { auth: { mode: 'builtin' }, layout: 'inline', locale: 'en' } });
    await signInWithForm(page, alice);
    await sendStored(bobClient, conv, ['one', 'two']);
    await page.getByRole('button', { name: /Bob/ }).click();
    const box = page.getByRole('textbox', { name: 'Message to Bob' });
    await box.fill('three');
    await box.press('Enter');
    await until(bobClient, () => (bobClient.messages.getState()[conv]?.items.length ?? 0) === 3, BROWSER_TIMEOUT_MS, 'reply at bob');

    const stored = await page.evaluate(() => JSON.stringify({ ...localStorage }));
    expect(stored).toContain(signInKey(s));
    expect(stored).not.toContain(alice.password);

    await page.reload();
    await page.getByRole('heading', { name: 'Chats', level: 2 }).waitFor();
    expect(await page.getByRole('form', { name: 'Sign in' }).count()).toBe(0);
    await page.getByRole('button', { name: /Bob/ }).click();
    await page.getByRole('log', { name: 'Messages with Bob' }).getByText('three').waitFor();
    expect(await threadTexts(page)).toEqual(['Bob: one', 'Bob: two', 'You: three']);
    expect(await page.evaluate(() => window.violations)).toEqual([]);
  });

  it('away with no connection at all, then back: the messages are waiting, unread, in order', async () => {
    const { s, alice, bobClient, conv } = await b.friends();
    const page = await b.open(s, { widget: { auth: { mode: 'builtin' }, layout: 'inline', locale: 'en' } });
    await signInWithForm(page, alice);
    const context = page.context();
    await page.close(); // alice is gone: no page, no socket

    const texts = ['are you there?', 'call me when you are back', 'bye for now'];
    await sendStored(bobClient, conv, texts);

    const back = await context.newPage();
    const errors = trackErrors(back);
    await back.goto(b.pages.url);
    const row = back.getByRole('button', { name: /Bob.*3 unread messages/ });
    await row.waitFor();
    expect(await row.textContent()).toContain('bye for now'); // the preview is the newest
    await row.click();
    await back.getByRole('log', { name: 'Messages with Bob' }).getByText('bye for now').waitFor();
    expect(await threadTexts(back)).toEqual(texts.map((text) => `Bob: ${text}`));
    // Reading them tells bob.
    await until(bobClient, () => (bobClient.messages.getState()[conv]?.items ?? []).every((m) => m.state === 'read'), BROWSER_TIMEOUT_MS, 'read at bob');
    expect(errors).toEqual([]);
  });

  it('a message written offline waits in the outbox, survives closing the page, and is delivered once on return', async () => {
    const { s, alice, bobClient, conv } = await b.friends();
    await sendStored(bobClient, conv, ['hello?']);
    const page = await b.open(s, { widget: { auth: { mode: 'builtin' }, layout: 'inline', locale: 'en' } });
    const context = page.context();
    // Chromium's offline emulation leaves open WebSockets alone, so the sockets go through a route
    // that can cut them, and refuses new ones while "offline".
    let offline = false;
    const sockets: WebSocketRoute[] = [];
    await context.routeWebSocket(/\/ws$/, (ws) => {
      if (offline) return void ws.close({ code: 1001, reason: 'offline' });
      ws.connectToServer();
      sockets.push(ws);
    });
    await signInWithForm(page, alice);
    await page.getByRole('button', { name: /Bob/ }).click();
    await page.getByRole('log', { name: 'Messages with Bob' }).getByText('hello?').waitFor();

    offline = true;
    await context.setOffline(true);
    await Promise.all(sockets.map((ws) => ws.close({ code: 1001, reason: 'offline' })));
    await page.getByText('You’re offline. Messages will be sent when you’re back online.').waitFor();
    await page.waitForFunction(() => window.widget.client?.connectionState !== 'connected');
    const box = page.getByRole('textbox', { name: 'Message to Bob' });
    await box.fill('written while offline');
    await box.press('Enter');
    await page.locator('.qc-msg[data-state="pending"]').getByText('written while offline').waitFor();
    await page.close(); // gone before it could be sent

    offline = false;
    await context.setOffline(false);
    const back = await context.newPage();
    const errors = trackErrors(back);
    await back.goto(b.pages.url);
    await until(bobClient, () => (bobClient.messages.getState()[conv]?.items ?? []).some((m) => m.senderId === alice.id), BROWSER_TIMEOUT_MS, 'the offline message at bob');
    const fromAlice = bobClient.messages.getState()[conv]!.items.filter((m) => m.senderId === alice.id);
    expect(fromAlice.map((m) => m.content)).toEqual([{ type: 'text', text: 'written while offline' }]);
    await back.getByRole('button', { name: /Bob/ }).click();
    await back.locator('.qc-msg[data-state="sent"], .qc-msg[data-state="delivered"], .qc-msg[data-state="read"]').getByText('written while offline').waitFor();
    expect(errors.filter((e) => !/ERR_INTERNET_DISCONNECTED/.test(e))).toEqual([]);
  });

  it('a sign-in ended elsewhere (signed out from another device) returns to the form and says so', async () => {
    const { s, alice } = await b.friends();
    const page = await b.open(s, { widget: { auth: { mode: 'builtin' }, layout: 'inline', locale: 'en' } });
    await signInWithForm(page, alice);
    await b.endSignInElsewhere(page, s);
    expect(await page.evaluate((key) => localStorage.getItem(key), signInKey(s))).toBeNull();
    // And signing in again works.
    await signInWithForm(page, alice);
  });

  it('the emoji picker (a lazily loaded chunk) inserts at the caret, and the message arrives as typed', async () => {
    const { s, alice, bobClient, conv } = await b.friends();
    await sendStored(bobClient, conv, ['send me an emoji']);
    const page = await b.open(s, { widget: { auth: { token: alice.token }, layout: 'inline', locale: 'en' } });
    await page.getByRole('button', { name: /Bob/ }).click();
    const box = page.getByRole('textbox', { name: 'Message to Bob' });
    await box.fill('nice ');
    await page.getByRole('button', { name: 'Insert emoji' }).click();
    const dialog = page.getByRole('dialog', { name: 'Emoji' });
    await dialog.waitFor();
    await page.keyboard.press('ArrowDown'); // from the search field (focused on opening) into the grid
    await page.keyboard.press('ArrowRight');
    const chosen = await page.evaluate(() => {
      let el = document.activeElement;
      while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
      return el?.textContent ?? '';
    });
    await page.keyboard.press('Enter');
    await dialog.waitFor({ state: 'detached' });
    expect(await box.evaluate((el) => el === (el.getRootNode() as ShadowRoot).activeElement)).toBe(true);
    await page.keyboard.press('Enter');
    await until(bobClient, () => (bobClient.messages.getState()[conv]?.items.length ?? 0) === 2, BROWSER_TIMEOUT_MS, 'emoji message at bob');
    expect(bobClient.messages.getState()[conv]!.items[1]!.content).toEqual({ type: 'text', text: `nice ${chosen}` });
    expect(chosen).toMatch(/\p{Extended_Pictographic}/u);
    expect(await page.evaluate(() => window.violations)).toEqual([]);
  });
});
