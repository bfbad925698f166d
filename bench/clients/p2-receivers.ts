// P2's receivers: a child process (started by bench/lib/fanout.ts over an IPC channel) holding a
// share of the group's member sockets on each system under test. It counts the broadcast frames
// each socket receives and tells the parent how far the SLOWEST of its sockets has got, so the
// sender can keep a bounded window in flight end to end, and when the last one arrived (on the
// monotonic clock, which every process on the box shares).
//
// Every system's sockets are plain `ws` clients with the same cost per frame: count it and check
// its first bytes, no parsing. socket.io's sockets speak the engine.io v4 / socket.io v5 wire
// protocol by hand (open packet, namespace connect, ping → pong), unless the parent asks for the
// real `socket.io-client` (which also decodes every packet).
import WebSocket from 'ws';
import { io as sioConnect, type Socket as SioSocket } from 'socket.io-client';
import type { FanoutCommand, FanoutReply, FanoutSystem } from '../lib/fanout-protocol.js';

const send = (reply: FanoutReply): void => void process.send!(reply);
const fail = (message: string) => send({ ev: 'error', message });

/** One system's sockets in this process and the count of the round in progress. */
class Members {
  readonly sockets: { close(): void }[] = [];
  /** Frames received per socket this round. */
  private counts = new Int32Array(0);
  /** `reached[k]`: sockets that have received at least k frames this round. */
  private reached = new Int32Array(0);
  private expected = 0;
  /** Every socket of this process has received this many frames of the round. */
  private min = 0;
  private armed = false;
  private bytes = 0;
  private firstNs = 0n;
  private cpuAtArm: NodeJS.CpuUsage = process.cpuUsage();
  /** Frames that arrived when none was expected (must stay 0). */
  stray = 0;

  constructor(readonly system: FanoutSystem) {}

  arm(messages: number): void {
    this.counts = new Int32Array(this.sockets.length);
    this.reached = new Int32Array(messages + 2);
    this.expected = messages;
    this.min = 0;
    this.bytes = 0;
    this.firstNs = 0n;
    this.armed = true;
    this.cpuAtArm = process.cpuUsage();
  }

  /** Socket `index` received a broadcast frame of `size` bytes. */
  delivered(index: number, size: number): void {
    if (!this.armed) {
      this.stray++;
      return;
    }
    if (this.firstNs === 0n) this.firstNs = process.hrtime.bigint();
    this.bytes += size;
    const k = ++this.counts[index]!;
    if (k > this.expected) {
      this.stray++;
      return;
    }
    if (++this.reached[k]! !== this.sockets.length || k !== this.min + 1) return;
    let min = k;
    while (min < this.expected && this.reached[min + 1] === this.sockets.length) min++;
    this.min = min;
    if (min < this.expected) return send({ ev: 'progress', system: this.system, min });
    const lastNs = process.hrtime.bigint();
    this.armed = false;
    const cpu = process.cpuUsage(this.cpuAtArm);
    send({ ev: 'done', system: this.system, firstNs: String(this.firstNs), lastNs: String(lastNs), cpuUs: cpu.user + cpu.system, bytes: this.bytes });
  }
}

const members = new Map<FanoutSystem, Members>();

function open(url: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    const timer = setTimeout(() => (ws.terminate(), reject(new Error(`open ${url}: timed out`))), 20_000);
    ws.once('open', () => (clearTimeout(timer), resolve(ws)));
    ws.once('error', (err) => (clearTimeout(timer), reject(err)));
  });
}

/** Resolves on the first frame `accept` says yes to; rejects on one it says no to (a string: why). */
function firstFrame(ws: WebSocket, accept: (text: string) => boolean | string): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no answer within 20 s')), 20_000);
    const onMessage = (data: Buffer) => {
      const verdict = accept(data.toString());
      if (verdict === false) return;
      clearTimeout(timer);
      ws.off('message', onMessage);
      if (verdict === true) resolve();
      else reject(new Error(verdict));
    };
    ws.on('message', onMessage);
  });
}

function watchClose(ws: WebSocket, label: string): void {
  ws.on('close', (code) => closing || fail(`${label}: socket closed (${code})`));
}

/** Bare broadcast: every frame is a delivery. */
async function connectBare(group: Members, url: string): Promise<void> {
  const ws = await open(url);
  const index = group.sockets.length;
  group.sockets.push({ close: () => ws.terminate() });
  ws.on('message', (data: Buffer) => group.delivered(index, data.length));
  watchClose(ws, 'bare');
}

/** quickchat: authenticate, wait for `ready`; `message` frames are deliveries, anything else is not. */
async function connectQuickchat(group: Members, url: string, token: string): Promise<void> {
  const ws = await open(url);
  const ready = firstFrame(ws, (text) => text.startsWith('{"type":"ready"') || (text.startsWith('{"type":"error"') ? `auth refused: ${text}` : false));
  ws.send(JSON.stringify({ type: 'auth', token }));
  await ready;
  const index = group.sockets.length;
  group.sockets.push({ close: () => ws.terminate() });
  ws.on('message', (data: Buffer) => {
    // `{"type":"message"` is 17 bytes; "e" of "message" at 15 tells it from other frame types.
    if (data[9] === 0x6d && data[15] === 0x65 && data[0] === 0x7b && data.toString('latin1', 0, 17) === '{"type":"message"') group.delivered(index, data.length);
    else if (data.toString('latin1', 0, 15) === '{"type":"error"') fail(`quickchat: ${data.toString()}`);
  });
  watchClose(ws, 'quickchat');
}

/**
 * socket.io over a plain `ws` socket (engine.io protocol 4): the server opens with `0{...}`, the
 * client connects to the main namespace with `40` and is answered `40{"sid":…}`; the server
 * pings with `2` and expects `3`; events arrive as `42[...]`. The open packet can arrive in the
 * same read as the upgrade response, so the handler is attached before the socket opens.
 */
function connectSocketioRaw(group: Members, url: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${url}/socket.io/?EIO=4&transport=websocket`, { perMessageDeflate: false });
    const timer = setTimeout(() => (ws.terminate(), reject(new Error('socket.io: not connected within 20 s'))), 20_000);
    let index = -1;
    ws.on('message', (data: Buffer) => {
      if (data[0] === 0x34 && data[1] === 0x32) return group.delivered(index, data.length);
      if (data.length === 1 && data[0] === 0x32) return void ws.send('3');
      if (data[0] === 0x30) return void ws.send('40');
      if (data[0] === 0x34 && data[1] === 0x30 && index < 0) {
        clearTimeout(timer);
        index = group.sockets.length;
        group.sockets.push({ close: () => ws.terminate() });
        watchClose(ws, 'socket.io');
        return resolve();
      }
      if (data[0] === 0x34 && data[1] === 0x34) reject(new Error(`socket.io refused: ${data.toString()}`));
    });
    ws.once('error', (err) => (clearTimeout(timer), reject(err)));
  });
}

/** socket.io through the real client: `m` events are deliveries (sized as the packet would be). */
async function connectSocketioClient(group: Members, url: string): Promise<void> {
  const socket: SioSocket = sioConnect(url, { transports: ['websocket'], forceNew: true, reconnection: false, timeout: 20_000 });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('connect_error', reject);
  });
  const index = group.sockets.length;
  group.sockets.push({ close: () => socket.disconnect() });
  socket.on('m', () => group.delivered(index, 0));
  socket.on('disconnect', (reason) => closing || fail(`socket.io client: disconnected (${reason})`));
}

let closing = false;

async function connect(cmd: Extract<FanoutCommand, { cmd: 'connect' }>): Promise<void> {
  const group = new Members(cmd.system);
  members.set(cmd.system, group);
  const one = (i: number): Promise<void> => {
    switch (cmd.system) {
      case 'bare':
        return connectBare(group, cmd.url);
      case 'quickchat':
        return connectQuickchat(group, cmd.url, cmd.tokens![i]!);
      case 'socketio':
        return cmd.socketioClient ? connectSocketioClient(group, cmd.url) : connectSocketioRaw(group, cmd.url);
    }
  };
  // A few at a time: the servers accept (and quickchat authenticates) one socket after another anyway.
  let next = 0;
  const worker = async () => {
    while (next < cmd.count) await one(next++);
  };
  await Promise.all(Array.from({ length: Math.min(16, cmd.count) }, worker));
  send({ ev: 'connected', system: cmd.system });
}

process.on('message', (cmd: FanoutCommand) => {
  switch (cmd.cmd) {
    case 'connect':
      connect(cmd).catch((err: unknown) => fail(`${cmd.system}: connect failed: ${String(err)}`));
      return;
    case 'arm': {
      const group = members.get(cmd.system);
      if (!group) return fail(`${cmd.system}: arm before connect`);
      if (group.stray > 0) return fail(`${cmd.system}: ${group.stray} frame(s) arrived outside a round`);
      group.arm(cmd.messages);
      return send({ ev: 'armed', system: cmd.system });
    }
    case 'exit':
      closing = true;
      for (const group of members.values()) for (const s of group.sockets) s.close();
      process.exit(0);
  }
});
// The parent went away: so do we.
process.on('disconnect', () => process.exit(0));
send({ ev: 'started' });
