// P8: call setup in headless Chromium, from the callee's accept to the first decoded video frame
// on each side, for quickchat (the real server in a child process, the SDK's calls entry on
// simple-peer in two pages) beside a bare RTCPeerConnection call with offer/answer/ICE over plain
// `ws` (bench/baselines/rtc-call-page.ts through bench/baselines/ws-relay.ts), in the same browser
// and the same run, direct and relay-only through a coturn started on loopback.
//
// WebRTC gathers candidates on every interface, so P8 runs only inside a loopback-only network
// namespace (`scripts/loopback-only.sh npm run bench -- --only=p8`); see p8Unavailable().
import { createHmac } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { bundleForBrowser, CHROMIUM_PATH, chromiumAvailable, launchChromium, openPage, pageHtml, serveStatic, type TestPage } from '../packages/sdk/test/support/browser.js';
import { Rest } from '../packages/server/test/support/rest.js';
import { coturnMissing, freeTurnPort, startCoturn } from '../packages/server/test/support/coturn.js';
import { notLoopbackOnly } from '../packages/server/test/support/loopback-only.js';
import type { CallsPageConfig } from '../packages/sdk/test/support/calls-page.js';
import type { BareCallConfig } from './baselines/rtc-call-page.js';
import { startQuickchat, startRelay } from './lib/servers.js';
import { latencyStats, type LatencyStats } from './lib/stats.js';

export interface P8Params {
  /** Measured calls per implementation and mode (after one warm-up call of each). */
  rounds: number;
  deadlineMs: number;
}

/** What the probe marks on each page, in order of a call's progress. */
const STAGES = ['media', 'pc', 'remoteDescription', 'ice', 'connected', 'decoded', 'frame'] as const;
type Stage = (typeof STAGES)[number];

/** One implementation in one mode, over the measured rounds. */
export interface P8Side {
  /** Accept → first frame shown by the remote `<video>` (requestVideoFrameCallback), per side, and the later of the two per call. */
  caller: LatencyStats;
  callee: LatencyStats;
  both: LatencyStats;
  /** Accept → `framesDecoded > 0` in `getStats()` (polled every 5 ms once connected), the later side per call. */
  decoded: LatencyStats;
  /** Median ms from the accept to each stage, per side (a stage reached before the accept is negative). */
  stages: { caller: Partial<Record<Stage, number>>; callee: Partial<Record<Stage, number>> };
  /** Candidate types of the selected pair, `local/remote`, every value seen on either side. */
  selected: string[];
}

export interface P8Result {
  params: P8Params;
  ours: { direct: P8Side; relay: P8Side };
  bare: { direct: P8Side; relay: P8Side };
  /** p50 of the later side: ours ÷ bare direct; ours relay ÷ ours direct; bare relay ÷ bare direct. */
  ratios: { direct: number; relay: number; bareRelay: number };
  /** Measured rounds completed (fewer than asked when the deadline stopped it). */
  completedRounds: number;
  chromium: string;
  durationMs: number;
}

/** Why P8 can't run here, or null when it can: Chromium, coturn and a loopback-only network namespace. */
export function p8Unavailable(): string | null {
  if (!chromiumAvailable()) return `no Chromium at ${CHROMIUM_PATH} (apt-get install -y chromium)`;
  return coturnMissing() ?? notLoopbackOnly();
}

/** Everything the probe keeps on `window.p8`. */
interface Probe {
  marks: Partial<Record<Stage | 'accept', number>>;
  /** Marks `name` now (the first time only) and returns the time. */
  mark(name: Stage | 'accept'): number;
  /** The selected candidate pair's types of the page's last peer connection, `local/remote`. */
  selected(): Promise<string | null>;
}

declare global {
  interface Window {
    p8: Probe;
  }
}

/**
 * Runs in every page before its own scripts (ours and bare alike): wraps `RTCPeerConnection` and
 * `getUserMedia` to mark the stages of a call (epoch ms with sub-ms precision, comparable across
 * the pages of one machine) and watches `<video id="remote">` for its first frame.
 */
function probe(): void {
  const now = () => performance.timeOrigin + performance.now();
  const marks: Probe['marks'] = {};
  const mark = (name: Stage | 'accept') => (marks[name] ??= now());
  const pcs: RTCPeerConnection[] = [];
  const poll = (pc: RTCPeerConnection) => {
    const tick = () => {
      if (marks.decoded !== undefined || pc.connectionState === 'closed') return;
      void pc.getStats().then((report) => {
        for (const s of report.values()) if (s.type === 'inbound-rtp' && s.kind === 'video' && s.framesDecoded > 0) mark('decoded');
        setTimeout(tick, 5);
      });
    };
    tick();
  };
  const Native = window.RTCPeerConnection;
  class Probed extends Native {
    constructor(config?: RTCConfiguration) {
      super(config);
      mark('pc');
      pcs.push(this);
      this.addEventListener('iceconnectionstatechange', () => void ((this.iceConnectionState === 'connected' || this.iceConnectionState === 'completed') && mark('ice')));
      this.addEventListener('connectionstatechange', () => void (this.connectionState === 'connected' && (mark('connected'), poll(this))));
    }
    override setRemoteDescription(description: RTCSessionDescriptionInit): Promise<void> {
      mark('remoteDescription');
      return super.setRemoteDescription(description);
    }
  }
  window.RTCPeerConnection = Probed;
  const devices = navigator.mediaDevices;
  const getUserMedia = devices.getUserMedia.bind(devices);
  devices.getUserMedia = async (constraints) => {
    const stream = await getUserMedia(constraints);
    mark('media');
    return stream;
  };
  const watched = new WeakSet<HTMLVideoElement>();
  new MutationObserver(() => {
    const video = document.getElementById('remote');
    if (!(video instanceof HTMLVideoElement) || watched.has(video)) return;
    watched.add(video);
    video.requestVideoFrameCallback(() => void mark('frame'));
  }).observe(document, { childList: true, subtree: true });
  window.p8 = {
    marks,
    mark,
    async selected() {
      const pc = pcs.at(-1);
      if (!pc) return null;
      const all = [...(await pc.getStats()).values()] as (RTCStats & Record<string, unknown>)[];
      const byId = (id: unknown) => all.find((s) => s.id === id);
      const transport = all.find((s) => s.type === 'transport' && s.selectedCandidatePairId);
      const pair = transport && byId(transport.selectedCandidatePairId);
      return pair ? `${String(byId(pair.localCandidateId)?.candidateType)}/${String(byId(pair.remoteCandidateId)?.candidateType)}` : null;
    },
  };
}

/** Bound of each wait in a call (ringing, accept, first frames, hang-up). */
const CALL_TIMEOUT_MS = 15_000;

type Impl = 'ours' | 'bare';
type Mode = 'direct' | 'relay';

interface Sample {
  /** ms from the accept, per side. */
  caller: Partial<Record<Stage, number>>;
  callee: Partial<Record<Stage, number>>;
  selected: string[];
}

const round1 = (n: number) => Math.round(n * 10) / 10;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.ceil(xs.length / 2) - 1]!;

function summarize(samples: Sample[]): P8Side {
  const need = (s: Partial<Record<Stage, number>>, stage: Stage) => {
    const v = s[stage];
    if (v === undefined) throw new Error(`P8: a call ended without the ${stage} mark`);
    return v;
  };
  const stages = (side: 'caller' | 'callee') =>
    Object.fromEntries(STAGES.flatMap((stage) => {
      const vs = samples.map((s) => s[side][stage]).filter((v): v is number => v !== undefined);
      return vs.length === samples.length ? [[stage, round1(median(vs))]] : [];
    })) as Partial<Record<Stage, number>>;
  return {
    caller: latencyStats(samples.map((s) => need(s.caller, 'frame'))),
    callee: latencyStats(samples.map((s) => need(s.callee, 'frame'))),
    both: latencyStats(samples.map((s) => Math.max(need(s.caller, 'frame'), need(s.callee, 'frame')))),
    decoded: latencyStats(samples.map((s) => Math.max(need(s.caller, 'decoded'), need(s.callee, 'decoded')))),
    stages: { caller: stages('caller'), callee: stages('callee') },
    selected: [...new Set(samples.flatMap((s) => s.selected))],
  };
}

/** A TURN REST credential (coturn's `use-auth-secret`), as the bare side computes it for itself. */
function turnRestCredential(secret: string, user: string, ttlSec: number): { username: string; credential: string } {
  const username = `${Math.floor(Date.now() / 1000) + ttlSec}:${user}`;
  return { username, credential: createHmac('sha1', secret).update(username).digest('base64') };
}

/** Waits (bounded) until both pages saw a frame and a decoded frame, then reads every mark relative to the callee's accept. */
async function collect(caller: Page, callee: Page, acceptAt: number): Promise<Sample> {
  const done = () => window.p8.marks.frame !== undefined && window.p8.marks.decoded !== undefined;
  await Promise.all([caller, callee].map((page) => page.waitForFunction(done, null, { timeout: CALL_TIMEOUT_MS, polling: 20 })));
  const read = async (page: Page) => {
    const { marks, selected } = await page.evaluate(async () => ({ marks: window.p8.marks, selected: await window.p8.selected() }));
    const rel = Object.fromEntries(STAGES.flatMap((s) => (marks[s] === undefined ? [] : [[s, marks[s] - acceptAt]]))) as Partial<Record<Stage, number>>;
    return { rel, selected };
  };
  const [a, b] = await Promise.all([read(caller), read(callee)]);
  return { caller: a.rel, callee: b.rel, selected: [a.selected ?? 'none', b.selected ?? 'none'] };
}

export async function runP8(params: P8Params): Promise<P8Result> {
  const why = p8Unavailable();
  if (why) throw new Error(`P8 can't run here: ${why}`);
  const started = performance.now();
  const deadline = Date.now() + params.deadlineMs;
  const ours = await bundleForBrowser({ entry: fileURLToPath(new URL('../packages/sdk/test/support/calls-page.ts', import.meta.url)) });
  const bare = await bundleForBrowser({ entry: fileURLToPath(new URL('./baselines/rtc-call-page.ts', import.meta.url)) });
  const html = (src: string) => ({ body: pageHtml(src), contentType: 'text/html; charset=utf-8' });
  const pages = await serveStatic({ '/ours': html('/ours.js'), '/ours.js': ours, '/bare': html('/bare.js'), '/bare.js': bare });
  const secret = `p8-${process.pid}-${Date.now()}`;
  const turnPort = await freeTurnPort();
  const turnUrl = `turn:127.0.0.1:${turnPort}?transport=udp`;
  const coturn = await startCoturn(secret, turnPort);
  const stops: (() => Promise<unknown>)[] = [() => coturn.stop(), () => pages.close()];
  let browser: Browser | undefined;
  try {
    const server = await startQuickchat({
      allowedOrigin: pages.origin,
      serverOptions: { turn: { urls: [turnUrl], ttlSec: 3600 }, secrets: { turnSecret: secret }, limits: { callInvitesPerMinute: 100_000, turnCredentialsPerMinute: 100_000 } },
    });
    stops.unshift(() => server.stop());
    const relay = await startRelay();
    stops.unshift(() => relay.stop());
    const rest = new Rest(server.url);
    const [alice, bob] = await Promise.all([rest.register('p8_alice', 'benchmark password'), rest.register('p8_bob', 'benchmark password')]);
    await rest.befriend(alice, bob);
    browser = await launchChromium();
    const b = browser;
    const chromium = browser.version();

    const open = (path: string) =>
      openPage(b, `${pages.origin}${path}`, {
        async beforeGoto(page) {
          // tsx compiles this file with esbuild's keepNames, whose `__name` helper the page lacks.
          await page.addInitScript('window.__name = (f) => f');
          await page.addInitScript(probe);
        },
      });

    /** One call: open both pages, ring, accept, wait for frames on both sides, hang up, close. */
    async function call(impl: Impl, mode: Mode): Promise<Sample> {
      const tabs: TestPage[] = await Promise.all([open(`/${impl}`), open(`/${impl}`)]);
      const [caller, callee] = tabs.map((t) => t.page) as [Page, Page];
      try {
        let acceptAt: number;
        let sample: Sample;
        if (impl === 'ours') {
          const config = (u: { handle: string; password: string }): CallsPageConfig => ({ url: server.url, handle: u.handle, password: u.password, relayOnly: mode === 'relay' });
          await Promise.all([caller.evaluate((c) => window.calls.start(c), config(alice)), callee.evaluate((c) => window.calls.start(c), config(bob))]);
          await caller.evaluate((peer) => window.calls.place(peer), bob.id);
          await callee.waitForFunction(() => window.calls.states[0] === 'ringing', null, { timeout: CALL_TIMEOUT_MS, polling: 5 });
          acceptAt = await callee.evaluate(async (ms) => {
            const at = window.p8.mark('accept');
            await window.calls.acceptIncoming(ms);
            return at;
          }, CALL_TIMEOUT_MS);
          sample = await collect(caller, callee, acceptAt);
          await caller.evaluate(() => window.calls.hangUp());
          await Promise.all([caller, callee].map((p) => p.waitForFunction(() => window.calls.ended !== null, null, { timeout: CALL_TIMEOUT_MS })));
          await Promise.all([caller, callee].map((p) => p.evaluate(() => window.calls.close())));
        } else {
          const credential = turnRestCredential(secret, 'bare', 3600);
          const config = (id: string, peer: string): BareCallConfig => ({ relayUrl: relay.wsUrl, id, peer, iceServers: [{ urls: [turnUrl], ...credential }], relayOnly: mode === 'relay' });
          await Promise.all([caller.evaluate((c) => window.bare.start(c), config('caller', 'callee')), callee.evaluate((c) => window.bare.start(c), config('callee', 'caller'))]);
          await caller.evaluate(() => window.bare.ring());
          await callee.waitForFunction(() => window.bare.ringing, null, { timeout: CALL_TIMEOUT_MS, polling: 5 });
          acceptAt = await callee.evaluate(async () => {
            const at = window.p8.mark('accept');
            await window.bare.accept();
            return at;
          });
          sample = await collect(caller, callee, acceptAt);
          const errors = await Promise.all([caller, callee].map((p) => p.evaluate(() => (window.bare.close(), window.bare.errors))));
          if (errors.flat().length > 0) throw new Error(`P8 bare call: ${errors.flat().join('; ')}`);
        }
        const pageErrors = tabs.flatMap((t) => t.errors);
        if (pageErrors.length > 0) throw new Error(`P8 ${impl} ${mode}: page errors: ${pageErrors.join('; ')}`);
        return sample;
      } finally {
        await Promise.all(tabs.map((t) => t.close()));
      }
    }

    const samples: Record<Impl, Record<Mode, Sample[]>> = { ours: { direct: [], relay: [] }, bare: { direct: [], relay: [] } };
    let completedRounds = 0;
    // Round 0 warms up (not counted); rounds alternate which implementation goes first.
    for (let round = 0; round <= params.rounds; round++) {
      if (round > 1 && Date.now() > deadline) {
        console.log(`P8: deadline passed after ${completedRounds} rounds; stopping`);
        break;
      }
      const order: Impl[] = round % 2 === 0 ? ['ours', 'bare'] : ['bare', 'ours'];
      const line: string[] = [];
      for (const mode of ['direct', 'relay'] as const) {
        for (const impl of order) {
          const s = await call(impl, mode);
          if (round > 0) samples[impl][mode].push(s);
          line.push(`${impl} ${mode} ${Math.round(s.caller.frame ?? NaN)}/${Math.round(s.callee.frame ?? NaN)} ms (${s.selected.join(', ')})`);
        }
      }
      if (round > 0) completedRounds++;
      console.log(`P8 ${round === 0 ? 'warm-up' : `round ${round}`}: accept → first frame caller/callee: ${line.join('; ')}`);
    }
    const side = (impl: Impl, mode: Mode) => summarize(samples[impl][mode]);
    const result = {
      params,
      ours: { direct: side('ours', 'direct'), relay: side('ours', 'relay') },
      bare: { direct: side('bare', 'direct'), relay: side('bare', 'relay') },
      completedRounds,
      chromium,
    };
    const ratio = (a: LatencyStats, b: LatencyStats) => Math.round((a.p50 / b.p50) * 100) / 100;
    return {
      ...result,
      ratios: { direct: ratio(result.ours.direct.both, result.bare.direct.both), relay: ratio(result.ours.relay.both, result.ours.direct.both), bareRelay: ratio(result.bare.relay.both, result.bare.direct.both) },
      durationMs: Math.round(performance.now() - started),
    };
  } finally {
    await browser?.close();
    for (const stop of stops) await stop();
  }
}
