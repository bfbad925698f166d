// Baseline for P2: a bare `ws` broadcast. No auth, storage or validation. Every connection is a
// member; each incoming frame is sent, as text, to every open connection (the sender included),
// one `send` per socket, so `ws` frames (and encodes) the payload once per socket. Prints
// `PORT <n>` once listening.
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { exitWhenTold } from '../lib/child-main.js';

const sockets = new Set<WebSocket>();
const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false, clientTracking: false });

wss.on('connection', (ws) => {
  sockets.add(ws);
  ws.on('message', (data: Buffer) => {
    const text = data.toString();
    for (const s of sockets) s.send(text);
  });
  ws.on('close', () => sockets.delete(ws));
});
wss.on('listening', () => console.log(`PORT ${(wss.address() as AddressInfo).port}`));

exitWhenTold(async () => {
  for (const s of sockets) s.terminate();
  await new Promise<void>((resolve) => wss.close(() => resolve()));
});
