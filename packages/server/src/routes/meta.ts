import type { Router } from 'express';

/** Liveness endpoint for load balancers and the CLI's readiness check. */
export function registerHealth(router: Router, isReady: () => boolean): void {
  router.get('/healthz', (_req, res) => {
    if (isReady()) res.json({ status: 'ok' });
    else res.status(503).json({ status: 'starting' });
  });
}

/** A small status page, at `/` (or at `/status` in demo mode, where the demo page takes `/`). */
export function registerStatusPage(router: Router, describe: () => { version: string; sessions: number; uptimeSec: number; demo: boolean }, path = '/'): void {
  router.get(path, (_req, res) => {
    const s = describe();
    res.type('html').send(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>quickchat server</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 3rem auto; line-height: 1.5">
<h1>quickchat server is running</h1>
<p>Version ${s.version}. Uptime ${s.uptimeSec} s. Open sessions: ${s.sessions}.</p>
<ul>
<li>WebSocket: <code>/ws</code> (first frame: <code>{"type":"auth","token":"…"}</code>)</li>
<li>REST API description: <a href="/api/openapi.json">/api/openapi.json</a></li>
<li>Health: <a href="/healthz">/healthz</a></li>
</ul>
${s.demo ? '<p>Demo mode is on: the chat widget demo is at <a href="/">/</a>.</p>' : '<p>To try the chat widget, start the server in demo mode: <code>npm start</code> from the repository root (it builds the widget and passes <code>--demo</code>), then open <code>/</code>.</p>'}
</body></html>`);
  });
}
