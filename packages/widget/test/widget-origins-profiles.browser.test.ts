/**
 * Issue 9 in real Chromium against the real server (the rollup-built script-tag bundle under a
 * strict CSP, on a page origin other than the server's):
 * - a page whose origin the server does not allow says so, for the site owner, on the sign-in
 *   form (REST) and in the banner (socket-only token sign-in), and logs it to the console,
 *   instead of "Can't reach the chat server";
 * - a friend's rename shows in the chat list and the thread header without a reload.
 * Skipped (with the reason printed) only when Chromium is missing.
 */
import { describe, expect, it } from 'vitest';
import { BROWSER_TIMEOUT_MS, requireChromium } from '../../sdk/test/support/browser.js';
import { Rest, startServerForSdk } from '../../sdk/test/support/sdk-server.js';
import { sendStored, signInWithForm, useWidgetBrowser } from './support/browser-page.js';

const available = requireChromium('widget-origins-profiles.browser');

/** What Chromium itself logs for the refused requests and upgrade (and the widget's own console line). */
const REFUSAL_NOISE = [/status of 403/, /WebSocket connection to .* failed/, /quickchat: the chat server does not allow/];

describe.skipIf(!available)('widget: refused origins and live profile changes (Chromium)', () => {
  const b = useWidgetBrowser();

  /** A server that does NOT list the page's origin in its allowed origins. */
  const refusingServer = async () => {
    const s = await startServerForSdk();
    return { s, rest: new Rest(s.url) };
  };

  it('a sign-in from a page on a refused origin says the site owner must allow it, and logs that to the console', async () => {
    const { s, rest } = await refusingServer();
    try {
      const alice = await rest.register('alice', 'correct horse battery', 'Alice');
      for (const pattern of REFUSAL_NOISE) b.expectErrors(pattern);
      const page = await b.open(s, { widget: { auth: { mode: 'builtin' }, layout: 'inline', locale: 'en' } });
      const logged: string[] = [];
      page.on('console', (m) => void (m.type() === 'error' && logged.push(m.text())));
      await page.getByRole('textbox', { name: 'Handle' }).fill(alice.handle);
      await page.locator('input[type=password]').fill(alice.password);
      await page.getByRole('button', { name: 'Sign in', exact: true }).click();
      const alert = page.getByRole('alert');
      await alert.getByText('This site isn’t allowed').waitFor();
      expect(await alert.textContent()).toBe(
        `This site isn’t allowed to use this chat server. The site owner must add ${b.pages.origin} to the server’s allowed origins.`,
      );
      expect(await alert.textContent()).not.toContain('Can’t reach');
      await expect.poll(() => logged.filter((l) => l.includes('quickchat: the chat server does not allow')), { timeout: BROWSER_TIMEOUT_MS }).toHaveLength(1);
      expect(logged.find((l) => l.includes('quickchat:'))).toContain(`--allowed-origins ${b.pages.origin}`);
    } finally {
      await s.stop();
    }
  });

  it('a token sign-in (socket first) on a refused origin shows the same message in the banner', async () => {
    const { s, rest } = await refusingServer();
    try {
      const alice = await rest.register('alice', 'correct horse battery', 'Alice');
      for (const pattern of REFUSAL_NOISE) b.expectErrors(pattern);
      const page = await b.open(s, { widget: { auth: { token: alice.token }, layout: 'inline', locale: 'en' } });
      const banner = page.getByRole('status').filter({ hasText: 'This site isn’t allowed' });
      await banner.waitFor();
      expect(await banner.textContent()).toContain(`The site owner must add ${b.pages.origin} to the server’s allowed origins.`);
    } finally {
      await s.stop();
    }
  });

  it("a friend's rename shows in the chat list and the thread header without a reload", async () => {
    const { s, alice, bobClient, conv } = await b.friends();
    const page = await b.open(s, { widget: { auth: { mode: 'builtin' }, layout: 'inline', locale: 'en' } });
    await signInWithForm(page, alice);
    await sendStored(bobClient, conv, ['hello']);
    await page.getByRole('button', { name: /Bob/ }).waitFor();

    await bobClient.rest.updateMe({ displayName: 'Robert' });
    await page.getByRole('button', { name: /Robert/ }).waitFor();
    expect(await page.getByRole('button', { name: /Bob/ }).count()).toBe(0);

    await page.getByRole('button', { name: /Robert/ }).click();
    await page.getByRole('heading', { name: 'Robert', level: 2 }).waitFor();
    await bobClient.rest.updateMe({ displayName: 'Bobby Tables' });
    await page.getByRole('heading', { name: 'Bobby Tables', level: 2 }).waitFor();
    expect(await page.evaluate(() => window.violations)).toEqual([]);
  });
});
