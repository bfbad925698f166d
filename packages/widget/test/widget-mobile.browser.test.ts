/**
 * The launcher layout on a phone-sized screen, in real Chromium against the real server: the open
 * panel takes the whole viewport, the launcher button steps aside so it never covers the
 * composer, the header's close button closes it and focus returns to the launcher, and axe finds
 * no serious or critical violation. Skipped (with the reason printed) only when Chromium is missing.
 */
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { BROWSER_TIMEOUT_MS, requireChromium } from '../../sdk/test/support/browser.js';
import { until } from '../../sdk/test/support/sdk-server.js';
import { sendStored, useWidgetBrowser } from './support/browser-page.js';

const available = requireChromium('widget-mobile.browser');
const PHONE = { width: 375, height: 667 };

describe.skipIf(!available)('widget on a phone-sized screen (Chromium)', () => {
  const b = useWidgetBrowser();
  beforeAll(() => {
    b.routes['/axe.js'] = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
  });

  it('the open panel fills the screen, nothing covers the composer, and closing returns focus to the launcher', async () => {
    const { s, alice, bobClient, conv } = await b.friends();
    await sendStored(bobClient, conv, ['hi from a bigger screen']);

    const page = await b.open(s, { widget: { auth: { token: alice.token }, locale: 'en' }, scripts: ['/axe.js'] });
    await page.setViewportSize(PHONE);
    const launcher = page.locator('.qc-launch');
    await launcher.click();
    const panel = page.getByRole('dialog', { name: 'Chat' });
    await panel.waitFor();
    expect(await panel.boundingBox()).toEqual({ x: 0, y: 0, ...PHONE });
    expect(await launcher.isVisible()).toBe(false);

    await page.getByRole('button', { name: /Bob/ }).click();
    await page.getByRole('log', { name: 'Messages with Bob' }).getByText('hi from a bigger screen').waitFor();
    await page.getByRole('textbox', { name: 'Message to Bob' }).fill('typed on a phone');
    // The element at the middle of the Send button is the Send button: no launcher on top of it.
    const send = page.getByRole('button', { name: 'Send' });
    const box = (await send.boundingBox())!;
    expect(box.x + box.width).toBeLessThanOrEqual(PHONE.width);
    expect(box.y + box.height).toBeLessThanOrEqual(PHONE.height);
    const onTop = await page.evaluate(([x, y]) => {
      let el = document.elementFromPoint(x!, y!);
      while (el?.shadowRoot) el = el.shadowRoot.elementFromPoint(x!, y!) ?? el;
      return el?.closest('button')?.textContent ?? null;
    }, [box.x + box.width / 2, box.y + box.height / 2]);
    expect(onTop).toBe('Send');
    await send.click();
    await until(bobClient, () => (bobClient.messages.getState()[conv]?.items ?? []).some((m) => m.senderId === alice.id), BROWSER_TIMEOUT_MS, 'the reply at bob');

    const found = await page.evaluate(async () => {
      const axe = (window as unknown as { axe: { run(c: unknown, o: unknown): Promise<{ violations: { id: string; impact: string | null }[] }> } }).axe;
      return (await axe.run(document, { resultTypes: ['violations'] })).violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id);
    });
    expect(found).toEqual([]);

    await page.getByRole('button', { name: 'Back to chats' }).click();
    await panel.getByRole('button', { name: 'Close chat' }).click();
    await panel.waitFor({ state: 'hidden' });
    expect(await launcher.isVisible()).toBe(true);
    expect(await launcher.evaluate((el) => el === (el.getRootNode() as ShadowRoot).activeElement)).toBe(true);
  });
});
