/**
 * Attachments and presence as shipped (the script-tag build, its `attachments` lazy file loaded
 * with the first file) in real Chromium against the real server, on pages with a strict CSP
 * (images allowed from the chat server, as a host showing previews must): Alice picks a PNG and a
 * PDF, sends them; Bob sees the image's preview (decoded) and the PDF's card, opens the image in
 * the lightbox with the keyboard and closes it with Escape, focus back on the preview. A file over
 * the server's upload limit is refused in words before anything is sent. Bob sees Alice online in
 * his chat list, then offline once her page is gone (past the server's grace). axe-core over the
 * thread with files and over the lightbox (0 serious or critical), light and dark, English and
 * Simplified Chinese. Screenshots go to docs/images (shown in docs/widget.md).
 * Skipped (with the reason printed) only when Chromium is missing.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { requireChromium } from '../../sdk/test/support/browser.js';
import type { TestServer, TestUser } from '../../sdk/test/support/sdk-server.js';
import { sendStored, signInWithForm, useWidgetBrowser, type WidgetBrowser } from './support/browser-page.js';
import { png } from './support/png.js';
import { audit } from './support/panel-checks.js';

declare global {
  interface Window {
    axe: { run(context: unknown, options: unknown): Promise<{ violations: { id: string; impact: string | null; help: string; nodes: { target: unknown[] }[] }[] }> };
  }
}

const available = requireChromium('widget-attachments.browser');
const IMAGES_DIR = fileURLToPath(new URL('../../../docs/images/', import.meta.url));
/** The server's upload limit in this test: small, so an over-limit file is quick to make. */
const MAX_UPLOAD = 64 * 1024;

/** The start of a PDF (the server tells types from their bytes). */
const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n', 'latin1');

/** Saves a screenshot of the widget panel as docs/images/widget-<name>.png, with its times pinned (as the other suites do). */
async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(IMAGES_DIR, { recursive: true });
  const times = page.locator('.qc-panel time');
  await times.evaluateAll((nodes) => nodes.forEach((n) => (n.textContent = '9:41 AM')));
  await page.locator('.qc-panel').screenshot({ path: `${IMAGES_DIR}widget-${name}.png`, animations: 'disabled', caret: 'hide' });
}

/** A signed-in widget page of `user` (inline, strict CSP with images from the server, axe loaded), on its chat list. */
async function openChats(b: WidgetBrowser, s: TestServer, user: TestUser, widget: { theme: 'light' | 'dark'; locale: 'en' | 'zh-CN' }): Promise<Page> {
  const auth = widget.locale === 'en' ? { mode: 'builtin' as const } : { token: user.token };
  const page = await b.open(s, { widget: { auth, layout: 'inline', ...widget }, imgSrc: ` ${s.url}`, scripts: ['/axe.js'] });
  if (widget.locale === 'en') await signInWithForm(page, user);
  else await page.locator('[data-conversation]').first().waitFor();
  return page;
}

/** Opens the thread with `peer` from the chat list. */
async function openThread(page: Page, peer: string): Promise<void> {
  await page.locator('[data-conversation]').filter({ hasText: peer }).click();
  await page.getByRole('log').waitFor();
}

/** Waits until every image preview in the thread shows its decoded image. */
async function previewsDecoded(page: Page): Promise<void> {
  const img = page.locator('.qc-att-img img');
  await img.first().waitFor();
  await page.waitForFunction(
    () => {
      const host = document.querySelector('#chat')?.shadowRoot ?? [...document.querySelectorAll('*')].find((e) => e.shadowRoot)?.shadowRoot;
      const imgs = [...(host?.querySelectorAll<HTMLImageElement>('.qc-att-img img') ?? [])];
      return imgs.length > 0 && imgs.every((i) => i.complete && i.naturalWidth > 0);
    },
    undefined,
    { timeout: 15_000 },
  );
}

/** Whether `selector` is the focused element of the widget's shadow root. */
const focused = (page: Page, selector: string) => page.locator(selector).first().evaluate((el) => (el.getRootNode() as ShadowRoot).activeElement === el);

describe.skipIf(!available)('attachments and presence in Chromium (two users, strict CSP, axe)', () => {
  const b = useWidgetBrowser();

  beforeAll(() => {
    b.routes['/axe.js'] = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
  });

  it('Alice sends an image and a PDF; Bob sees the preview and the card, opens the lightbox by keyboard; an over-limit file is refused; presence follows Alice', async () => {
    const { s, alice, bob, bobClient, conv } = await b.friends({ maxUploadBytes: MAX_UPLOAD, presenceGraceMs: 1000 });
    await sendStored(bobClient, conv, ['Send me the harbour photo and the report?']);
    const a = await openChats(b, s, alice, { theme: 'light', locale: 'en' });
    await openThread(a, 'Bob');
    const bb = await openChats(b, s, bob, { theme: 'light', locale: 'en' });
    const problems: string[] = [];

    // Bob sees Alice online in his chat list (her page is connected).
    const aliceRow = bb.locator('[data-conversation]').filter({ hasText: 'Alice' });
    await aliceRow.getByRole('img', { name: 'online' }).waitFor();

    // Alice picks both files with the 📎 button's input; the tray shows them, then they are ready.
    await a.locator('input[type=file]').setInputFiles([
      { name: 'harbour.png', mimeType: 'image/png', buffer: png(320, 200) },
      { name: 'trip-report-2025-final.pdf', mimeType: 'application/pdf', buffer: PDF },
    ]);
    await a.getByRole('list', { name: 'Files to send' }).waitFor();
    await expect.poll(() => a.getByText('Ready to send').count(), { timeout: 15_000 }).toBe(2);
    const box = a.getByRole('textbox', { name: 'Message to Bob' });
    await box.fill('Here you go');
    await a.getByRole('button', { name: 'Send', exact: true }).click();
    await a.getByRole('list', { name: 'Files to send' }).waitFor({ state: 'detached' });
    // Alice's own message shows the files too.
    await a.getByRole('button', { name: 'Open image harbour.png' }).waitFor();

    // A file over the server's limit: refused in words, nothing uploaded.
    await a.locator('input[type=file]').setInputFiles([{ name: 'huge.bin', mimeType: 'application/octet-stream', buffer: Buffer.alloc(MAX_UPLOAD + 1, 7) }]);
    expect(await a.getByRole('alert').filter({ hasText: 'Too large' }).textContent()).toBe('Too large (max 64 kB).');
    await a.getByRole('button', { name: 'Remove huge.bin' }).click();

    // Bob opens the thread: the image's preview, decoded, and the PDF's card.
    await openThread(bb, 'Alice');
    const preview = bb.getByRole('button', { name: 'Open image harbour.png' });
    await preview.waitFor();
    await previewsDecoded(bb);
    await bb.getByRole('button', { name: 'Download trip-report-2025-final.pdf' }).waitFor();
    expect(await bb.locator('.qc-att-size').first().textContent()).toMatch(/byte|kB/);
    problems.push(...(await audit(bb, 'thread with files')));
    await shot(bb, 'light-attachments');

    // The lightbox, by keyboard: focus the preview, Enter opens it with focus on Close; Escape closes it, focus back.
    await preview.focus();
    await bb.keyboard.press('Enter');
    const dialog = bb.getByRole('dialog', { name: 'Image: harbour.png' });
    await dialog.waitFor();
    await dialog.locator('img').waitFor();
    expect(await focused(bb, '.qc-lightbox button, [role=dialog] button')).toBe(true);
    problems.push(...(await audit(bb, 'lightbox')));
    await bb.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    expect(await focused(bb, '.qc-att-img')).toBe(true);

    // Presence: Bob back on his chat list; Alice's page closes, and past the grace she is offline.
    await bb.getByRole('button', { name: 'Back to chats' }).click();
    await aliceRow.getByRole('img', { name: 'online' }).waitFor();
    await a.context().close();
    await aliceRow.getByRole('img', { name: /^(offline|last seen)/ }).waitFor({ timeout: 15_000 });

    expect(problems).toEqual([]);
  });

  it('is axe-clean with files and the lightbox in dark, and in Simplified Chinese', async () => {
    const { s, alice, bob, bobClient, conv } = await b.friends();
    await sendStored(bobClient, conv, ['Any photos from the trip?']);
    // Alice sends the files from her own page (the upload goes through the widget).
    const a = await openChats(b, s, alice, { theme: 'light', locale: 'en' });
    await openThread(a, 'Bob');
    await a.locator('input[type=file]').setInputFiles([
      { name: 'harbour.png', mimeType: 'image/png', buffer: png(320, 200) },
      { name: 'itinerary.pdf', mimeType: 'application/pdf', buffer: Buffer.concat([PDF, Buffer.alloc(180_000, 32)]) },
    ]);
    await expect.poll(() => a.getByText('Ready to send').count(), { timeout: 15_000 }).toBe(2);
    await a.locator('textarea').fill('The harbour at dawn, and the plan for Saturday');
    await a.locator('button[type=submit]').click();
    await a.locator('.qc-att-img').waitFor();
    const problems: string[] = [];
    for (const widget of [
      { theme: 'dark', locale: 'en' },
      { theme: 'light', locale: 'zh-CN' },
      { theme: 'dark', locale: 'zh-CN' },
    ] as const) {
      const name = `${widget.theme} ${widget.locale}`;
      const page = await openChats(b, s, bob, widget);
      await openThread(page, 'Alice');
      await previewsDecoded(page);
      problems.push(...(await audit(page, `thread with files (${name})`)));
      if (widget.theme === 'dark' && widget.locale === 'en') await shot(page, 'dark-attachments');
      await page.locator('.qc-att-img').focus();
      await page.keyboard.press('Enter');
      await page.getByRole('dialog').locator('img').waitFor();
      problems.push(...(await audit(page, `lightbox (${name})`)));
      await page.keyboard.press('Escape');
      await page.getByRole('dialog').waitFor({ state: 'detached' });
      await page.context().close();
    }
    expect(problems).toEqual([]);
  });
});
