import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { RequestHandler, Router } from 'express';
import { DEMO_ACCOUNTS, DEMO_GROUP_NAME } from '../demo/seed.js';

/**
 * The demo page's Content-Security-Policy: scripts and styles only from this server, no inline
 * code, no eval. The widget runs under it unchanged (its styles are constructable stylesheets).
 * `connect-src 'self'` covers the same-origin `ws:` socket.
 */
export const DEMO_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "img-src 'self' http: https:",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * The demo page: a sample site (a small coffee shop's page) with the widget embedded the way a
 * site owner embeds it, one script tag and one `mount()` into a launcher bubble at the bottom
 * right, and a note beside it listing the demo accounts.
 */
const PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Northwind Coffee · quickchat demo</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="/demo.css"></head>
<body>
<header class="site"><strong>Northwind Coffee</strong><nav aria-label="Sample site"><span>Beans</span><span>Brewing</span><span>Visit us</span></nav></header>
<main>
<section class="hero">
<h1>Small-batch coffee, roasted every Tuesday</h1>
<p>This is a sample site. The chat bubble at the bottom right is the quickchat widget, embedded
with one <code>&lt;script&gt;</code> tag and one <code>QuickChat.mount()</code> call, and talking
to this server.</p>
</section>
<aside class="demo-note" aria-labelledby="demo-title">
<h2 id="demo-title">Try it</h2>
<p>Open this page in a <strong>second window</strong> (each window signs in on its own), click the
bubble, sign in as one demo account here and as another there, and chat: one-to-one from
<em>Contacts</em>, or all three in the <em>${escapeHtml(DEMO_GROUP_NAME)}</em>. Unread messages show on the
bubble and in this tab's title.</p>
<table>
<caption>Demo accounts (all friends)</caption>
<thead><tr><th scope="col">handle</th><th scope="col">password</th><th scope="col">name</th></tr></thead>
<tbody>
${DEMO_ACCOUNTS.map((a) => `<tr><td><code>${escapeHtml(a.handle)}</code></td><td><code>${escapeHtml(a.password)}</code></td><td>${escapeHtml(a.displayName)}</td></tr>`).join('\n')}
</tbody>
</table>
<p class="note">Demo mode publishes these passwords: never run it in production. Server status:
<a href="/status">/status</a>. Embedding guide: <code>docs/widget.md</code>.</p>
</aside>
</main>
<script src="/quickchat-widget.js"></script>
<script src="/demo.js"></script>
</body></html>`;

const CSS = `body { font-family: system-ui, sans-serif; margin: 0; background: #faf7f2; color: #2b2118; line-height: 1.5; }
.site { display: flex; justify-content: space-between; align-items: center; padding: 1rem 1.5rem; background: #3b2a1e; color: #fff; }
.site nav { display: flex; gap: 1.25rem; }
main { max-width: 62rem; margin: 0 auto; padding: 2rem 1.5rem 6rem; display: grid; gap: 2rem; grid-template-columns: minmax(0, 1fr) minmax(0, 24rem); align-items: start; }
.hero h1 { font-size: 2.2rem; line-height: 1.2; margin-top: 0; }
.demo-note { background: #fff; border: 1px solid #e3d9cc; border-radius: 12px; padding: 1rem 1.25rem; }
.demo-note h2 { margin-top: 0; font-size: 1.2rem; }
table { border-collapse: collapse; margin: 1rem 0; }
caption { text-align: left; font-weight: 600; padding-bottom: .25rem; }
th, td { border: 1px solid #d8cfc3; padding: .25rem .6rem; text-align: left; }
.note { font-size: .9rem; color: #5c4f43; }
@media (max-width: 48rem) { main { grid-template-columns: 1fr; } }
`;

/**
 * Mounts the widget as a launcher bubble against this page's own origin, with the widget's
 * sign-in screens; the tab's title shows the unread count. The sign-in is remembered per tab, so
 * two tabs of one browser can be two accounts at once (a sign-in kept in localStorage is one per
 * browser: the last one would win).
 */
const BOOT = `// quickchat demo: mounts the widget (loaded from /quickchat-widget.js) as a launcher bubble.
window.quickchatDemo = QuickChat.mount(document.body, { url: location.origin, auth: { mode: 'builtin' }, layout: 'launcher', persistSignIn: 'tab', titleBadge: true });
`;

/**
 * The script-tag build's lazily loaded files, which `quickchat-widget.js` loads from next to
 * itself: `quickchat-widget-<name>-<hash>.js` (decision 0006). The name carries a content hash,
 * so a file never changes and may be cached for good.
 */
const LAZY_FILE = /^\/(quickchat-widget-[\w-]+\.js)$/;

/** Sends the JavaScript file at `path()` with `cacheControl`; a file that isn't there is a 404. */
const sendScript =
  (path: (req: Parameters<RequestHandler>[0]) => string, cacheControl: string): RequestHandler =>
  async (req, res, next) => {
    let code: Buffer;
    try {
      code = await readFile(path(req));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') res.sendStatus(404);
      else next(err);
      return;
    }
    res.setHeader('Cache-Control', cacheControl);
    res.type('application/javascript').send(code);
  };

/**
 * Demo mode's routes: the demo page at `/` (under a strict CSP), its boot script and stylesheet,
 * the widget bundle read from `widgetBundle` on every request (so a rebuild shows up on reload),
 * and the lazily loaded files of the script-tag build from the same folder.
 */
export function registerDemo(router: Router, widgetBundle: string): void {
  const noCache = 'no-cache';
  router.get('/', (_req, res) => {
    res.setHeader('Content-Security-Policy', DEMO_CSP);
    res.setHeader('Cache-Control', noCache);
    res.type('html').send(PAGE);
  });
  router.get('/demo.js', (_req, res) => {
    res.setHeader('Cache-Control', noCache);
    res.type('application/javascript').send(BOOT);
  });
  router.get('/demo.css', (_req, res) => {
    res.setHeader('Cache-Control', noCache);
    res.type('css').send(CSS);
  });
  router.get('/quickchat-widget.js', sendScript(() => widgetBundle, noCache));
  router.get(LAZY_FILE, sendScript((req) => join(dirname(widgetBundle), LAZY_FILE.exec(req.path)![1]!), 'public, max-age=31536000, immutable'));
  // Browsers ask for it; answering keeps the console free of 404s.
  router.get('/favicon.ico', (_req, res) => void res.status(204).end());
}
