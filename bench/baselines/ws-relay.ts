// Baseline: a bare `ws` relay. No auth, storage or validation. A client connects with
// `?id=<name>`; each frame is JSON carrying `to` (a name or a list of names) and is forwarded,
// as received, to those connections. Prints `PORT <n>` once listening.
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { exitWhenTold } from '../lib/child-main.js';

const peers = new Map<string, WebSocket>();
const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false, clientTracking: false });

wss.on('connection', (ws, req) => {
  const id = new URL(req.url ?? '/', 'http://relay').searchParams.get('id') ?? '';
  peers.set(id, ws);
  ws.on('message', (data: Buffer, isBinary) => {
    const { to } = JSON.parse(data.toString()) as { to?: string | string[] };
    for (const target of Array.isArray(to) ? to : [to ?? '']) peers.get(target)?.send(data, { binary: isBinary });
  });
  ws.on('close', () => {
    if (peers.get(id) === ws) peers.delete(id);
  });
});
wss.on('listening', () => console.log(`PORT ${(wss.address() as AddressInfo).port}`));

exitWhenTold(() => new Promise((resolve) => wss.close(() => resolve())));
