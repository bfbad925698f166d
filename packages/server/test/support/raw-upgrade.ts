import { request, type IncomingHttpHeaders } from 'node:http';
import { randomBytes } from 'node:crypto';

/** What the server answered to a hand-made upgrade request. */
export interface RawUpgradeAnswer {
  status: number;
  headers: IncomingHttpHeaders;
}

/**
 * Sends a WebSocket upgrade request with exactly `headers` added (no client library in between,
 * so nothing is validated on our side) and reports the status and headers of the answer. The
 * socket is destroyed right after.
 */
export function rawUpgrade(wsUrl: string, headers: Record<string, string> = {}): Promise<RawUpgradeAnswer> {
  const url = new URL(wsUrl.replace(/^ws/, 'http'));
  return new Promise((resolve, reject) => {
    const req = request({
      host: url.hostname,
      port: url.port,
      path: url.pathname + url.search,
      headers: {
        Connection: 'Upgrade',
        Upgrade: 'websocket',
        'Sec-WebSocket-Version': '13',
        'Sec-WebSocket-Key': randomBytes(16).toString('base64'),
        ...headers,
      },
    });
    req.once('upgrade', (res, socket) => {
      socket.destroy();
      resolve({ status: res.statusCode ?? 0, headers: res.headers });
    });
    req.once('response', (res) => {
      res.resume();
      resolve({ status: res.statusCode ?? 0, headers: res.headers });
    });
    req.once('error', reject);
    req.end();
  });
}
