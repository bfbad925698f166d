/**
 * The windowed message list in real Chromium (the shipped bundle, the real server): a DM of
 * 2,000 messages of varied height over several days. The DOM stays bounded while scrolling back
 * to the very first message; the row under the viewport's top never moves when older pages are
 * prepended or rows are measured; the unread pill jumps to the first unread message; the
 * jump-to-newest button counts what arrived meanwhile and goes back down; arrivals are announced;
 * focus in a row that leaves the window goes to the log;
 * the keyboard scrolls the log; axe stays clean. No timing asserts (the B1 benchmark measures).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page, Route } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { requireChromium } from '../../sdk/test/support/browser.js';
import { Rest, startServerForSdk } from '../../sdk/test/support/sdk-server.js';
import { useWidgetBrowser } from './support/browser-page.js';
import { historyText, seedLongHistory } from './support/long-history.js';

const available = requireChromium('widget-history.browser');

const MESSAGES = 2000;
const UNREAD = 120;
/** The most message rows the list may hold in the DOM at once. */
const BOUND = 150;

/** What the page reports about the log (through the widget's open shadow root). */
interface LogState {
  scrollTop: number;
  scrollHeight: number;
  clientHeight: number;
  /** Message elements in the log. */
  messages: number;
  /** All elements in the log. */
  elements: number;
  /** The row under the viewport's top: its key and its top relative to the viewport's top. */
  top: { key: string; offset: number } | null;
  texts: string[];
}

function logState(page: Page): Promise<LogState> {
  return page.evaluate(() => {
    const log = document.querySelector('[data-quickchat]')!.shadowRoot!.querySelector<HTMLElement>('.qc-log')!;
    const viewTop = log.getBoundingClientRect().top;
    let top: LogState['top'] = null;
    for (const row of log.querySelectorAll<HTMLElement>('[data-k]')) {
      const box = row.getBoundingClientRect();
      if (box.bottom > viewTop) {
        top = { key: row.dataset.k!, offset: box.top - viewTop };
        break;
      }
    }
    return {
      scrollTop: log.scrollTop,
      scrollHeight: log.scrollHeight,
      clientHeight: log.clientHeight,
      messages: log.querySelectorAll('.qc-msg').length,
      elements: log.querySelectorAll('*').length,
      top,
      texts: [...log.querySelectorAll('.qc-bubble')].map((b) => (b.textContent ?? '').slice(b.querySelector('.qc-sr')?.textContent?.length ?? 0)),
    };
  });
}

/** Two animation frames: whatever a scroll or a store change triggers has rendered. */
const frames = (page: Page) => page.evaluate(() => new Promise<void>((r) => requestAnimationFrame(() => requestAnimationFrame(() => r()))));

const loaded = (page: Page, conv: string) => page.evaluate((c) => window.widget.client!.messages.getState()[c]?.items.length ?? 0, conv);

describe.skipIf(!available)('windowed message list in Chromium (2,000 messages)', () => {
  const b = useWidgetBrowser();

  beforeAll(() => {
    b.routes['/axe.js'] = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
  });

  async function audit(page: Page, screen: string): Promise<string[]> {
    const violations = await page.evaluate(async () => (await (window as unknown as { axe: { run(c: unknown, o: unknown): Promise<{ violations: { id: string; impact: string | null; nodes: { target: unknown[] }[] }[] }> } }).axe.run(document, { resultTypes: ['violations'] })).violations);
    return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${screen}: ${v.id} (${v.impact}) at ${JSON.stringify(v.nodes.map((n) => n.target))}`);
  }

  it('stays bounded while scrolling back to the first message, keeps the place on prepends, jumps to the first unread and to the newest', async () => {
    // Accounts through the API, then the history through the store while no server runs on the data directory.
    const dataDir = mkdtempSync(join(tmpdir(), 'qc-history-'));
    const origin = b.pages.origin;
    let s = await startServerForSdk({ dataDir, allowedOrigins: [origin] });
    try {
      const rest = new Rest(s.url);
      const alice = await rest.register('alice', 'correct horse battery', 'Alice');
      const bob = await rest.register('bob', 'correct horse battery', 'Bob');
      await rest.befriend(alice, bob);
      await s.stop();
      const { conversationId: conv } = await seedLongHistory(dataDir, alice.id, bob.id, { messages: MESSAGES, unread: UNREAD });
      s = await startServerForSdk({ dataDir, allowedOrigins: [origin] });
      const bobClient = await b.connect(s, bob);

      const page = await b.open(s, { widget: { auth: { token: alice.token }, open: true, locale: 'en' }, scripts: ['/axe.js'] });
      const found: string[] = [];
      await page.getByRole('button', { name: /Bob.*120 unread messages/ }).click();
      const log = page.getByRole('log', { name: 'Messages with Bob' });
      await log.getByText(historyText(MESSAGES - 1)).waitFor();

      // Opened at the newest message, with the unread ones starting above the fold: the pill.
      const pill = page.getByRole('button', { name: 'Jump to the first unread message 120 unread' });
      await pill.waitFor();
      found.push(...(await audit(page, 'thread with unread pill')));
      await pill.click();
      const separator = log.getByRole('heading', { name: 'New messages', level: 3 });
      await separator.waitFor();
      await frames(page);
      let state = await logState(page);
      const sepBox = await separator.boundingBox();
      const logBox = (await log.boundingBox())!;
      // The separator is at the top of the view, the first unread message right under it.
      expect(sepBox!.y - logBox.y).toBeGreaterThanOrEqual(-2);
      expect(sepBox!.y - logBox.y).toBeLessThan(logBox.height / 2);
      expect(state.texts).toContain(historyText(MESSAGES - UNREAD));
      expect(await pill.count()).toBe(0);

      // Away from the bottom: a way back, which counts what arrives meanwhile (and it is announced).
      const newest = page.getByRole('button', { name: /^Jump to the newest message/ });
      await newest.waitFor();
      bobClient.send(conv, 'arrived while you were reading');
      bobClient.send(conv, 'and one more');
      await page.getByRole('button', { name: 'Jump to the newest message 2 new messages' }).waitFor();
      const announced = page.locator('.qc-log-wrap [aria-live="polite"]');
      await expect.poll(() => announced.textContent()).toContain('Bob: and one more');
      expect(await log.getAttribute('aria-live')).toBe('off'); // rows entering the window are not read out
      found.push(...(await audit(page, 'thread away from the bottom')));
      await page.getByRole('button', { name: 'Jump to the newest message 2 new messages' }).click();
      await log.getByText('and one more').waitFor();
      await frames(page);
      state = await logState(page);
      expect(state.scrollHeight - state.scrollTop - state.clientHeight).toBeLessThan(2);
      expect(await newest.count()).toBe(0);

      // Keyboard: the log is focusable and PageUp scrolls it.
      await log.focus();
      for (let i = 0; i < 3; i++) await page.keyboard.press('PageUp');
      await expect.poll(async () => (await logState(page)).scrollTop).toBeLessThan(state.scrollTop - state.clientHeight);
      // Let the (smooth) keyboard scroll finish.
      for (let last = -1, now = (await logState(page)).scrollTop; now !== last; await frames(page), last = now, now = (await logState(page)).scrollTop);

      // Focus in a row that leaves the window (scrolled far away) goes to the log, not to the page.
      await log.getByRole('button', { name: 'Show more' }).last().focus();
      await page.evaluate(() => {
        const el = document.querySelector('[data-quickchat]')!.shadowRoot!.querySelector<HTMLElement>('.qc-log')!;
        el.scrollTop -= el.clientHeight * 8;
      });
      await frames(page);
      await frames(page);
      expect(await page.evaluate(() => document.querySelector('[data-quickchat]')!.shadowRoot!.activeElement?.getAttribute('role'))).toBe('log');

      // Scroll back through everything, a screen at a time, checking at every step that the row
      // under the viewport's top stayed put while older pages arrived and rows were measured.
      // History responses are held until the step has read its "before" state, so every older
      // page arrives inside a check, however fast or slow this machine is.
      // Released requests stay open until the list settles: a page requested only after the
      // release (the scroll handler can ask a moment later on a slow machine) goes through too,
      // instead of waiting for a release that would come only at the next step.
      const held: Route[] = [];
      let open = false;
      await page.route('**/api/conversations/*/messages*', (route) => void (open ? route.continue() : held.push(route)));
      const release = async () => {
        open = true;
        for (const route of held.splice(0)) await route.continue();
      };
      let maxMessages = 0;
      let prependsSeen = 0;
      let middleShot = false;
      for (let step = 0; step < 2000; step++) {
        await page.evaluate(() => {
          const el = document.querySelector('[data-quickchat]')!.shadowRoot!.querySelector<HTMLElement>('.qc-log')!;
          el.scrollTop -= el.clientHeight * 0.9;
        });
        await frames(page); // the scroll is handled: rows re-chosen, an older page maybe requested
        const before = await logState(page);
        const countBefore = await loaded(page, conv);
        await release();
        await log.and(page.locator('[aria-busy="false"]')).waitFor(); // the older page arrived
        open = false;
        await frames(page);
        const after = await logState(page);
        const countAfter = await loaded(page, conv);
        maxMessages = Math.max(maxMessages, before.messages, after.messages);
        if (before.top && after.top?.key === before.top.key) expect(Math.abs(after.top.offset - before.top.offset), `row ${before.top.key} moved`).toBeLessThan(3);
        else expect(after.top, 'the row under the viewport top is still there').toEqual(before.top);
        if (countAfter > countBefore) prependsSeen++;
        if (!middleShot && countAfter >= MESSAGES / 2 && after.scrollTop > after.clientHeight * 4) {
          middleShot = true;
          found.push(...(await audit(page, 'thread scrolled to the middle')));
          await page.locator('.qc-panel').screenshot({ path: join(tmpdir(), 'qc-thread-middle.png') });
        }
        if (after.scrollTop === 0 && (await log.getByText('This is the beginning of your chat with Bob.').count()) > 0) break;
      }
      await page.unroute('**/api/conversations/*/messages*');
      await release();
      state = await logState(page);
      expect(state.texts[0]).toBe(historyText(0)); // the very first message
      expect(await loaded(page, conv)).toBe(MESSAGES + 2);
      expect(maxMessages).toBeLessThanOrEqual(BOUND);
      expect(state.messages).toBeLessThanOrEqual(BOUND);
      expect(prependsSeen).toBeGreaterThan(0);
      expect(middleShot).toBe(true);
      found.push(...(await audit(page, 'thread at the start')));
      expect(found).toEqual([]);
      expect(await page.evaluate(() => window.violations)).toEqual([]);
    } finally {
      await s.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 180_000);
});
