// P2's machinery: the receiver processes, one sender per system, and a round of saturating
// broadcasts with a bounded window in flight end to end. See bench/p2-fanout.ts for the design.
import { fork, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import jwt from 'jsonwebtoken';
import WebSocket from 'ws';
import { io as sioConnect, type Socket as SioSocket } from 'socket.io-client';
import { openSqliteStore } from '../../packages/server/src/store/sqlite/sqlite-store.js';
import { systemMessage } from '../../packages/server/src/services/groups/notices.js';
import { startChild, trackChild, type ChildServer } from './child.js';
import type { FanoutCommand, FanoutReply, FanoutSystem } from './fanout-protocol.js';
import { machineBusySeconds, mainThreadSchedstat, processCpuSeconds, writeSyscalls } from './proc-cpu.js';
import { openSocket } from './quickchat-client.js';
import { DB_FILE } from './seed.js';
import { startQuickchat, type RunningServer } from './servers.js';

export type { FanoutSystem } from './fanout-protocol.js';

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const RECEIVER_SCRIPT = fileURLToPath(new URL('../clients/p2-receivers.ts', import.meta.url));

// ---------------------------------------------------------------------------------------------
// Receiver processes

/**
 * Binds process `pid` to `cpus` (a `taskset` list, e.g. "0" or "1-3"): all its threads, or with
 * `mainThreadOnly` its main thread alone. False when it could not.
 */
export function pinToCpus(pid: number, cpus: string, mainThreadOnly = false): boolean {
  return spawnSync('taskset', [...(mainThreadOnly ? [] : ['-a']), '-p', '-c', cpus, String(pid)], { stdio: 'ignore' }).status === 0;
}

interface Receiver {
  child: ChildProcess;
  /** Per system: sockets this process holds. */
  sockets: Map<FanoutSystem, number>;
  /** Per system: every socket here has received this many frames of the current round. */
  min: Map<FanoutSystem, number>;
}

type Listener = (reply: FanoutReply, from: Receiver) => void;

/** `processes` child processes, each holding a share of every system's member sockets. */
export class ReceiverPool {
  private listener: Listener | null = null;
  private failure: Error | null = null;
  private onFailure: ((err: Error) => void) | null = null;

  /** The receiver processes' pids. */
  get pids(): number[] {
    return this.receivers.map((r) => r.child.pid!);
  }

  private constructor(readonly receivers: Receiver[]) {
    for (const r of receivers) {
      r.child.on('message', (reply: FanoutReply) => {
        if (reply.ev === 'error') return this.fail(new Error(`receiver ${r.child.pid}: ${reply.message}`));
        this.listener?.(reply, r);
      });
      r.child.on('exit', (code, signal) => this.fail(new Error(`receiver ${r.child.pid} exited (code ${code}, signal ${signal})`)));
    }
  }

  static async start(processes: number): Promise<ReceiverPool> {
    const tsx = import.meta.resolve('tsx');
    const receivers = await Promise.all(
      Array.from({ length: processes }, async () => {
        const child = trackChild(fork(RECEIVER_SCRIPT, [], { cwd: REPO_ROOT, execArgv: ['--conditions=source', '--import', tsx], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }));
        await new Promise<void>((resolve, reject) => {
          child.once('message', () => resolve());
          child.once('exit', (code) => reject(new Error(`receiver exited before starting (code ${code})`)));
        });
        return { child, sockets: new Map(), min: new Map() } satisfies Receiver;
      }),
    );
    return new ReceiverPool(receivers);
  }

  private fail(err: Error): void {
    if (this.closing) return;
    this.failure ??= err;
    this.onFailure?.(err);
  }

  /**
   * Runs `work`, which resolves through the replies `listen` sees; rejects as soon as any
   * receiver reports an error or exits.
   */
  private exchange<T>(listen: (resolve: (v: T) => void, reject: (err: Error) => void) => Listener, start: () => void): Promise<T> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise<T>((resolve, reject) => {
      const finish = () => {
        this.listener = null;
        this.onFailure = null;
      };
      this.onFailure = (err) => (finish(), reject(err));
      this.listener = listen(
        (v) => (finish(), resolve(v)),
        (err) => (finish(), reject(err)),
      );
      start();
    });
  }

  /** Sends one command to every receiver and waits until each answered `ev`. */
  private each(ev: 'connected' | 'armed', system: FanoutSystem, command: (r: Receiver, i: number) => FanoutCommand | null): Promise<void> {
    const expecting = new Set<Receiver>();
    return this.exchange<void>(
      (resolve) => (reply, from) => {
        if (reply.ev === ev && reply.system === system && expecting.delete(from) && expecting.size === 0) resolve();
      },
      () => {
        this.receivers.forEach((r, i) => {
          const cmd = command(r, i);
          if (cmd) {
            expecting.add(r);
            r.child.send(cmd);
          }
        });
      },
    );
  }

  /** Opens `count` member sockets on `system`, spread evenly over the processes. */
  connect(system: FanoutSystem, url: string, count: number, options: { tokens?: string[]; socketioClient?: boolean } = {}): Promise<void> {
    let from = 0;
    return this.each('connected', system, (r, i) => {
      const share = Math.floor(count / this.receivers.length) + (i < count % this.receivers.length ? 1 : 0);
      const tokens = options.tokens?.slice(from, from + share);
      from += share;
      r.sockets.set(system, share);
      if (share === 0) return null;
      return { cmd: 'connect', system, url, count: share, ...(tokens ? { tokens } : {}), ...(options.socketioClient ? { socketioClient: true } : {}) };
    });
  }

  /**
   * Runs one round: arms every receiver, calls `start` (with a function giving the slowest
   * receiving socket's count so far) to begin sending, calls `progressed` each time a receiver
   * process reports progress, and resolves when every socket got all `messages` frames. Rejects
   * when `failure` names one, or when nothing moved for `stallMs`.
   */
  async round(system: FanoutSystem, messages: number, start: (progress: () => number) => void, progressed: () => void, stallMs: number, failure: () => string | null): Promise<ReceiversRound> {
    const active = this.receivers.filter((r) => (r.sockets.get(system) ?? 0) > 0);
    for (const r of active) r.min.set(system, 0);
    await this.each('armed', system, (r) => (active.includes(r) ? { cmd: 'arm', system, messages } : null));
    const slowest = () => active.reduce((m, r) => Math.min(m, r.min.get(system)!), messages);
    const done = new Map<Receiver, Extract<FanoutReply, { ev: 'done' }>>();
    let moved = Date.now();
    let watchdog: NodeJS.Timeout | undefined;
    try {
      return await this.exchange<ReceiversRound>(
        (resolve, reject) => {
          watchdog = setInterval(() => {
            const failed = failure();
            if (failed) reject(new Error(failed));
            else if (Date.now() - moved > stallMs) reject(new Error(`${system}: no delivery progress for ${stallMs} ms (slowest socket at ${slowest()} of ${messages})`));
          }, 250);
          return (reply, from) => {
            if (reply.ev === 'progress' && reply.system === system) {
              from.min.set(system, reply.min);
            } else if (reply.ev === 'done' && reply.system === system) {
              from.min.set(system, messages);
              done.set(from, reply);
              if (done.size === active.length) {
                const all = [...done.values()];
                resolve({
                  lastNs: all.reduce((m, d) => (BigInt(d.lastNs) > m ? BigInt(d.lastNs) : m), 0n),
                  cpuSeconds: all.reduce((s, d) => s + d.cpuUs / 1e6, 0),
                  bytes: all.reduce((s, d) => s + d.bytes, 0),
                });
              }
            } else {
              return;
            }
            moved = Date.now();
            progressed();
          };
        },
        () => start(slowest),
      );
    } finally {
      clearInterval(watchdog);
    }
  }

  private closing = false;

  close(): void {
    this.closing = true;
    for (const r of this.receivers) {
      if (r.child.connected) r.child.send({ cmd: 'exit' } satisfies FanoutCommand);
      const timer = setTimeout(() => r.child.kill('SIGKILL'), 5000);
      timer.unref();
    }
  }
}

interface ReceiversRound {
  /** When the last socket of any receiver process got the round's last frame. */
  lastNs: bigint;
  /** CPU the receiver processes used from arming to their last frame, summed. */
  cpuSeconds: number;
  /** Bytes of payload received (0 for socket.io-client receivers, which do not see frames). */
  bytes: number;
}

// ---------------------------------------------------------------------------------------------
// Senders: one member socket per system, in this process, that sends and also counts its own
// copy of every broadcast (it is a member too).

export interface Sender {
  /** Sends broadcast number `i` of the round tagged `tag`. */
  send(i: number, tag: string): void;
  /** Copies of the round's broadcasts this member received; reset by `reset`. */
  readonly own: number;
  readonly lastNs: bigint;
  /** Called on each copy received. */
  onCopy: (() => void) | null;
  /** The first error frame or unexpected close, if any. */
  readonly failure: string | null;
  reset(): void;
  close(): void;
}

class SenderState {
  own = 0;
  lastNs = 0n;
  onCopy: (() => void) | null = null;
  failure: string | null = null;
  closing = false;
  copy(): void {
    this.own++;
    this.lastNs = process.hrtime.bigint();
    this.onCopy?.();
  }
  reset(): void {
    this.own = 0;
    this.lastNs = 0n;
  }
}

/** 12 base64url characters, as long as the prefix of the server's message ids. */
const ID_PREFIX = randomBytes(9).toString('base64url');

/**
 * The broadcast the baselines carry: the JSON of a quickchat `message` frame for the same
 * group, sender and text, with fields of the same lengths, so every system puts the same bytes
 * on the wire per delivery (socket.io adds its `42["m",` … `]` framing).
 */
export function messageLikeFrame(conversationId: string, senderId: string, text: string, i: number, tag: string): string {
  const id = `m_${ID_PREFIX}${i.toString(36).padStart(8, '0')}`;
  return (
    `{"type":"message","message":{"id":"${id}","conversationId":${JSON.stringify(conversationId)},"seq":${i + 2},"senderId":${JSON.stringify(senderId)},` +
    `"clientMsgId":"${tag}${i}","content":{"type":"text","text":${JSON.stringify(text)}},"createdAt":${Date.now()}}}`
  );
}

/** A {@link Sender} over `state`, sending with `send` and closing with `close`. */
function senderOf(state: SenderState, send: (i: number, tag: string) => void, close: () => void): Sender {
  return {
    send,
    get own() {
      return state.own;
    },
    get lastNs() {
      return state.lastNs;
    },
    get onCopy() {
      return state.onCopy;
    },
    set onCopy(f) {
      state.onCopy = f;
    },
    get failure() {
      return state.failure;
    },
    reset: () => state.reset(),
    close: () => {
      state.closing = true;
      close();
    },
  };
}

function wsSender(ws: WebSocket, state: SenderState, frame: (i: number, tag: string) => string, label: string): Sender {
  ws.on('close', (code) => state.closing || (state.failure ??= `${label} sender: socket closed (${code})`));
  return senderOf(state, (i, tag) => ws.send(frame(i, tag)), () => ws.terminate());
}

/** The bare broadcast's sender: sends the message-like frame; every frame back is its copy. */
export async function bareSender(wsUrl: string, conversationId: string, senderId: string, text: string): Promise<Sender> {
  const ws = await openSocket(wsUrl);
  const state = new SenderState();
  ws.on('message', () => state.copy());
  return wsSender(ws, state, (i, tag) => messageLikeFrame(conversationId, senderId, text, i, tag), 'bare');
}

/** quickchat's sender: an authenticated member sending `send` frames; its `message` copies count, acks do not. */
export async function quickchatSender(wsUrl: string, token: string, conversationId: string, text: string): Promise<Sender> {
  const ws = await openSocket(wsUrl);
  await new Promise<void>((resolve, reject) => {
    ws.once('message', (data: Buffer) => (data.toString().startsWith('{"type":"ready"') ? resolve() : reject(new Error(`quickchat sender: auth failed: ${data.toString()}`))));
    ws.send(JSON.stringify({ type: 'auth', token }));
  });
  const state = new SenderState();
  ws.on('message', (data: Buffer) => {
    const head = data.toString('latin1', 0, 17);
    if (head === '{"type":"message"') state.copy();
    else if (head.startsWith('{"type":"error"')) state.failure ??= `quickchat sender: ${data.toString()}`;
  });
  const head = `{"type":"send","conversationId":${JSON.stringify(conversationId)},"clientMsgId":"`;
  const tail = `","content":{"type":"text","text":${JSON.stringify(text)}}}`;
  return wsSender(ws, state, (i, tag) => head + tag + i + tail, 'quickchat');
}

/** socket.io's sender, on the real `socket.io-client`: emits the message-like object as `m`; its `m` copies count. */
export async function socketioSender(url: string, conversationId: string, senderId: string, text: string): Promise<Sender> {
  const socket: SioSocket = sioConnect(url, { transports: ['websocket'], forceNew: true, reconnection: false });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('connect_error', reject);
  });
  const state = new SenderState();
  socket.on('m', () => state.copy());
  socket.on('disconnect', (reason) => state.closing || (state.failure ??= `socket.io sender: disconnected (${reason})`));
  return senderOf(
    state,
    (i, tag) => socket.emit('m', JSON.parse(messageLikeFrame(conversationId, senderId, text, i, tag))),
    () => socket.disconnect(),
  );
}

// ---------------------------------------------------------------------------------------------
// One round

/** One system's measured round. */
export interface FanoutRound {
  messages: number;
  /** Member sockets, the sender's included: each broadcast is one delivery to each. */
  members: number;
  /** From the first send to the last member's receipt of the last broadcast. */
  elapsedMs: number;
  deliveriesPerSec: number;
  /** CPUs' worth of time the server process used over the round (null: unknown). */
  serverCpus: number | null;
  /**
   * Share of the round the server's main thread ran, and the share it was runnable but waited
   * for a CPU (the rest it slept: nothing to do, or blocked). Null: unknown.
   */
  serverMainThread: { running: number; waitingForCpu: number } | null;
  /**
   * Deliveries per write-type system call of the server over the round (`syscw` of
   * `/proc/<pid>/io`: socket writes, and for quickchat also SQLite's): how many frames one
   * socket write carried on average. Null: unknown.
   */
  deliveriesPerWrite: number | null;
  /** CPUs' worth of time all receiver processes used, summed. */
  receiverCpus: number;
  /** CPUs' worth of time this process (the sender and the IPC) used. */
  parentCpus: number;
  /** CPUs' worth of busy time of the whole machine (null: unknown). */
  machineCpus: number | null;
  /** Mean bytes of payload per delivery, as received (null with socket.io-client receivers). */
  bytesPerDelivery: number | null;
}

/**
 * Sends `messages` broadcasts and waits until every member received every one. The sender keeps
 * at most `window` broadcasts ahead of its own copies and at most `lag` ahead of the slowest
 * receiving socket. Every server writes the sender's copy last (it joined last; quickchat sends
 * it last by design), so the first bound paces the sender by the server's progress and keeps the
 * server's queue from running dry; the second bounds how far receivers may fall behind (and so
 * the servers' send buffers).
 */
export async function fanoutRound(pool: ReceiverPool, system: FanoutSystem, serverPid: number, sender: Sender, opts: { messages: number; members: number; window: number; lag: number; tag: string; stallMs: number }): Promise<FanoutRound> {
  const { messages, window, lag, tag } = opts;
  sender.reset();
  let sent = 0;
  let t0 = 0n;
  let serverCpu0: number | null = null;
  let machine0: number | null = null;
  let sched0 = null as ReturnType<typeof mainThreadSchedstat>;
  let writes0: number | null = null;
  let parent0 = process.cpuUsage();
  let slowest: () => number = () => 0;
  let finishedSender: (() => void) | null = null;
  const senderDone = new Promise<void>((resolve) => (finishedSender = resolve));
  const pump = () => {
    const limit = Math.min(messages, sender.own + window, slowest() + lag);
    while (sent < limit) sender.send(sent++, tag);
  };
  sender.onCopy = () => {
    if (sender.own === messages) finishedSender?.();
    else pump();
  };
  const receivers = await pool.round(
    system,
    messages,
    (progress) => {
      slowest = progress;
      serverCpu0 = processCpuSeconds(serverPid);
      machine0 = machineBusySeconds();
      sched0 = mainThreadSchedstat(serverPid);
      writes0 = writeSyscalls(serverPid);
      parent0 = process.cpuUsage();
      t0 = process.hrtime.bigint();
      pump();
    },
    pump,
    opts.stallMs,
    () => sender.failure,
  );
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    senderDone,
    new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`${system}: the sender got ${sender.own} of ${messages} copies`)), opts.stallMs))),
  ]).finally(() => clearTimeout(timer));
  const end = receivers.lastNs > sender.lastNs ? receivers.lastNs : sender.lastNs;
  const serverCpu1 = processCpuSeconds(serverPid);
  const machine1 = machineBusySeconds();
  const sched1 = mainThreadSchedstat(serverPid);
  const writes1 = writeSyscalls(serverPid);
  const parent = process.cpuUsage(parent0);
  sender.onCopy = null;
  const seconds = Number(end - t0) / 1e9;
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpus = (s: number) => Math.round((s / seconds) * 100) / 100;
  const deliveries = messages * opts.members;
  return {
    messages,
    members: opts.members,
    elapsedMs: Math.round(seconds * 10_000) / 10,
    deliveriesPerSec: Math.round(deliveries / seconds),
    serverCpus: serverCpu0 === null || serverCpu1 === null ? null : cpus(serverCpu1 - serverCpu0),
    serverMainThread:
      sched0 && sched1 ? { running: cpus((sched1.runNs - sched0.runNs) / 1e9), waitingForCpu: cpus((sched1.waitNs - sched0.waitNs) / 1e9) } : null,
    deliveriesPerWrite: writes0 === null || writes1 === null || writes1 === writes0 ? null : Math.round((deliveries / (writes1 - writes0)) * 10) / 10,
    receiverCpus: cpus(receivers.cpuSeconds),
    parentCpus: Math.round(((parent.user + parent.system) / 1e6 / wall) * 100) / 100,
    machineCpus: machine0 === null || machine1 === null ? null : Math.round(((machine1 - machine0) / wall) * 100) / 100,
    bytesPerDelivery: receivers.bytes === 0 ? null : Math.round(receivers.bytes / (deliveries - messages)),
  };
}

// ---------------------------------------------------------------------------------------------
// The systems' servers

/** The bare `ws` broadcast baseline in a child process. */
export async function startWsBroadcast(): Promise<ChildServer & { wsUrl: string }> {
  const child = await startChild('baselines/ws-broadcast.ts', { label: 'ws-broadcast' });
  return { ...child, wsUrl: `ws://127.0.0.1:${child.port}` };
}

/** The socket.io room baseline in a child process. */
export async function startSocketioRoom(): Promise<ChildServer & { url: string; wsUrl: string }> {
  const child = await startChild('baselines/socketio-room.ts', { label: 'socketio-room' });
  return { ...child, url: `http://127.0.0.1:${child.port}`, wsUrl: `ws://127.0.0.1:${child.port}` };
}

const ISSUER = 'https://bench.quickchat.invalid';
const AUDIENCE = 'quickchat-bench-p2';

/** A quickchat data directory holding one group of bring-your-own-identity members, and a token for each. */
export interface GroupSeed {
  dataDir: string;
  conversationId: string;
  /** Member ids; the first is the owner (and the sender). */
  memberIds: string[];
  tokens: string[];
  /** The server options that accept the tokens. */
  serverOptions: { auth: { external: { issuer: string; audience: string; algorithm: 'HS256'; key: string } }; limits: { maxGroupMembers: number } };
}

/**
 * Seeds `dataDir` through the store's own API before the server opens it: `members` external
 * users (as first sign-in would provision them) and one group holding them all, created as the
 * server creates one (its `created` notice is seq 1). Tokens are HS256 JWTs signed with a fresh key.
 */
export async function seedGroup(dataDir: string, members: number): Promise<GroupSeed> {
  const store = openSqliteStore({ file: join(dataDir, DB_FILE), synchronous: 'NORMAL' });
  const conversationId = `g:${randomBytes(12).toString('base64url')}`;
  const memberIds = Array.from({ length: members }, (_, i) => `p2-${String(i).padStart(5, '0')}`);
  try {
    const at = Date.now();
    for (const id of memberIds) await store.upsertExternalUser({ id, displayName: id, avatarUrl: null, createdAt: at });
    const [owner, ...rest] = memberIds as [string, ...string[]];
    const created = await store.createGroup({
      id: conversationId,
      ownerId: owner,
      name: 'P2 fan-out',
      avatarUrl: null,
      description: '',
      joinMode: 'closed',
      historyVisible: false,
      members: rest,
      pending: [],
      message: systemMessage(conversationId, owner, { action: 'created', changes: { name: 'P2 fan-out' } }, at),
      events: [],
      createdAt: at,
    });
    if (created.status !== 'applied') throw new Error(`P2 seed: createGroup gave ${created.status}`);
  } finally {
    await store.close();
  }
  const key = randomBytes(32).toString('base64url');
  const exp = Math.floor(Date.now() / 1000) + 3600;
  const tokens = memberIds.map((sub) => jwt.sign({ sub, iss: ISSUER, aud: AUDIENCE, exp, name: sub }, key, { algorithm: 'HS256' }));
  return {
    dataDir,
    conversationId,
    memberIds,
    tokens,
    serverOptions: { auth: { external: { issuer: ISSUER, audience: AUDIENCE, algorithm: 'HS256', key } }, limits: { maxGroupMembers: Math.max(1000, members) } },
  };
}

/** The real quickchat server on a seeded group (its data directory is kept; the caller removes it). */
export function startQuickchatOnGroup(seed: GroupSeed, cpuProfDir?: string): Promise<RunningServer> {
  return startQuickchat({ dataDir: seed.dataDir, serverOptions: seed.serverOptions, ...(cpuProfDir ? { cpuProfDir } : {}) });
}

/** The median round by deliveries/s (the lower middle one of an even count). */
export function medianRound<R extends { deliveriesPerSec: number }>(rounds: readonly R[]): R {
  const sorted = [...rounds].sort((a, b) => a.deliveriesPerSec - b.deliveriesPerSec);
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
}

/** How many messages the seeded group holds in its store, read through a separate read-only connection. */
export function storedGroupMessages(seed: GroupSeed): number {
  const db = new Database(join(seed.dataDir, DB_FILE), { readonly: true });
  try {
    return (db.prepare('SELECT COUNT(*) AS n FROM messages WHERE conversation_id = ?').get(seed.conversationId) as { n: number }).n;
  } finally {
    db.close();
  }
}
