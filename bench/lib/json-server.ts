import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exitWhenTold } from './child-main.js';

/**
 * Serves the bare `node:http` baselines: `answer(url)` returns the JSON body for a GET, or
 * undefined for 404. Prints `PORT <n>` once listening (how the parent finds it) and closes the
 * server, then calls `close`, when told to exit.
 */
export function serveJson(answer: (url: URL) => unknown, close: () => void): void {
  const server = createServer((req, res) => {
    const body = answer(new URL(req.url ?? '/', 'http://baseline'));
    if (body === undefined) {
      res.writeHead(404).end();
      return;
    }
    const json = JSON.stringify(body);
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(json) });
    res.end(json);
  });
  server.listen(0, '127.0.0.1', () => console.log(`PORT ${(server.address() as AddressInfo).port}`));
  exitWhenTold(
    () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        close();
      }),
  );
}
