// Baseline for P2: a socket.io 4 room broadcast, the peer a user would pick instead. Every
// connection joins one room; each `m` event it emits is broadcast to the room (the sender
// included) with `io.to(room).emit('m', payload)`: socket.io encodes the packet once per
// broadcast and engine.io/`ws` frame it per socket. WebSocket transport only (the clients never
// poll); otherwise socket.io's defaults. Prints `PORT <n>` once listening.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { exitWhenTold } from '../lib/child-main.js';

const ROOM = 'group';
const http = createServer();
const io = new Server(http, { transports: ['websocket'], serveClient: false });

io.on('connection', (socket) => {
  void socket.join(ROOM);
  socket.on('m', (payload: unknown) => {
    io.to(ROOM).emit('m', payload);
  });
});
http.listen(0, '127.0.0.1', () => console.log(`PORT ${(http.address() as AddressInfo).port}`));

exitWhenTold(
  () =>
    new Promise<void>((resolve) => {
      io.disconnectSockets(true);
      void io.close(() => resolve());
    }),
);
