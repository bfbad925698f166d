/**
 * Calls end to end in real Chromium: two pages (two fresh profiles), two users who are mutual
 * friends, the real quickchat server, the SDK's browser build (the rollup output that npm gets,
 * `@quickchat/sdk` and `@quickchat/sdk/calls` with simple-peer inside, bundled into the page the
 * way an app's bundler does), Chromium's fake camera and microphone, and a real coturn on loopback.
 *
 * - direct: a video call is accepted and video frames decode on both sides;
 * - relay only (`iceTransportPolicy: 'relay'`), with the TURN credentials the SDK fetched from
 *   `GET /api/turn-credentials`: the selected candidate pair is relay/relay on both sides and
 *   frames decode;
 * - relay only with a server whose TURN secret is not coturn's: coturn refuses the allocation
 *   (401), gathering ends with no candidate at all, so the call can never connect. The SDK has
 *   no connect timeout yet: the session stays `connecting` (no error) until a side hangs up,
 *   which ends it on both pages.
 *
 * Peer connections gather candidates on every interface, so this file runs only inside a
 * loopback-only network namespace:
 * `scripts/loopback-only.sh npx vitest run packages/sdk/test/calls.browser.test.ts`.
 * Outside one, or without Chromium or coturn, it is skipped with the reason printed.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { coturnMissing, freeTurnPort, startCoturn, type Coturn } from '../../server/test/support/coturn.js';
import { notLoopbackOnly } from '../../server/test/support/loopback-only.js';
import { CHROMIUM_PATH, bundleForBrowser, chromiumAvailable, launchChromium, openPage, pageHtml, serveStatic, type PageServer, type TestPage } from './support/browser.js';
import { Rest, startServerForSdk, type TestServer, type TestUser } from './support/sdk-server.js';
import type { CallStats, CallsPageConfig } from './support/calls-page.js';
import { rollupPackages, type PackageDists } from '../../widget/test/support/bundle.js';

const skipReason = (chromiumAvailable() ? null : `no Chromium at ${CHROMIUM_PATH} (apt-get install -y chromium)`) ?? coturnMissing() ?? notLoopbackOnly();
if (skipReason) console.warn(`[calls.browser.test.ts] skipped: ${skipReason}`);

/** coturn's secret; the quickchat server is given it (or, for the failing run, another one). */
const TURN_SECRET = `coturn-secret-${process.pid}-${Date.now()}`;
/** Bound of each wait for the call (ringing, connecting, frames, failure). */
const CALL_TIMEOUT_MS = 15_000;

describe.skipIf(skipReason !== null)('calls in Chromium: two pages, fake camera, real server and coturn (loopback only)', () => {
  let browser: Browser;
  let dists: PackageDists;
  let pages: PageServer;
  let coturn: Coturn;
  let turnPort: number;
  let servers: TestServer[] = [];
  let tabs: TestPage[] = [];

  beforeAll(async () => {
    dists = await rollupPackages({ widget: false });
    const js = await bundleForBrowser(
      { entry: fileURLToPath(new URL('./support/calls-page.ts', import.meta.url)) },
      { alias: { '@quickchat/sdk': dists.sdk, '@quickchat/protocol': dists.protocol }, nodePaths: [fileURLToPath(new URL('../../../node_modules', import.meta.url))] },
    );
    pages = await serveStatic({ '/': pageHtml('/app.js', { body: '<h1 style="font:14px sans-serif">quickchat call</h1>' }), '/app.js': js });
    turnPort = await freeTurnPort();
    coturn = await startCoturn(TURN_SECRET, turnPort);
    browser = await launchChromium();
  });

  afterEach(async () => {
    await Promise.all(tabs.map((t) => t.page.evaluate(() => window.calls.close()).catch(() => undefined)));
    await Promise.all(tabs.map((t) => t.close()));
    await Promise.all(servers.map((s) => s.stop()));
    tabs = [];
    servers = [];
  });

  afterAll(async () => {
    await browser?.close();
    await pages?.close();
    await coturn?.stop();
    dists?.dispose();
  });

  /** A server for the page origin (TURN on our coturn when `turnSecret` is given), alice and bob befriended, a page each. */
  async function setup(options: { turnSecret?: string; relayOnly?: boolean; connectTimeoutMs?: number } = {}): Promise<{ alice: TestUser; bob: TestUser; caller: TestPage; callee: TestPage }> {
    const server = await startServerForSdk({
      allowedOrigins: [pages.origin],
      ...(options.turnSecret ? { turn: { urls: [`turn:127.0.0.1:${turnPort}?transport=udp`], ttlSec: 300 }, secrets: { turnSecret: options.turnSecret } } : {}),
    });
    servers.push(server);
    const rest = new Rest(server.url);
    const [alice, bob] = await Promise.all([rest.register('alice'), rest.register('bob')]);
    await rest.befriend(alice, bob);
    const [caller, callee] = await Promise.all([openPage(browser, pages.url), openPage(browser, pages.url)]);
    tabs.push(caller, callee);
    const config = (u: TestUser): CallsPageConfig => ({ url: server.url, handle: u.handle, password: u.password, relayOnly: options.relayOnly ?? false, ...(options.connectTimeoutMs ? { connectTimeoutMs: options.connectTimeoutMs } : {}) });
    await Promise.all([caller.page.evaluate((c) => window.calls.start(c), config(alice)), callee.page.evaluate((c) => window.calls.start(c), config(bob))]);
    return { alice, bob, caller, callee };
  }

  /** Alice's page calls bob's, bob's accepts; returns the time of the accept. */
  async function placeAndAccept(caller: TestPage, callee: TestPage, bob: TestUser): Promise<number> {
    const callId = await caller.page.evaluate((peer) => window.calls.place(peer), bob.id);
    const acceptedAt = Date.now();
    expect(await callee.page.evaluate((ms) => window.calls.acceptIncoming(ms), CALL_TIMEOUT_MS)).toBe(callId);
    return acceptedAt;
  }

  /** Polls the page's peer connection stats until `done` holds (bounded); returns the last stats. */
  async function statsUntil(page: Page, done: (s: CallStats) => boolean, what: string, timeoutMs = CALL_TIMEOUT_MS): Promise<CallStats> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const stats = await page.evaluate(() => window.calls.stats());
      if (done(stats)) return stats;
      if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last stats ${JSON.stringify(stats)}`);
      await page.waitForTimeout(50); // the poll interval, not a stand-in for a condition
    }
  }

  /** Waits until the page's remote `<video>` plays, then screenshots the page into the OS temp dir. */
  async function screenshot(tab: TestPage, name: string): Promise<string> {
    await tab.page.waitForFunction(
      () => {
        const v = document.getElementById('remote') as HTMLVideoElement | null;
        return !!v && v.videoWidth > 0 && v.currentTime > 0.3;
      },
      null,
      { timeout: CALL_TIMEOUT_MS },
    );
    const path = join(tmpdir(), `quickchat-call-${name}-${process.pid}.png`);
    await tab.page.screenshot({ path });
    console.log(`[calls.browser] screenshot: ${path}`);
    return path;
  }

  /** Both sides decode video; returns ms from accept to the first decoded frame on each side, and their stats. */
  async function framesBothWays(caller: TestPage, callee: TestPage, acceptedAt: number): Promise<{ ms: number[]; stats: CallStats[] }> {
    const results = await Promise.all(
      [caller, callee].map(async (tab, i) => {
        const stats = await statsUntil(tab.page, (s) => s.framesDecoded > 0, `decoded video frames on the ${i === 0 ? 'caller' : 'callee'}`);
        return { ms: Date.now() - acceptedAt, stats };
      }),
    );
    return { ms: results.map((r) => r.ms), stats: results.map((r) => r.stats) };
  }

  async function hangUpAndEnd(caller: TestPage, callee: TestPage): Promise<void> {
    await caller.page.evaluate(() => window.calls.hangUp());
    for (const tab of [caller, callee]) {
      await tab.page.waitForFunction(() => window.calls.ended !== null, null, { timeout: CALL_TIMEOUT_MS });
      expect(await tab.page.evaluate(() => window.calls.ended)).toEqual({ outcome: 'completed', code: 'server_ended' });
    }
  }

  it('a video call between two pages connects directly and video frames decode on both sides', async () => {
    const { bob, caller, callee } = await setup();
    const acceptedAt = await placeAndAccept(caller, callee, bob);
    const { ms, stats } = await framesBothWays(caller, callee, acceptedAt);
    console.log(`[calls.browser] direct: first decoded frame ${ms[0]} ms (caller) / ${ms[1]} ms (callee) after the accept`);
    for (const s of stats) expect(s.selected).toEqual({ local: 'host', remote: 'host' });
    for (const tab of [caller, callee]) {
      await tab.page.waitForFunction(() => window.calls.states.at(-1) === 'connected', null, { timeout: CALL_TIMEOUT_MS });
      expect(await tab.page.evaluate(() => ({ states: window.calls.states, errors: window.calls.errors }))).toEqual({ states: ['ringing', 'connecting', 'connected'], errors: [] });
    }
    await screenshot(caller, 'direct-caller');
    await screenshot(callee, 'direct-callee');
    await hangUpAndEnd(caller, callee);
    expect([...caller.errors, ...callee.errors]).toEqual([]);
  });

  it('screen share in a video call: the callee receives the screen (its shape) instead of the camera on the same sender, with no new offer; stopping it sends the camera again', async () => {
    const { bob, caller, callee } = await setup();
    const acceptedAt = await placeAndAccept(caller, callee, bob);
    await framesBothWays(caller, callee, acceptedAt);
    // Sizes adapt to the bandwidth (a camera starts at 320×240, then 640×480), shapes don't:
    // Chromium's fake camera is 4:3, its fake screen 16:9.
    const shape = (size: { width: number; height: number }) => Math.round((size.width / size.height) * 100) / 100;
    const remoteShape = async () => shape(await callee.page.evaluate(() => window.calls.remoteSize()));
    const shapeBecomes = async (want: number, what: string) => {
      await callee.page
        .waitForFunction((w) => {
          const { width, height } = window.calls.remoteSize();
          return height > 0 && Math.round((width / height) * 100) / 100 === w;
        }, want, { timeout: CALL_TIMEOUT_MS })
        .catch(async () => {
          throw new Error(`${what}: the callee's remote video kept the shape ${await remoteShape()}, wanted ${want}`);
        });
    };
    await callee.page.waitForFunction(() => window.calls.remoteSize().width > 0, null, { timeout: CALL_TIMEOUT_MS });
    const camera = await remoteShape();
    expect(camera).toBe(1.33);
    const offersBefore = await caller.page.evaluate(() => window.calls.offers);

    const screen = shape(await caller.page.evaluate(() => window.calls.shareScreen()));
    expect(screen).toBe(1.78);
    await shapeBecomes(screen, 'screen share');
    const decodedDuringShare = (await statsUntil(callee.page, (s) => s.framesDecoded > 0, 'frames')).framesDecoded;
    await statsUntil(callee.page, (s) => s.framesDecoded > decodedDuringShare + 10, 'frames keep decoding during the share');
    await screenshot(callee, 'screen-share-callee');

    expect(await caller.page.evaluate(() => window.calls.stopScreenShare())).toBe(true);
    await shapeBecomes(camera, 'back to the camera');
    expect(await caller.page.evaluate(() => window.calls.offers)).toBe(offersBefore); // replaceTrack: no renegotiation
    await hangUpAndEnd(caller, callee);
    expect([...caller.errors, ...callee.errors]).toEqual([]);
  });

  it("relay only, through coturn with the credentials from GET /api/turn-credentials: the selected pair is relay on both sides and frames decode", async () => {
    const { alice, bob, caller, callee } = await setup({ turnSecret: TURN_SECRET, relayOnly: true });
    const acceptedAt = await placeAndAccept(caller, callee, bob);
    const { ms, stats } = await framesBothWays(caller, callee, acceptedAt);
    console.log(`[calls.browser] relay: first decoded frame ${ms[0]} ms (caller) / ${ms[1]} ms (callee) after the accept`);
    for (const s of stats) {
      expect(s.selected, coturn.log()).toEqual({ local: 'relay', remote: 'relay' });
      expect(new Set(s.localCandidateTypes)).toEqual(new Set(['relay']));
    }
    // The peers got the server's TURN URL with REST credentials minted for each user (never the secret).
    for (const [tab, user] of [[caller, alice], [callee, bob]] as const) {
      const ice = await tab.page.evaluate(() => window.calls.iceServers);
      expect(ice).toEqual([expect.objectContaining({ urls: [`turn:127.0.0.1:${turnPort}?transport=udp`], username: expect.stringMatching(new RegExp(`^\\d+:${user.id}$`)) })]);
      expect(JSON.stringify(ice)).not.toContain(TURN_SECRET);
    }
    await screenshot(caller, 'relay-caller');
    await screenshot(callee, 'relay-callee');
    await hangUpAndEnd(caller, callee);
    expect([...caller.errors, ...callee.errors]).toEqual([]);
  });

  it("relay only with a server whose TURN secret is not coturn's: coturn answers 401, no candidate, the call never connects; the SDK gives up after its connect timeout and the call ends as failed", async () => {
    const { bob, caller, callee } = await setup({ turnSecret: `${TURN_SECRET}-not-coturns`, relayOnly: true, connectTimeoutMs: 3000 });
    await placeAndAccept(caller, callee, bob);
    // Each side's candidate gathering finishes with coturn's 401 and not one candidate: with relay
    // only, no candidate pair can ever form, so nothing can connect from here on.
    const stats = await Promise.all([caller, callee].map((tab) => statsUntil(tab.page, (s) => s.gathering === 'complete', 'ICE gathering to finish')));
    for (const s of stats) expect(s).toMatchObject({ localCandidateTypes: [], selected: null, framesDecoded: 0 });
    for (const tab of [caller, callee]) {
      const seen = await tab.page.evaluate(() => ({ iceErrors: window.calls.iceErrors, iceStates: window.calls.iceStates }));
      expect(seen.iceErrors.length, coturn.log()).toBeGreaterThan(0);
      for (const e of seen.iceErrors) expect(e).toBe(`401 turn:127.0.0.1:${turnPort}?transport=udp`);
      expect(seen.iceStates).toEqual([]);
    }
    // Chromium never moves ICE past `new` (no pair to check, so no `failed` either): the SDK's
    // connect timeout hangs up, with an error saying why, and the server records a failed call.
    for (const tab of [caller, callee]) await tab.page.waitForFunction(() => window.calls.ended !== null, null, { timeout: CALL_TIMEOUT_MS });
    const seen = await Promise.all([caller, callee].map((tab) => tab.page.evaluate(() => ({ states: window.calls.states, ended: window.calls.ended, errors: window.calls.errors }))));
    for (const s of seen) expect(s).toMatchObject({ states: ['ringing', 'connecting', 'ended'], ended: { outcome: 'failed' } });
    // The side whose timer fired first says why; the other may end first from the server's frame.
    const errors = seen.flatMap((s) => s.errors);
    expect(errors.length).toBeGreaterThan(0);
    for (const e of errors) expect(e).toMatch(/^timeout: the call did not connect within 3 s/);
  });
});
