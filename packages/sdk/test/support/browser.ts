/**
 * Real-Chromium test harness for the SDK (and the widget): launch Debian's Chromium through
 * playwright-core, bundle TypeScript for the browser with esbuild, and serve pages from a real
 * http://127.0.0.1 origin (IndexedDB, service workers etc. need one).
 *
 * Missing Chromium is the one reason to skip: use {@link requireChromium} with `describe.skipIf`.
 * Never run `npx playwright install` (it downloads its own browser and fails here).
 */
import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { build } from 'esbuild';
import { bundledSimplePeerForEsbuild } from '../../build/simple-peer/plugin.mjs';
import { chromium } from 'playwright-core';
import type { Browser, BrowserContext, BrowserContextOptions, ConsoleMessage, LaunchOptions, Page } from 'playwright-core';

/** Path of the Chromium binary; `QUICKCHAT_CHROMIUM` overrides the Debian default. */
export const CHROMIUM_PATH = process.env.QUICKCHAT_CHROMIUM ?? '/usr/bin/chromium';

/** Launch args known to work with Debian's Chromium in a closed network. No `--user-data-dir`: launch() makes a fresh profile. */
export const CHROMIUM_ARGS: readonly string[] = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--use-fake-device-for-media-stream',
  '--use-fake-ui-for-media-stream',
  '--allow-loopback-in-peer-connection',
];

/** Bounds for browser work, so a wedged browser fails a test instead of hanging it. */
export const BROWSER_TIMEOUT_MS = 15_000;

/** True when the Chromium binary exists. */
export function chromiumAvailable(): boolean {
  return existsSync(CHROMIUM_PATH);
}

/**
 * For `describe.skipIf(!requireChromium('suite name'))`: returns whether Chromium is there and,
 * when it is not, prints why the suite is skipped. Any other problem (launch failure, crash) must
 * fail the tests, not skip them.
 */
export function requireChromium(suite: string): boolean {
  const ok = chromiumAvailable();
  if (!ok) console.warn(`[${suite}] SKIPPED: no Chromium at ${CHROMIUM_PATH} (install with \`apt-get install -y chromium\`, or set QUICKCHAT_CHROMIUM)`);
  return ok;
}

/** Launches headless Chromium with {@link CHROMIUM_ARGS} (plus `extraArgs`). Close it in `afterAll`. */
export function launchChromium(extraArgs: readonly string[] = [], options: LaunchOptions = {}): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    timeout: BROWSER_TIMEOUT_MS,
    ...options,
    args: [...CHROMIUM_ARGS, ...extraArgs],
  });
}

/** A page plus the uncaught errors and `console.error`s it produced (to put in assertion messages). */
export interface TestPage {
  page: Page;
  errors: string[];
  /** Closes the page (and its context when {@link openPage} created one). */
  close(): Promise<void>;
}

/** Options of {@link openPage}. */
export interface OpenPageOptions {
  /** Options of the new context (only when given a `Browser`), e.g. `{ locale: 'en-US' }`. */
  context?: BrowserContextOptions;
  /** Also report CSP violations as errors (see {@link reportCspViolations}). */
  cspViolations?: boolean;
  /** Runs before navigating, e.g. to listen for requests from the first one on. */
  beforeGoto?: (page: Page) => unknown;
}

/**
 * Opens `url` in a new page with bounded default timeouts and error collection. Given a
 * `Browser`, the page gets its own new context (fresh storage) and `close()` closes that context;
 * given a `BrowserContext`, the page shares its storage (e.g. a second tab) and `close()` closes
 * only the page.
 */
export async function openPage(target: Browser | BrowserContext, url: string, options: OpenPageOptions = {}): Promise<TestPage> {
  const own = 'newContext' in target;
  const context = own ? await target.newContext(options.context) : target;
  context.setDefaultTimeout(BROWSER_TIMEOUT_MS);
  context.setDefaultNavigationTimeout(BROWSER_TIMEOUT_MS);
  const page = await context.newPage();
  const errors = trackErrors(page);
  if (options.cspViolations) await reportCspViolations(page);
  await options.beforeGoto?.(page);
  await page.goto(url);
  return { page, errors, close: () => (own ? context.close() : page.close()) };
}

/** Makes every CSP violation on `page` a `console.error` naming the directive and what it blocked (so {@link trackErrors} records it). */
export async function reportCspViolations(page: Page): Promise<void> {
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`));
  });
}

/**
 * Collects uncaught page errors and `console.error` output of `page`. `expected`, when given,
 * picks console errors the test caused on purpose (see {@link networkFailure}); those are not
 * collected. Uncaught errors always are.
 */
export function trackErrors(page: Page, expected?: (message: ConsoleMessage) => boolean): string[] {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && !expected?.(m)) errors.push(`console.error: ${m.text()}`);
  });
  return errors;
}

/** A request that got no HTTP response at all, as Chromium's console reports it. */
export interface NetworkFailure {
  /** The request's URL (`http:`/`https:`, or `ws:`/`wss:` for a WebSocket). */
  url: string;
  /** Chromium's reason, e.g. `net::ERR_INTERNET_DISCONNECTED`. */
  reason: string;
}

/**
 * The request a Chromium console error reports as failed in the network (offline, refused, reset:
 * no HTTP response came back), or null for any other message. Chromium words these two ways:
 * `Failed to load resource: net::ERR_…` for fetches and subresources (the message's location is
 * the request's URL), and `WebSocket connection to '<url>' failed: …` for a WebSocket that never
 * opened. A response with an error status ("the server responded with a status of …") is not a
 * network failure, so it gives null.
 */
export function networkFailure(message: ConsoleMessage): NetworkFailure | null {
  const text = message.text();
  const resource = /^Failed to load resource: (net::ERR_[A-Z0-9_]+)$/.exec(text);
  if (resource) return { url: message.location().url, reason: resource[1]! };
  const socket = /^WebSocket connection to '([^']+)' failed:? ?(.*)$/.exec(text);
  if (socket) return { url: socket[1]!, reason: socket[2] || 'closed before it opened' };
  return null;
}

/** What to bundle: a TS/JS entry file, or inline code whose imports resolve from `resolveDir`. */
export type BundleInput = { entry: string } | { code: string; resolveDir: string; loader?: 'ts' | 'js' };

/**
 * Bundles TypeScript for the browser with esbuild and returns the code. Workspace packages
 * resolve to their TS sources (`conditions: ['source']`). Default format `iife`, so the code can
 * go in a classic `<script>`; use `esm` with `<script type="module">`. `simple-peer` is the one
 * the calls entry ships (packages/sdk/build/simple-peer). `alias` swaps packages (esbuild's
 * `alias`), e.g. the workspace packages for their rollup output in a temp dir, whose own
 * imports (eventemitter3) then resolve from `nodePaths` (esbuild's: folders searched last).
 */
export async function bundleForBrowser(input: BundleInput, options: { format?: 'iife' | 'esm'; minify?: boolean; alias?: Record<string, string>; nodePaths?: string[] } = {}): Promise<string> {
  const result = await build({
    ...('entry' in input
      ? { entryPoints: [input.entry] }
      : { stdin: { contents: input.code, resolveDir: input.resolveDir, loader: input.loader ?? 'ts', sourcefile: 'inline.ts' } }),
    bundle: true,
    write: false,
    format: options.format ?? 'iife',
    platform: 'browser',
    target: 'es2022',
    conditions: ['source'],
    minify: options.minify ?? false,
    ...(options.alias ? { alias: options.alias } : {}),
    plugins: [bundledSimplePeerForEsbuild()],
    ...(options.nodePaths ? { nodePaths: options.nodePaths } : {}),
    sourcemap: 'inline',
    logLevel: 'silent',
  });
  const out = result.outputFiles[0];
  if (!out) throw new Error('bundleForBrowser: esbuild produced no output');
  return out.text;
}

/** A body to serve; a plain string gets its content type from the path's extension. */
export type Route = string | { body: string | Uint8Array; contentType: string; headers?: Record<string, string> };

/** A running static server on 127.0.0.1. */
export interface PageServer {
  /** e.g. `http://127.0.0.1:41234` (no trailing slash). */
  origin: string;
  /** `origin + '/'`. */
  url: string;
  /** Stops the server and drops open connections. */
  close(): Promise<void>;
}

const TYPES: Record<string, string> = {
  html: 'text/html; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  mjs: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  json: 'application/json',
};

/** Serves `routes` (path → body; `/` is the page) from a real origin on 127.0.0.1, port 0. Nothing is cached. */
export async function serveStatic(routes: Record<string, Route>): Promise<PageServer> {
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const route = routes[path];
    if (route === undefined && path === '/favicon.ico') {
      res.writeHead(204).end(); // browsers ask; a 404 would show up as a console error
      return;
    }
    if (route === undefined) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    const ext = path === '/' || path.endsWith('/') ? 'html' : (path.split('.').pop() ?? '');
    const { body, contentType, headers } = typeof route === 'string' ? { body: route, contentType: TYPES[ext] ?? 'application/octet-stream', headers: {} } : route;
    res.writeHead(200, { ...headers, 'content-type': contentType, 'cache-control': 'no-store' }).end(body);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    url: `${origin}/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** A minimal HTML page that loads the script at `src` (`format` `esm` makes it a module script). */
export function pageHtml(src: string, options: { format?: 'iife' | 'esm'; body?: string } = {}): string {
  const type = options.format === 'esm' ? ' type="module"' : '';
  return `<!doctype html><html><head><meta charset="utf-8"><title>quickchat test</title></head><body>${options.body ?? ''}<script${type} src="${src}"></script></body></html>`;
}
