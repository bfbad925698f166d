/**
 * One journey of three people through the widget as shipped (the script-tag build and its lazy
 * files) in real Chromium against the real server, each in a browser context of their own, on
 * pages with a strict CSP (images allowed from the chat server): Alice creates a group with Bob
 * and Carol from the New group screen; all three chat in it; Bob replies to Alice (Carol sees the
 * quote); Carol reacts (Alice sees the count); Alice edits (the others see the new words, marked
 * edited); Bob deletes a message (the others see the tombstone); Carol sends an image (the others
 * see its preview decoded); Alice searches for a word of Bob's and the result opens the thread at
 * his message; then Alice calls Bob with video from their DM thread, both sides decode the other's
 * frames, Alice hangs up, and the call's record shows in both DM threads.
 *
 * Peer connections gather candidates on every interface, so this file runs only inside a
 * loopback-only network namespace: `scripts/loopback-only.sh npx vitest run
 * packages/widget/test/widget-journey.browser.test.ts`. Elsewhere, or without Chromium, it is
 * skipped with the reason printed.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { notLoopbackOnly } from '../../server/test/support/loopback-only.js';
import { CHROMIUM_PATH, chromiumAvailable } from '../../sdk/test/support/browser.js';
import type { TestServer, TestUser } from '../../sdk/test/support/sdk-server.js';
import { useWidgetBrowser, type WidgetBrowser } from './support/browser-page.js';
import { png } from './support/png.js';

const skipReason = (chromiumAvailable() ? null : `no Chromium at ${CHROMIUM_PATH} (apt-get install -y chromium)`) ?? notLoopbackOnly();
if (skipReason) console.warn(`[widget-journey.browser.test.ts] SKIPPED: ${skipReason}`);

/** Bound of each wait for the call (ringing, connecting, frames, the record). */
const CALL_TIMEOUT_MS = 20_000;
const GROUP = 'Weekend climbers';
const ALICE_ASKS = 'Climbing on Saturday?';
const ALICE_EDITED = 'Climbing on Sunday instead?';
const BOB_SAYS = 'Bring your harness, the north wall is dry';
const CAROL_SAYS = 'I am in, see you there';
const BOB_REPLIES = 'Yes, leaving at eight';
const BOB_OOPS = 'Oops, wrong chat';
const CAPTION = 'The view from the top last time';

/** A widget page of `user` (inline, strict CSP with images from the server), signed in with their token, on its chat list. */
async function openChats(b: WidgetBrowser, s: TestServer, user: TestUser): Promise<Page> {
  const page = await b.open(s, { widget: { auth: { token: user.token }, layout: 'inline', locale: 'en', theme: 'light' }, imgSrc: ` ${s.url}` });
  await page.getByRole('heading', { level: 2, name: 'Chats' }).waitFor();
  return page;
}

/** Opens the conversation named `name` from the chat list. */
async function openThread(page: Page, name: string): Promise<void> {
  await page.locator('[data-conversation]').filter({ hasText: name }).click();
  await page.getByRole('heading', { level: 2, name }).waitFor();
  await page.getByRole('log').waitFor();
}

/** The message row in `page`'s thread whose bubble holds `text`. */
const row = (page: Page, text: string) => page.getByRole('log').locator('.qc-msg').filter({ has: page.locator('.qc-bubble', { hasText: text }) });

/** Types `text` into the open thread's composer and sends it with Enter. */
async function say(page: Page, to: string, text: string): Promise<void> {
  const box = page.getByRole('textbox', { name: `Message to ${to}`, exact: true });
  await box.fill(text);
  await box.press('Enter');
}

/** Waits until `page` shows `texts` in its thread (each one, once delivered). */
async function sees(page: Page, ...texts: string[]): Promise<void> {
  for (const text of texts) await row(page, text).waitFor();
}

/** Waits until every image preview in the thread has decoded its image (naturalWidth > 0). */
async function previewDecoded(page: Page): Promise<void> {
  await page.waitForFunction(() => {
    const imgs = [...document.querySelector('[data-quickchat]')!.shadowRoot!.querySelectorAll<HTMLImageElement>('.qc-att-img img')];
    return imgs.length > 0 && imgs.every((i) => i.complete && i.naturalWidth > 0);
  });
}

/** Waits until the in-call view's remote video plays decoded frames (with a size); returns how many. */
async function videoPlays(page: Page): Promise<number> {
  const frames = await page.waitForFunction(
    () => {
      const video = document.querySelector('[data-quickchat]')!.shadowRoot!.querySelector<HTMLVideoElement>('video.qc-call-remote');
      const decoded = video ? video.getVideoPlaybackQuality().totalVideoFrames : 0;
      return decoded > 0 && video!.videoWidth > 0 ? decoded : false;
    },
    undefined,
    { timeout: CALL_TIMEOUT_MS },
  );
  return (await frames.jsonValue()) as number;
}

describe.skipIf(skipReason !== null)('a three-person journey in the widget, in Chromium (real server, strict CSP, loopback only)', () => {
  const b = useWidgetBrowser();

  it('group, chat, reply, react, edit, delete, image, search, then a video call with frames on both sides and its record', async () => {
    const { server: s, rest } = await b.server();
    const alice = await rest.register('alice', 'correct horse battery', 'Alice');
    const bob = await rest.register('bob', 'correct horse battery', 'Bob');
    const carol = await rest.register('carol', 'correct horse battery', 'Carol');
    await rest.befriend(alice, bob);
    await rest.befriend(alice, carol);
    // One after the other: each page's boot script is served from the same route.
    const a = await openChats(b, s, alice);
    const bb = await openChats(b, s, bob);
    const c = await openChats(b, s, carol);

    // Alice creates the group from the New group screen, with both friends ticked.
    await a.getByRole('button', { name: 'New group' }).click();
    const form = a.getByRole('form', { name: 'New group' });
    await form.getByRole('textbox', { name: 'Group name' }).fill(GROUP);
    for (const name of [/Bob/, /Carol/]) await form.getByRole('checkbox', { name }).check();
    await form.getByRole('button', { name: 'Create group' }).click();
    await a.getByRole('heading', { level: 2, name: GROUP }).waitFor();
    // Bob and Carol find it in their chat lists (friends join at once) and open it.
    await openThread(bb, GROUP);
    await openThread(c, GROUP);

    // All three chat; each sees the others' messages.
    await say(a, GROUP, ALICE_ASKS);
    await sees(bb, ALICE_ASKS);
    await say(bb, GROUP, BOB_SAYS);
    await sees(c, ALICE_ASKS, BOB_SAYS);
    await say(c, GROUP, CAROL_SAYS);
    await sees(a, BOB_SAYS, CAROL_SAYS);
    await sees(bb, CAROL_SAYS);

    // Bob replies to Alice's question: Carol sees his reply with its quote of Alice.
    await row(bb, ALICE_ASKS).getByRole('button', { name: 'Message actions: Alice' }).click();
    await bb.getByRole('menuitem', { name: 'Reply' }).click();
    await bb.getByText('Replying to Alice').waitFor();
    await say(bb, GROUP, BOB_REPLIES);
    const quote = row(c, BOB_REPLIES).getByRole('button', { name: /^In reply to Alice/ });
    await quote.waitFor();
    expect(await quote.textContent()).toContain(ALICE_ASKS);

    // Carol reacts to Alice's question: Alice sees one ❤️, not hers.
    await row(c, ALICE_ASKS).getByRole('button', { name: 'Message actions: Alice' }).click();
    await c.getByRole('menuitem', { name: 'Add reaction' }).click();
    await c.getByRole('dialog', { name: 'Add a reaction' }).getByRole('group', { name: 'Quick reactions' }).getByRole('button', { name: '❤️' }).click();
    const chip = row(a, ALICE_ASKS).getByRole('group', { name: 'Reactions' }).getByRole('button', { name: '❤️ 1' });
    await chip.waitFor();
    expect(await chip.getAttribute('aria-pressed')).toBe('false');

    // Alice edits her question: Bob and Carol see the new words, marked edited, and not the old ones.
    await row(a, ALICE_ASKS).getByRole('button', { name: 'Message actions: You' }).click();
    await a.getByRole('menuitem', { name: 'Edit' }).click();
    await a.getByText('Editing your message').waitFor();
    await say(a, GROUP, ALICE_EDITED);
    for (const page of [bb, c]) {
      await row(page, ALICE_EDITED).getByText('edited', { exact: true }).waitFor();
      expect(await page.locator('.qc-bubble', { hasText: ALICE_ASKS }).filter({ hasNot: page.locator('.qc-quote') }).count()).toBe(0);
    }

    // Bob sends one more and deletes it: Alice and Carol see the tombstone in its place.
    await say(bb, GROUP, BOB_OOPS);
    await sees(a, BOB_OOPS);
    await sees(c, BOB_OOPS);
    await row(bb, BOB_OOPS).getByRole('button', { name: 'Message actions: You' }).click();
    await bb.getByRole('menuitem', { name: 'Delete' }).click();
    const confirm = bb.getByRole('dialog', { name: 'Delete this message?' });
    await confirm.getByRole('button', { name: 'Delete' }).click();
    for (const page of [a, c]) {
      await page.getByRole('log').getByText('Message deleted').waitFor();
      await row(page, BOB_OOPS).waitFor({ state: 'detached' });
    }

    // Carol sends an image with a caption: Alice and Bob see the preview, decoded.
    await c.locator('input[type=file]').setInputFiles([{ name: 'summit.png', mimeType: 'image/png', buffer: png(240, 160) }]);
    await c.getByText('Ready to send').waitFor();
    await c.getByRole('textbox', { name: `Message to ${GROUP}`, exact: true }).fill(CAPTION);
    await c.getByRole('button', { name: 'Send', exact: true }).click();
    for (const page of [a, bb]) {
      await row(page, CAPTION).getByRole('button', { name: 'Open image summit.png' }).waitFor();
      await previewDecoded(page);
    }

    // Alice searches for a word of Bob's: the result opens the group's thread at his message.
    await a.getByRole('button', { name: 'Back to chats' }).click();
    await a.getByRole('button', { name: 'Search messages' }).click();
    await a.getByRole('searchbox', { name: 'Words to find' }).fill('harness');
    await a.getByRole('button', { name: 'Search', exact: true }).click();
    const result = a.locator('[data-result]');
    await result.first().waitFor();
    expect(await result.count()).toBe(1);
    expect(await result.locator('mark').allTextContents()).toEqual(['harness']);
    await result.click();
    await a.getByRole('heading', { level: 2, name: GROUP }).waitFor();
    await a.getByRole('log').locator('.qc-flash').getByText(BOB_SAYS).waitFor();

    // Alice writes to Bob from Contacts, then calls him with video from their DM thread.
    await a.getByRole('button', { name: 'Back to chats' }).click();
    await a.getByRole('button', { name: 'Contacts', exact: true }).click();
    await a.getByRole('button', { name: 'Message Bob', exact: true }).click();
    await a.getByRole('heading', { level: 2, name: 'Bob' }).waitFor();
    await say(a, 'Bob', 'Got a minute to plan the route?');
    await bb.getByRole('button', { name: 'Back to chats' }).click();
    await openThread(bb, 'Alice');
    await sees(bb, 'Got a minute to plan the route?');
    await a.getByRole('button', { name: 'Start a video call' }).click();
    const aliceView = a.getByRole('dialog', { name: 'Call with Bob' });
    await bb.getByRole('alertdialog', { name: 'Incoming video call from Alice' }).getByRole('button', { name: 'Accept with video' }).click({ timeout: CALL_TIMEOUT_MS });
    const bobView = bb.getByRole('dialog', { name: 'Call with Alice' });
    await bobView.getByText('Connected', { exact: true }).waitFor({ timeout: CALL_TIMEOUT_MS });
    await aliceView.getByText('Connected', { exact: true }).waitFor({ timeout: CALL_TIMEOUT_MS });

    // Both sides decode the other's video (Chromium's fake camera).
    expect(await videoPlays(a), 'frames decoded at Alice').toBeGreaterThan(0);
    expect(await videoPlays(bb), 'frames decoded at Bob').toBeGreaterThan(0);

    // Alice hangs up; both sides say it ended, and the record shows in both DM threads.
    await aliceView.getByRole('button', { name: 'Hang up' }).click();
    for (const [page, view] of [[a, aliceView], [bb, bobView]] as const) {
      await view.getByText(/^Call ended · 0:\d\d$/).waitFor({ timeout: CALL_TIMEOUT_MS });
      await view.getByRole('button', { name: 'Close', exact: true }).click();
      await page.getByRole('log').getByText(/^📹 Call · 0:\d\d$/).waitFor({ timeout: CALL_TIMEOUT_MS });
    }
    for (const page of [a, bb, c]) expect(await page.evaluate(() => window.violations)).toEqual([]);
  }, 90_000);
});
