import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { RequestHandler, Router } from 'express';
import { DEMO_ACCOUNTS } from '../demo/seed.js';

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

const PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>quickchat demo</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="/demo.css"></head>
<body>
<main>
<header>
<h1>quickchat demo</h1>
<p>The chat widget below talks to this server. Open this page in a <strong>second window</strong>
(each window signs in on its own), sign in as one demo account here and as the other there, open
<em>Contacts</em>, pick the other person and chat.</p>
<table>
<caption>Demo accounts (friends already)</caption>
<thead><tr><th scope="col">handle</th><th scope="col">password</th><th scope="col">name</th></tr></thead>
<tbody>
${DEMO_ACCOUNTS.map((a) => `<tr><td><code>${escapeHtml(a.handle)}</code></td><td><code>${escapeHtml(a.password)}</code></td><td>${escapeHtml(a.displayName)}</td></tr>`).join('\n')}
</tbody>
</table>
<p class="note">Demo mode publishes these passwords: never run it in production. Server status:
<a href="/status">/status</a>. Embedding guide: <code>docs/widget.md</code>.</p>
</header>
<div id="chat"></div>
</main>
<script src="/quickchat-widget.js"></script>
<script src="/demo.js"></script>
</body></html>`;

const CSS = `body { font-family: system-ui, sans-serif; margin: 0; background: #f4f5f7; color: #1b1d21; line-height: 1.5; }
main { max-width: 60rem; margin: 0 auto; padding: 1.5rem; display: grid; gap: 1.5rem; grid-template-columns: minmax(0, 1fr) minmax(0, 24rem); align-items: start; }
h1 { margin-top: 0; }
table { border-collapse: collapse; margin: 1rem 0; }
caption { text-align: left; font-weight: 600; padding-bottom: .25rem; }
th, td { border: 1px solid #c9ccd3; padding: .25rem .6rem; text-align: left; }
.note { font-size: .9rem; color: #4a4f59; }
#chat { height: 36rem; border-radius: 12px; overflow: hidden; box-shadow: 0 2px 12px rgba(0, 0, 0, .12); }
@media (max-width: 48rem) { main { grid-template-columns: 1fr; } }
`;

/**
 * Mounts the widget inline, against this page's own origin, with the widget's sign-in screens.
 * The sign-in is remembered per tab, so two tabs of one browser can be alice and bob at once
 * (a sign-in kept in localStorage is one per browser: the last one would win).
 */
const BOOT = `// quickchat demo: mounts the widget (loaded from /quickchat-widget.js) into #chat.
window.quickchatDemo = QuickChat.mount('#chat', { url: location.origin, auth: { mode: 'builtin' }, layout: 'inline', persistSignIn: 'tab' });
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
