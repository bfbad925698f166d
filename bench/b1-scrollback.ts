// B1: scrolling back through a long DM in the widget, in headless Chromium, against the real
// server: a DM of 2,000 messages (varied heights, several days) seeded through the store API; the
// reader opens it in the widget (launcher panel, 380×600) and scrolls back to the first message.
// Measured beside the list as it was before windowing: the widget, SDK and protocol sources as of
// B1_BASELINE_COMMIT (read with `git show`, bundled the same way), in the same run, alternating.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';
import type { Browser } from 'playwright-core';
import { chromiumAvailable, CHROMIUM_PATH, launchChromium, serveStatic } from '../packages/sdk/test/support/browser.js';
import { Rest } from '../packages/sdk/test/support/sdk-server.js';
import { historyText, seedLongHistory } from '../packages/widget/test/support/long-history.js';
import { startQuickchat } from './lib/servers.js';

/** The last commit with the unwindowed message list (message-log.tsx loading older pages only at the top). */
export const B1_BASELINE_COMMIT = '797ac3b86a54b5c0ea08e0035b6e2d3163412581';

const REPO = fileURLToPath(new URL('..', import.meta.url));

export interface B1Params {
  /** Messages in the DM. */
  messages: number;
  /** The reading scenario's scroll speed, px/s. */
  speed: number;
  rounds: number;
  /** Git revision whose sources make the baseline widget. */
  baseline: string;
  deadlineMs: number;
}

/** One scenario, one implementation, pooled over rounds. */
export interface B1Run {
  /** Time from the first scroll to the first message on screen at the top (median of rounds), ms. */
  timeMs: number;
  /** Of which the reader was stuck at the top waiting for older messages (median), ms. */
  stallMs: number;
  /** requestAnimationFrame deltas while scrolling, ms (all rounds pooled). */
  frames: { count: number; p50: number; p95: number; max: number; over50: number };
  /** Elements inside the log at the end (median), and message elements among them. */
  elements: number;
  messageElements: number;
  /** Whether every round reached the first message. */
  reached: boolean;
}

export interface B1Side {
  /** Reading back at `speed` px/s. */
  read: B1Run;
  /** Dragging the scrollbar to the top and holding it there (every frame scrollTop = 0): pure loading. */
  drag: B1Run;
}

export interface B1Result {
  params: B1Params;
  windowed: B1Side;
  baseline: B1Side;
  /** Height of the whole history once loaded, px (windowed list), and what the reading speed allows for it, ms. */
  historyPx: number;
  idealReadMs: number;
  seedMs: number;
  durationMs: number;
}

/** esbuild plugin: every source file of the workspace's browser packages as of `rev`. */
function sourcesAt(rev: string): Plugin {
  return {
    name: 'sources-at-revision',
    setup(b) {
      b.onLoad({ filter: /[\\/]packages[\\/](protocol|sdk|widget)[\\/]src[\\/].*\.tsx?$/ }, (args) => {
        const path = relative(REPO, args.path).split('\\').join('/');
        const contents = execFileSync('git', ['show', `${rev}:${path}`], { cwd: REPO, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
        return { contents, loader: extname(path) === '.tsx' ? 'tsx' : 'ts' };
      });
    },
  };
}

/** The script-tag bundle (iife.ts → `QuickChat`), minified, from the working tree or from `rev`. */
async function widgetBundle(rev?: string): Promise<string> {
  const out = await build({
    entryPoints: [join(REPO, 'packages/widget/src/iife.ts')],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: 'es2020',
    minify: true,
    conditions: ['source'],
    jsx: 'automatic',
    jsxImportSource: 'preact',
    logLevel: 'silent',
    plugins: rev ? [sourcesAt(rev)] : [],
  });
  return out.outputFiles[0]!.text;
}

const pct = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? 0;
const median = (xs: number[]) => pct([...xs].sort((a, b) => a - b), 0.5);
const round1 = (n: number) => Math.round(n * 10) / 10;

interface Sample {
  timeMs: number;
  stallMs: number;
  deltas: number[];
  elements: number;
  messageElements: number;
  firstText: string;
  done: boolean;
  scrollHeight: number;
}

function pool(samples: Sample[], first: string): B1Run {
  const deltas = samples.flatMap((s) => s.deltas).sort((a, b) => a - b);
  return {
    timeMs: Math.round(median(samples.map((s) => s.timeMs))),
    stallMs: Math.round(median(samples.map((s) => s.stallMs))),
    frames: { count: deltas.length, p50: round1(pct(deltas, 0.5)), p95: round1(pct(deltas, 0.95)), max: round1(deltas.at(-1) ?? 0), over50: deltas.filter((d) => d > 50).length },
    elements: median(samples.map((s) => s.elements)),
    messageElements: median(samples.map((s) => s.messageElements)),
    reached: samples.every((s) => s.done && s.firstText.includes(first)),
  };
}

export async function runB1(params: B1Params): Promise<B1Result> {
  if (!chromiumAvailable()) throw new Error(`B1 needs Chromium at ${CHROMIUM_PATH}`);
  const started = performance.now();
  const [ours, base] = await Promise.all([widgetBundle(), widgetBundle(params.baseline)]);
  const routes: Parameters<typeof serveStatic>[0] = { '/ours.js': ours, '/base.js': base };
  const pages = await serveStatic(routes);
  const dataDir = mkdtempSync(join(tmpdir(), 'quickchat-b1-'));
  let server = await startQuickchat({ dataDir, allowedOrigin: pages.origin });
  let browser: Browser | undefined;
  try {
    // Accounts over REST, then the history through the store while no server runs on the directory.
    const rest = new Rest(server.url);
    const reader = await rest.register('reader', 'benchmark password', 'Reader');
    const writer = await rest.register('writer', 'benchmark password', 'Writer');
    await rest.befriend(reader, writer);
    await server.stop();
    const seedStart = performance.now();
    await seedLongHistory(dataDir, reader.id, writer.id, { messages: params.messages, unread: 0 });
    const seedMs = Math.round(performance.now() - seedStart);
    server = await startQuickchat({ dataDir, allowedOrigin: pages.origin });
    routes['/boot.js'] = `window.widget = QuickChat.mount('#chat', { url: ${JSON.stringify(server.url)}, auth: { token: ${JSON.stringify(reader.token)} }, open: true, locale: 'en' });`;
    for (const impl of ['ours', 'base']) {
      routes[`/${impl}`] = { contentType: 'text/html; charset=utf-8', body: `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>B1</title></head><body><div id="chat"></div><script src="/${impl}.js"></script><script src="/boot.js"></script></body></html>` };
    }
    browser = await launchChromium();
    const first = historyText(0);
    const last = historyText(params.messages - 1);
    const samples: Record<'ours' | 'base', Record<'read' | 'drag', Sample[]>> = { ours: { read: [], drag: [] }, base: { read: [], drag: [] } };
    let historyPx = 0;
    for (let round = 0; round < params.rounds; round++) {
      const order: ('ours' | 'base')[] = round % 2 === 0 ? ['ours', 'base'] : ['base', 'ours'];
      for (const mode of ['read', 'drag'] as const) {
        for (const impl of order) {
          const context = await browser.newContext({ viewport: { width: 800, height: 720 }, deviceScaleFactor: 1 });
          try {
            // tsx compiles this file with esbuild's keepNames, whose `__name` helper the page lacks.
            await context.addInitScript('window.__name = (f) => f');
            const page = await context.newPage();
            page.setDefaultTimeout(30_000);
            await page.goto(`${pages.origin}/${impl}`);
            await page.getByRole('button', { name: /Writer/ }).first().click();
            await page.locator('.qc-log .qc-bubble', { hasText: last }).waitFor();
            await page.waitForTimeout(300);
            const sample = await page.evaluate(
              ({ mode, speed, timeoutMs }) =>
                new Promise<Sample>((resolve) => {
                  const root = document.querySelector('[data-quickchat]')!.shadowRoot!;
                  const log = root.querySelector<HTMLElement>('.qc-log')!;
                  const deltas: number[] = [];
                  let stall = 0;
                  let start = 0;
                  let prev = 0;
                  const finish = (now: number, done: boolean) => {
                    const bubbles = log.querySelectorAll('.qc-bubble');
                    resolve({ timeMs: now - start, stallMs: stall, deltas, elements: log.querySelectorAll('*').length, messageElements: log.querySelectorAll('.qc-msg').length, firstText: bubbles[0]?.textContent ?? '', done, scrollHeight: log.scrollHeight });
                  };
                  const tick = (now: number) => {
                    const dt = now - prev;
                    deltas.push(dt);
                    prev = now;
                    const atTop = log.scrollTop <= 0;
                    if (atTop && log.querySelector('.qc-note')) return finish(now, true);
                    if (now - start > timeoutMs) return finish(now, false);
                    if (atTop) stall += dt;
                    if (mode === 'drag') log.scrollTop = 0;
                    else log.scrollTop = Math.max(0, log.scrollTop - (speed * dt) / 1000);
                    requestAnimationFrame(tick);
                  };
                  requestAnimationFrame((now) => {
                    start = prev = now;
                    requestAnimationFrame(tick);
                  });
                }),
              { mode, speed: params.speed, timeoutMs: params.deadlineMs },
            );
            samples[impl][mode].push(sample);
            if (impl === 'ours' && sample.done) historyPx = sample.scrollHeight;
            console.log(`B1 round ${round + 1} ${mode} ${impl === 'ours' ? 'windowed' : 'baseline'}: ${(sample.timeMs / 1000).toFixed(1)} s, stalled ${(sample.stallMs / 1000).toFixed(1)} s, ${sample.elements} elements${sample.done ? '' : ' (deadline)'}`);
          } finally {
            await context.close();
          }
        }
      }
    }
    const side = (impl: 'ours' | 'base'): B1Side => ({ read: pool(samples[impl].read, first), drag: pool(samples[impl].drag, first) });
    return { params, windowed: side('ours'), baseline: side('base'), historyPx, idealReadMs: Math.round((historyPx / params.speed) * 1000), seedMs, durationMs: Math.round(performance.now() - started) };
  } finally {
    await browser?.close();
    await server.stop();
    await pages.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
