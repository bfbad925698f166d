/**
 * The widget's call screens as shipped (the script-tag build; its `calls` lazy file, with the
 * SDK's calls entry and simple-peer inside, loaded only when the call starts or rings) in real
 * Chromium against the real server, on pages with a strict CSP: Alice calls Bob with video from
 * their DM thread; Bob's widget rings with its launcher panel closed, on both of his devices
 * (English, and Simplified Chinese in dark); he accepts on one (the other stops ringing); both
 * in-call views play the other side's video (Chromium's fake camera, frames decoded > 0); Bob
 * hangs up, both sides say so, and the call's record shows in both threads. axe-core over the
 * incoming dialog and the in-call view (0 serious or critical violations) in light and dark,
 * English and Chinese. Screenshots go to docs/images (shown in docs/widget.md).
 *
 * Peer connections gather candidates on every interface, so this file runs only inside a
 * loopback-only network namespace: `scripts/loopback-only.sh npx vitest run
 * packages/widget/test/widget-calls.browser.test.ts`. Elsewhere, or without Chromium, it is
 * skipped with the reason printed.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { Locator, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { notLoopbackOnly } from '../../server/test/support/loopback-only.js';
import { CHROMIUM_PATH, chromiumAvailable } from '../../sdk/test/support/browser.js';
import { sendStored, useWidgetBrowser } from './support/browser-page.js';
import { audit } from './support/panel-checks.js';

declare global {
  interface Window {
    axe: { run(context: unknown, options: unknown): Promise<{ violations: { id: string; impact: string | null; help: string; nodes: { target: unknown[] }[] }[] }> };
  }
}

const skipReason = (chromiumAvailable() ? null : `no Chromium at ${CHROMIUM_PATH} (apt-get install -y chromium)`) ?? notLoopbackOnly();
if (skipReason) console.warn(`[widget-calls.browser.test.ts] SKIPPED: ${skipReason}`);

const IMAGES_DIR = fileURLToPath(new URL('../../../docs/images/', import.meta.url));
/** Bound of each wait for the call (ringing, connecting, frames). */
const CALL_TIMEOUT_MS = 20_000;

/** Audits `page` in light, then dark, then back to how it was (`first`). */
async function auditThemes(page: Page, screen: string, first: 'light' | 'dark'): Promise<string[]> {
  const other = first === 'light' ? 'dark' : 'light';
  const found = await audit(page, `${screen} ${first}`);
  await setTheme(page, other);
  found.push(...(await audit(page, `${screen} ${other}`)));
  await setTheme(page, first);
  return found;
}

/** Switches the mounted widget between light and dark (the `theme` option sets this attribute on its host). */
function setTheme(page: Page, theme: 'light' | 'dark'): Promise<void> {
  return page.evaluate((t) => document.querySelector('[data-quickchat]')!.setAttribute('data-theme', t), theme);
}

/** The element with focus inside the widget: its tag and text. */
function focused(page: Page): Promise<string> {
  return page.evaluate(() => {
    const el = document.querySelector('[data-quickchat]')!.shadowRoot!.activeElement;
    return el ? `${el.tagName} ${el.textContent?.trim() ?? ''}` : 'nothing';
  });
}

/** Frames decoded by the in-call view's large (remote) video, read from the `<video>` in the widget's shadow root. */
function framesDecoded(page: Page): Promise<number> {
  return page.evaluate(() => {
    const video = document.querySelector('[data-quickchat]')!.shadowRoot!.querySelector<HTMLVideoElement>('video.qc-call-remote');
    return video ? video.getVideoPlaybackQuality().totalVideoFrames : 0;
  });
}

/** Waits until the remote video has decoded frames; returns how many. */
async function videoPlays(page: Page, who: string): Promise<number> {
  await page.waitForFunction(
    () => {
      const video = document.querySelector('[data-quickchat]')!.shadowRoot!.querySelector<HTMLVideoElement>('video.qc-call-remote');
      return !!video && video.getVideoPlaybackQuality().totalVideoFrames > 0;
    },
    undefined,
    { timeout: CALL_TIMEOUT_MS },
  );
  const frames = await framesDecoded(page);
  expect(frames, `${who}'s remote video`).toBeGreaterThan(0);
  return frames;
}

/** Saves a screenshot of `element` as docs/images/widget-<name>.png, with the call's duration pinned. */
async function shot(element: Locator, name: string): Promise<void> {
  mkdirSync(IMAGES_DIR, { recursive: true });
  await element.locator('time').evaluateAll((nodes) => nodes.forEach((n) => (n.textContent = '1:23')));
  await element.screenshot({ path: `${IMAGES_DIR}widget-${name}.png`, animations: 'disabled', caret: 'hide' });
}

describe.skipIf(skipReason !== null)('calls in the widget, in Chromium (real server, strict CSP, fake camera, loopback only)', () => {
  const b = useWidgetBrowser();

  beforeAll(() => {
    const axe = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
    Object.assign(b.routes, { '/axe.js': axe });
  });

  it('Alice calls Bob with video from their thread; Bob, panel closed, accepts; both see video; the hang-up ends it on both and leaves a record', async () => {
    const { server: s, rest } = await b.server();
    const alice = await rest.register('alice', 'correct horse battery', 'Alice');
    const bob = await rest.register('bob', 'correct horse battery', 'Bob');
    await rest.befriend(alice, bob);
    const aliceNode = await b.connect(s, alice);
    const conv = `dm:${[alice.id, bob.id].sort().join('~')}`;
    await sendStored(aliceNode, conv, ['Shall we talk face to face?']);

    // Alice's widget in Chinese with its panel open; Bob's two devices with their panels closed.
    const caller = await b.open(s, { widget: { auth: { token: alice.token }, locale: 'zh-CN', theme: 'light', open: true }, scripts: ['/axe.js'] });
    const callee = await b.open(s, { widget: { auth: { token: bob.token }, locale: 'en', theme: 'light' }, scripts: ['/axe.js'] });
    const calleeZh = await b.open(s, { widget: { auth: { token: bob.token }, locale: 'zh-CN', theme: 'dark' }, scripts: ['/axe.js'] });
    for (const page of [callee, calleeZh]) await page.getByRole('button', { name: /Open chat|打开/ }).waitFor();

    // Nothing of the calls code is loaded before a call.
    const callsFiles = (page: Page) => page.evaluate(() => performance.getEntriesByType('resource').map((e) => e.name).filter((url) => /quickchat-widget-calls-[\w-]+\.js$/.test(url)));
    for (const page of [caller, callee, calleeZh]) expect(await callsFiles(page)).toEqual([]);

    // Bob is in his widget (on its launcher button): the ringing dialog may take focus there.
    await callee.getByRole('button', { name: 'Open chat' }).focus();

    // Alice starts a video call from the DM thread's title bar.
    await caller.getByRole('button', { name: /Bob/ }).first().click();
    await caller.getByRole('heading', { level: 2, name: 'Bob' }).waitFor();
    await caller.getByRole('button', { name: '发起视频通话' }).click();
    const callerView = caller.getByRole('dialog', { name: '与 Bob 通话' });
    await callerView.waitFor();
    await callerView.getByText('正在呼叫…').waitFor({ timeout: CALL_TIMEOUT_MS });

    // Bob's devices ring, with the launcher panel closed; the calls file was loaded for it, under the page's CSP.
    const ringing = callee.getByRole('alertdialog', { name: 'Incoming video call from Alice' });
    const ringingZh = calleeZh.getByRole('alertdialog', { name: 'Alice 邀请你视频通话' });
    await ringing.waitFor({ timeout: CALL_TIMEOUT_MS });
    await ringingZh.waitFor({ timeout: CALL_TIMEOUT_MS });
    for (const page of [callee, calleeZh]) {
      expect(await page.locator('#qc-panel').isHidden()).toBe(true);
      expect(await callsFiles(page)).toHaveLength(1);
    }
    const found: string[] = [];
    found.push(...(await auditThemes(callee, 'incoming dialog en', 'light')));
    found.push(...(await auditThemes(calleeZh, 'incoming dialog zh-CN', 'dark')));
    await shot(ringing, 'light-call-incoming');
    await setTheme(callee, 'dark');
    await shot(ringing, 'dark-call-incoming');
    await setTheme(callee, 'light');

    // Bob accepts with video on his English device, by keyboard; the other one stops ringing.
    expect(await focused(callee)).toBe('H2 Incoming video call from Alice');
    await callee.keyboard.press('Escape'); // does not decline
    await callee.keyboard.press('Tab');
    expect(await focused(callee)).toBe('BUTTON Accept with video');
    await callee.keyboard.press('Enter');
    await ringingZh.waitFor({ state: 'detached', timeout: CALL_TIMEOUT_MS });
    expect(await calleeZh.getByRole('dialog').count()).toBe(0);
    const calleeView = callee.getByRole('dialog', { name: 'Call with Alice' });
    await calleeView.getByText('Connected', { exact: true }).waitFor({ timeout: CALL_TIMEOUT_MS });
    await callerView.getByText('已接通', { exact: true }).waitFor({ timeout: CALL_TIMEOUT_MS });

    // Both sides play the other's video: frames decoded from Chromium's fake camera.
    await videoPlays(callee, 'Bob');
    await videoPlays(caller, 'Alice');
    expect(await focused(callee)).toBe('H2 Call with Alice');
    await callee.keyboard.press('Escape'); // does not hang up
    expect(await calleeView.getByText('Connected', { exact: true }).isVisible()).toBe(true);
    expect(await calleeView.getByLabel('Your video').evaluate((v: HTMLVideoElement) => v.muted)).toBe(true);
    found.push(...(await auditThemes(callee, 'in-call view en', 'light')));
    found.push(...(await auditThemes(caller, 'in-call view zh-CN', 'light')));
    expect(found).toEqual([]);
    await shot(calleeView, 'light-call');
    await setTheme(callee, 'dark');
    await shot(calleeView, 'dark-call');
    await setTheme(callee, 'light');

    // The controls work on the live call: mute and unmute, then Bob hangs up; both sides say it ended.
    const mute = calleeView.getByRole('button', { name: 'Mute microphone' });
    await mute.click();
    expect(await mute.getAttribute('aria-pressed')).toBe('true');
    await mute.click();
    await calleeView.getByRole('button', { name: 'Hang up' }).click();
    const calleeEnded = callee.getByRole('dialog', { name: 'Call with Alice' }).getByText(/^Call ended · 0:\d\d$/);
    await calleeEnded.waitFor({ timeout: CALL_TIMEOUT_MS });
    await caller.getByRole('dialog', { name: '与 Bob 通话' }).getByText(/^通话结束 · 0:\d\d$/).waitFor({ timeout: CALL_TIMEOUT_MS });

    // The call's record, in both threads.
    await caller.getByRole('button', { name: '关闭', exact: true }).click();
    await caller.getByRole('log').getByText(/^📹 通话 · 0:\d\d$/).waitFor({ timeout: CALL_TIMEOUT_MS });
    await callee.getByRole('button', { name: 'Close', exact: true }).click();
    await callee.getByRole('button', { name: /Open chat/ }).click();
    await callee.getByRole('button', { name: /Alice/ }).first().click();
    await callee.getByRole('log').getByText(/^📹 Call · 0:\d\d$/).waitFor({ timeout: CALL_TIMEOUT_MS });

    // No CSP violation anywhere: the calls file loaded as a script of the page's own origin.
    for (const page of [caller, callee, calleeZh]) expect(await page.evaluate(() => window.violations)).toEqual([]);
  }, 120_000);
});
