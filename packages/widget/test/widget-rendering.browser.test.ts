/**
 * What a person sees, measured in real Chromium against the real server (issue 9): own emoji-only
 * messages stay visible in both themes, long unbroken names, handles, memos and messages never
 * widen the panel or make anything scroll sideways, right-to-left text gets its own direction,
 * form fields on a phone are at least 16 px (iOS zooms on focus below that), and the delivery
 * ticks differ in shape, not only in colour. Screenshots go to /tmp/qc-rendering-*.png for a
 * person to look at. Skipped (with the reason printed) only when Chromium is missing.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { dmConversationId } from '@quickchat/sdk';
import { BROWSER_TIMEOUT_MS, requireChromium } from '../../sdk/test/support/browser.js';
import { until } from '../../sdk/test/support/sdk-server.js';
import { sendStored, signInWithForm, useWidgetBrowser } from './support/browser-page.js';

const available = requireChromium('widget-rendering.browser');

/** Longest unbroken strings the protocol allows (display name 64, handle 32, memo 200, signature 280). */
const LONG_NAME = 'W'.repeat(64);
const LONG_HANDLE = 'w'.repeat(32);
const LONG_MEMO = 'M'.repeat(200);
const LONG_SIGNATURE = 'S'.repeat(280);
const LONG_TEXT = 'x'.repeat(200);

const HEBREW = 'שלום, מה נשמע?';
const ARABIC = 'مرحبا، كيف حالك؟';
const ENGLISH = 'Hello, how are you?';

/** Saves a screenshot of the widget panel under /tmp, for a person to look at. */
async function shot(page: Page, name: string): Promise<void> {
  await page.locator('.qc-panel').screenshot({ path: `/tmp/qc-rendering-${name}.png`, animations: 'disabled', caret: 'hide' });
}

/**
 * Everything in the panel that a person would see cut off or sticking out: element boxes and
 * lines of text outside the panel, or cut by a box that hides its overflow without an ellipsis
 * (a cut with "…" is deliberate), and every box that scrolls sideways (scrollWidth >
 * clientWidth), the panel included.
 */
function layoutFaults(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const root = document.querySelector('[data-quickchat]')!.shadowRoot!;
    const panel = root.querySelector<HTMLElement>('.qc-panel')!;
    const edge = panel.getBoundingClientRect();
    const describe = (n: Node) => {
      const el = n instanceof Element ? n : n.parentElement!;
      return `${el.tagName.toLowerCase()}.${[...el.classList].join('.')} “${(n.textContent ?? '').slice(0, 24)}”`;
    };
    const faults: string[] = [];
    const check = (n: Node, rect: DOMRect) => {
      if (rect.width <= 1 && rect.height <= 1) return; // nothing, or a box for screen readers only
      let { left, right } = rect;
      for (let el = n.parentElement; el && el !== panel; el = el.parentElement) {
        const style = getComputedStyle(el);
        if (style.overflowX !== 'hidden' && style.overflowX !== 'clip') continue;
        const r = el.getBoundingClientRect();
        const deliberate = style.textOverflow === 'ellipsis' || r.width <= 1; // an ellipsis, or text for screen readers only
        if (!deliberate && (left < r.left - 0.5 || right > r.right + 0.5)) faults.push(`cut off: ${describe(n)} ${Math.round(left)}–${Math.round(right)} by ${describe(el)} ${Math.round(r.left)}–${Math.round(r.right)}`);
        left = Math.max(left, r.left);
        right = Math.min(right, r.right);
      }
      if (right - left > 0.5 && (left < edge.left - 0.5 || right > edge.right + 0.5)) faults.push(`outside the panel: ${describe(n)} ${Math.round(left)}–${Math.round(right)} (panel ${Math.round(edge.left)}–${Math.round(edge.right)})`);
    };
    const walker = document.createTreeWalker(panel, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT);
    const range = document.createRange();
    for (let n: Node | null = walker.currentNode; n; n = walker.nextNode()) {
      if (n instanceof Element) {
        check(n, n.getBoundingClientRect());
        const overflow = getComputedStyle(n).overflowX;
        if ((n === panel || overflow === 'auto' || overflow === 'scroll') && n.scrollWidth > n.clientWidth) faults.push(`scrolls sideways: ${describe(n)} ${n.scrollWidth} > ${n.clientWidth}`);
      } else if (n.textContent?.trim()) {
        range.selectNodeContents(n);
        for (const rect of range.getClientRects()) check(n, rect);
      }
    }
    return faults;
  });
}

/** WCAG contrast ratio between two `rgb(…)`/`rgba(…)` colours. */
function contrast(a: string, b: string): number {
  const lum = (c: string) => {
    const [r, g, bl] = (c.match(/[\d.]+/g) ?? []).slice(0, 3).map((v) => {
      const s = Number(v) / 255;
      return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r! + 0.7152 * g! + 0.0722 * bl!;
  };
  const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x);
  return (hi! + 0.05) / (lo! + 0.05);
}

describe.skipIf(!available)('widget rendering (Chromium)', () => {
  const b = useWidgetBrowser();

  it('own emoji-only messages keep a text colour that contrasts with what is behind them, light and dark', async () => {
    const { s, alice, conv } = await b.friends();
    await sendStored(await b.connect(s, alice), conv, ['😀', '✔ ♥ ©', 'hello']);

    for (const theme of ['light', 'dark'] as const) {
      const page = await b.open(s, { widget: { auth: { token: alice.token }, layout: 'inline', theme, locale: 'en' } });
      await page.getByRole('button', { name: /Bob/ }).click();
      const log = page.getByRole('log', { name: 'Messages with Bob' });
      await log.getByText('✔ ♥ ©').waitFor();
      const seen = await log.locator('.qc-own .qc-bubble').evaluateAll((bubbles) =>
        bubbles.map((el) => {
          let back = 'rgba(0, 0, 0, 0)';
          for (let at: Element | null = el; at && /rgba\(.*, 0\)|transparent/.test(back); at = at.parentElement ?? ((at.getRootNode() as ShadowRoot).host ?? null)) back = getComputedStyle(at).backgroundColor;
          const text = [...el.childNodes].filter((n) => !(n instanceof Element && n.classList.contains('qc-sr'))).map((n) => n.textContent).join('');
          return { text, color: getComputedStyle(el).color, back, font: getComputedStyle(el).fontFamily };
        }),
      );
      expect(seen.map((m) => m.text)).toEqual(['😀', '✔ ♥ ©', 'hello']);
      for (const m of seen) {
        expect(m.color, `${theme} “${m.text}”`).not.toBe(m.back);
        // 3:1 at least: large text (the emoji-only size), WCAG AA.
        expect(contrast(m.color, m.back), `${theme} “${m.text}”: ${m.color} on ${m.back}`).toBeGreaterThanOrEqual(3);
        expect(m.font, 'emoji fonts in the stack').toMatch(/Apple Color Emoji.*Segoe UI Emoji.*Noto Color Emoji/);
      }
      // Emoji-only text puts the emoji fonts first.
      expect(seen[0]!.font.startsWith('"Apple Color Emoji"')).toBe(true);
      await shot(page, `emoji-${theme}`);
    }
  });

  it('long unbroken names, handles, memos, signatures and messages stay inside the panel on every screen', async () => {
    const { server: s, rest } = await b.server();
    const alice = await rest.register(LONG_HANDLE, 'correct horse battery', LONG_NAME);
    const bob = await rest.register('bob', 'correct horse battery', `B${LONG_NAME.slice(1)}`);
    const carol = await rest.register('carol', 'correct horse battery', `C${LONG_NAME.slice(1)}`);
    const dave = await rest.register('dave', 'correct horse battery', `D${LONG_NAME.slice(1)}`);
    await rest.register('erin', 'correct horse battery', `E${LONG_NAME.slice(1)}`);
    await rest.befriend(alice, bob);
    expect((await rest.call('PATCH', '/api/me', { token: alice.token, body: { signature: LONG_SIGNATURE } })).status).toBe(200);
    expect((await rest.call('PATCH', '/api/me', { token: bob.token, body: { signature: LONG_SIGNATURE } })).status).toBe(200);
    expect((await rest.call('POST', '/api/friend-requests', { token: carol.token, body: { userId: alice.id, memo: LONG_MEMO } })).status).toBe(200);
    expect((await rest.call('POST', '/api/friend-requests', { token: alice.token, body: { userId: dave.id, memo: LONG_MEMO } })).status).toBe(200);
    const bobClient = await b.connect(s, bob);
    const conv = dmConversationId(alice.id, bob.id);
    await sendStored(bobClient, conv, [LONG_TEXT, `see https://example.com/${LONG_TEXT}`]);
    const aliceNode = await b.connect(s, alice);
    await sendStored(aliceNode, conv, [`${LONG_TEXT}!`]);

    const page = await b.open(s, { widget: { auth: { token: alice.token }, locale: 'en', open: true } });
    const faults: string[] = [];
    const check = async (screen: string) => {
      faults.push(...(await layoutFaults(page)).map((f) => `${screen}: ${f}`));
      await shot(page, `long-${screen}`);
    };

    await page.getByRole('button', { name: /BWWW/ }).waitFor();
    await check('chats');
    // A long name leaves room for the whole time of the last message.
    if (await page.locator('.qc-row .qc-stamp').evaluate((el) => el.scrollWidth > el.clientWidth)) faults.push('chats: the time of the last message is cut');
    await page.getByRole('searchbox', { name: 'Filter chats' }).fill(LONG_TEXT.replace(/x/g, 'q'));
    await page.getByText(/No chats match/).waitFor();
    await check('chats-no-match');
    await page.getByRole('searchbox', { name: 'Filter chats' }).fill('');

    await page.getByRole('button', { name: /BWWW/ }).click();
    const log = page.getByRole('log');
    await log.getByText(/beginning of your chat/).waitFor();
    await log.getByText(`${LONG_TEXT}!`).waitFor();
    bobClient.setTyping(conv, true);
    await page.getByText(/is typing/).waitFor();
    await check('thread');
    await page.getByRole('button', { name: 'Back to chats' }).click();

    await page.getByRole('button', { name: 'Contacts' }).click();
    await page.getByRole('button', { name: /^Accept C/ }).waitFor();
    await page.getByRole('button', { name: /^Message B/ }).waitFor();
    await check('contacts');
    await page.getByRole('textbox', { name: 'Their handle' }).fill('erin');
    await page.getByRole('button', { name: 'Send friend request' }).click();
    await page.getByText(/Friend request sent to EWWW/).waitFor();
    await check('contacts-result');
    // Remove is a button of its own, or an item of the person's "More actions" menu.
    const remove = page.getByRole('button', { name: /^Remove B/ });
    if ((await remove.count()) > 0) await remove.click();
    else {
      await page.getByRole('button', { name: /^More actions for B/ }).click();
      await page.getByRole('menuitem', { name: /^Remove/ }).waitFor();
      await check('contacts-menu');
      await page.getByRole('menuitem', { name: /^Remove/ }).click();
    }
    await page.getByRole('dialog', { name: /^Remove B/ }).waitFor();
    await check('dialog');
    await page.keyboard.press('Escape');
    await page.getByRole('dialog', { name: /^Remove B/ }).waitFor({ state: 'detached' });

    await page.getByRole('button', { name: 'Profile' }).click();
    await page.getByRole('button', { name: 'Save profile' }).waitFor();
    await page.getByText(`@${LONG_HANDLE}`).waitFor();
    await check('profile');

    expect(faults).toEqual([]);
  });

  it('right-to-left text takes its own direction in messages, previews, names and the header', async () => {
    const { server: s, rest } = await b.server();
    const alice = await rest.register('alice', 'correct horse battery', 'Alice');
    const dana = await rest.register('dana', 'correct horse battery', 'דנה כהן');
    const omar = await rest.register('omar', 'correct horse battery', 'عمر');
    const eve = await rest.register('eve', 'correct horse battery', 'Eve');
    for (const friend of [dana, omar, eve]) await rest.befriend(alice, friend);
    const aliceNode = await b.connect(s, alice);
    // Alice's own last message to Dana: its preview starts with "You: ", which must not decide.
    await sendStored(await b.connect(s, dana), dmConversationId(alice.id, dana.id), [ARABIC]);
    await sendStored(aliceNode, dmConversationId(alice.id, dana.id), [HEBREW]);
    await sendStored(await b.connect(s, omar), dmConversationId(alice.id, omar.id), [ARABIC]);
    await sendStored(await b.connect(s, eve), dmConversationId(alice.id, eve.id), [ENGLISH]);

    const page = await b.open(s, { widget: { auth: { token: alice.token }, locale: 'en', open: true } });
    /** The computed direction of the innermost element in `scope` holding all of `text`. */
    const direction = (text: string, scope: string) =>
      page.locator(scope, { hasText: text }).first().evaluate((el, wanted) => {
        let at: Element = el;
        for (let inner: Element | undefined = at; inner; inner = [...at.children].find((c) => c.textContent?.includes(wanted))) at = inner;
        return getComputedStyle(at).direction;
      }, text);
    await page.getByRole('button', { name: /Eve/ }).waitFor();
    await page.getByRole('button', { name: /عمر/ }).waitFor();
    expect(await page.locator('.qc-row', { hasText: 'דנה' }).locator('[data-preview]').textContent()).toBe(`You: ${HEBREW}`);
    expect({
      hebrewPreview: await direction(HEBREW, '[data-preview]'),
      arabicPreview: await direction(ARABIC, '[data-preview]'),
      englishPreview: await direction(ENGLISH, '[data-preview]'),
      hebrewName: await direction('דנה כהן', '.qc-name'),
      arabicName: await direction('عمر', '.qc-name'),
      englishName: await direction('Eve', '.qc-name'),
    }).toEqual({ hebrewPreview: 'rtl', arabicPreview: 'rtl', englishPreview: 'ltr', hebrewName: 'rtl', arabicName: 'rtl', englishName: 'ltr' });
    // The closing question mark is at the left end of the Hebrew preview, as a reader of Hebrew expects.
    const mark = await page.locator('[data-preview] *', { hasText: HEBREW }).last().evaluate((el) => {
      const text = [...el.childNodes].find((n) => n.nodeType === Node.TEXT_NODE && n.textContent!.includes('?'))!;
      const range = document.createRange();
      range.setStart(text, text.textContent!.length - 1);
      range.setEnd(text, text.textContent!.length);
      return { mark: range.getBoundingClientRect().left, box: el.getBoundingClientRect().left };
    });
    expect(mark.mark - mark.box).toBeLessThan(4);
    await shot(page, 'rtl-chats');

    await page.getByRole('button', { name: /דנה/ }).click();
    const log = page.getByRole('log');
    await log.getByText(HEBREW).waitFor();
    expect({
      header: await page.locator('.qc-head h2').evaluate((el) => getComputedStyle(el).direction),
      own: await direction(HEBREW, '.qc-own .qc-bubble'),
      theirs: await direction(ARABIC, '.qc-msg:not(.qc-own) .qc-bubble'),
    }).toEqual({ header: 'rtl', own: 'rtl', theirs: 'rtl' });
    await shot(page, 'rtl-thread');
    await page.getByRole('button', { name: 'Back to chats' }).click();
    await page.getByRole('button', { name: /Eve/ }).click();
    await log.getByText(ENGLISH).waitFor();
    expect({ header: await page.locator('.qc-head h2').evaluate((el) => getComputedStyle(el).direction), text: await direction(ENGLISH, '.qc-bubble') }).toEqual({ header: 'ltr', text: 'ltr' });
    await page.getByRole('button', { name: 'Back to chats' }).click();
    await page.getByRole('button', { name: 'Contacts' }).click();
    await page.getByText('דנה כהן').waitFor();
    await shot(page, 'rtl-contacts');
  });

  it('on a phone every form field is at least 16 px, so iOS does not zoom in on focus', async () => {
    const { s, alice, bobClient, conv } = await b.friends();
    await sendStored(bobClient, conv, ['hi from bob']);
    const page = await b.open(s, { widget: { auth: { mode: 'builtin' }, locale: 'en' } });
    await page.setViewportSize({ width: 375, height: 667 });
    await page.getByRole('button', { name: 'Open chat' }).click();
    const sizes = () => page.evaluate(() => [...document.querySelector('[data-quickchat]')!.shadowRoot!.querySelectorAll('input, textarea, select')].map((el) => `${el.getAttribute('name') ?? el.getAttribute('type') ?? el.tagName} ${parseFloat(getComputedStyle(el).fontSize)}`));
    const small: string[] = [];
    const check = async (screen: string) => {
      const found = await sizes();
      expect(found.length, `${screen} has fields`).toBeGreaterThan(0);
      small.push(...found.filter((f) => Number(f.split(' ').pop()) < 16).map((f) => `${screen}: ${f}`));
    };
    await page.getByRole('textbox', { name: 'Handle' }).waitFor();
    await check('sign in');
    await page.getByRole('button', { name: 'New here? Create an account' }).click();
    await check('register');
    await page.getByRole('button', { name: 'Already have an account? Sign in' }).click();
    await signInWithForm(page, alice);
    await check('chats');
    await page.getByRole('button', { name: /Bob/ }).click();
    await page.getByRole('textbox', { name: 'Message to Bob' }).waitFor();
    await check('thread');
    await shot(page, 'phone-thread');
    await page.getByRole('button', { name: 'Back to chats' }).click();
    await page.getByRole('button', { name: 'Contacts' }).click();
    await page.getByRole('textbox', { name: 'Their handle' }).waitFor();
    await check('contacts');
    await page.getByRole('button', { name: 'Profile' }).click();
    await page.getByRole('button', { name: 'Save profile' }).waitFor();
    await check('profile');
    await shot(page, 'phone-profile');
    expect(small).toEqual([]);
  });

  it('sent, delivered and read ticks differ in shape, not only in colour', async () => {
    const { s, alice, bobClient, conv } = await b.friends();
    await sendStored(bobClient, conv, ['hi Alice']);
    const page = await b.open(s, { widget: { auth: { token: alice.token }, layout: 'inline', locale: 'en' } });
    await page.getByRole('button', { name: /Bob/ }).click();
    const log = page.getByRole('log');
    const box = page.getByRole('textbox', { name: 'Message to Bob' });
    const write = async (text: string) => {
      await box.fill(text);
      await box.press('Enter');
      await log.getByText(text).waitFor();
    };
    const atBob = (n: number) => until(bobClient, () => (bobClient.messages.getState()[conv]?.items.length ?? 0) === n, BROWSER_TIMEOUT_MS, `${n} messages at bob`);
    await write('read one');
    await atBob(2);
    bobClient.markRead(conv);
    await log.getByRole('img', { name: 'Read' }).waitFor();
    await write('delivered one');
    await atBob(3);
    await log.getByRole('img', { name: 'Delivered' }).waitFor();
    bobClient.close();
    await write('sent one');
    await log.getByRole('img', { name: 'Sent' }).waitFor();
    await shot(page, 'ticks');
    // Without colour: a copy of each tick at the same whole-pixel spot, everything it paints
    // (text and any background) in black on white, compared pixel for pixel.
    const pictures = new Map<string, string>();
    for (const label of ['Sent', 'Delivered', 'Read']) {
      const tick = log.getByRole('img', { name: label });
      expect(await tick.getAttribute('title')).toBe(label);
      await tick.evaluate((el) => {
        const root = el.closest('.qc-root')!;
        root.querySelector('#qc-test-tick')?.remove();
        const frame = document.createElement('div');
        frame.id = 'qc-test-tick';
        for (const [k, v] of Object.entries({ position: 'fixed', left: '0', top: '0', padding: '4px', background: '#fff', 'font-size': '12px', 'z-index': '2147483647' })) frame.style.setProperty(k, v);
        const copy = el.cloneNode(true) as HTMLElement;
        frame.append(copy);
        root.append(frame);
        for (const part of [copy, ...copy.querySelectorAll<HTMLElement>('*')]) {
          part.style.setProperty('color', '#000', 'important');
          if (!/^(transparent|rgba\(.*, 0\))$/.test(getComputedStyle(part).backgroundColor)) part.style.setProperty('background-color', '#000', 'important');
        }
      });
      const copy = page.locator('#qc-test-tick');
      expect((await copy.boundingBox())!.width, `${label} is drawn`).toBeGreaterThan(12);
      pictures.set(label, (await copy.screenshot({ animations: 'disabled' })).toString('base64'));
    }
    expect(new Set(pictures.values()).size).toBe(3);
  });
});
