// P2: group fan-out, deliveries/s. One group of N members (1,000 by default), every one
// connected; one member sends 100 B text messages as fast as the window allows and every member,
// the sender included, receives each one. Three systems in the same run, each server in its own
// child process:
//   - bare `ws` broadcast (bench/baselines/ws-broadcast.ts): `for (const s of sockets) s.send(text)`;
//   - socket.io 4 room (bench/baselines/socketio-room.ts): `io.to(room).emit('m', payload)`;
//   - quickchat (the real server): a group of N members; every message is stored (SQLite
//     commit) before it is delivered.
// The N - 1 receiving sockets of each system live in a few receiver processes
// (bench/clients/p2-receivers.ts), the sender in this one. The sender keeps at most `window`
// messages ahead of its own copies (each server writes the sender's copy last, so this follows
// the server's progress and keeps its queue from running dry) and at most `lag` ahead of the
// slowest receiving socket (so send buffers stay bounded). Deliveries/s = messages × N ÷ (first send → last receipt at every
// member). Rounds rotate the systems' order; the median round of each is reported.
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChildServer } from './lib/child.js';
import {
  bareSender,
  fanoutRound,
  medianRound,
  quickchatSender,
  pinToCpus,
  ReceiverPool,
  seedGroup,
  socketioSender,
  startQuickchatOnGroup,
  startSocketioRoom,
  startWsBroadcast,
  storedGroupMessages,
  type FanoutRound,
  type FanoutSystem,
  type Sender,
} from './lib/fanout.js';
import { payloadText } from './lib/stats.js';

export interface P2Params {
  /** Group members, all connected; the sender is one of them. */
  members: number;
  /** Broadcasts per measured round, per system. */
  messages: number;
  rounds: number;
  /** Broadcasts per system before measuring (JIT, buffers, caches). */
  warmup: number;
  /** Broadcasts the sender may be ahead of its own copies (so of the server's progress). */
  window: number;
  /** Broadcasts the sender may be ahead of the slowest receiving socket. */
  lag: number;
  payloadBytes: number;
  /** Receiver processes sharing the member sockets. */
  receiverProcesses: number;
  /** socket.io's receivers on the real `socket.io-client` instead of the engine.io protocol over plain `ws`. */
  socketioClient: boolean;
  /**
   * Bind the three servers' main threads to CPU 0 and the receivers and the sender to the other
   * CPUs (`taskset`), so a server's event loop has a core of its own and the clients cannot take
   * its time. The servers' other threads (GC helpers, SQLite's checkpointer) stay unbound.
   */
  pin: boolean;
  deadlineMs: number;
}

export interface P2System {
  /** The round with the median deliveries/s. */
  median: FanoutRound;
  rounds: FanoutRound[];
}

export interface P2Result {
  params: P2Params;
  bare: P2System;
  socketio: P2System;
  quickchat: P2System;
  /** Ratios of the median deliveries/s. */
  ratios: { quickchatToBare: number; quickchatToSocketio: number; socketioToBare: number };
  /** quickchat's messages in the group after the run (seq 1 is the group's `created` notice), against what was sent. */
  stored: { found: number; sent: number };
  /** False when the deadline cut the rounds short. */
  complete: boolean;
  /** Whether the servers' main threads ran bound to CPU 0 and the clients to the other CPUs. */
  pinned: boolean;
  setupMs: number;
  durationMs: number;
  /** When P2 ran and how busy the rest of the machine was (set by run.ts; kept when merged into other results). */
  measured?: { date: string; otherCpus: number | null };
}

const SYSTEMS: FanoutSystem[] = ['bare', 'socketio', 'quickchat'];


const ratio = (a: number, b: number) => Math.round((a / b) * 1000) / 1000;


export async function runP2(params: P2Params): Promise<P2Result> {
  const started = performance.now();
  const deadline = Date.now() + params.deadlineMs;
  const text = payloadText(params.payloadBytes);
  const dataDir = mkdtempSync(join(tmpdir(), 'quickchat-bench-p2-'));
  const servers: ChildServer[] = [];
  const senders: Sender[] = [];
  let pool: ReceiverPool | null = null;
  let unpin = () => true;
  try {
    const seed = await seedGroup(dataDir, params.members);
    const [bare, sio, qc, receivers] = await Promise.all([startWsBroadcast(), startSocketioRoom(), startQuickchatOnGroup(seed), ReceiverPool.start(params.receiverProcesses)]);
    servers.push(bare, sio, qc);
    pool = receivers;
    const cpus = availableParallelism();
    const pinned = params.pin && cpus >= 2 && [bare, sio, qc].every((s) => pinToCpus(s.pid, '0', true)) && [process.pid, ...pool.pids].every((pid) => pinToCpus(pid, `1-${cpus - 1}`));
    if (params.pin && !pinned) console.log('P2: could not bind the processes to CPUs (taskset); running unbound');
    unpin = () => pinToCpus(process.pid, `0-${cpus - 1}`);
    const [senderId] = seed.memberIds as [string];
    const others = params.members - 1;
    await pool.connect('bare', bare.wsUrl, others);
    await pool.connect('socketio', sio.wsUrl, others, { socketioClient: params.socketioClient });
    await pool.connect('quickchat', qc.wsUrl, others, { tokens: seed.tokens.slice(1) });
    const bySystem: Record<FanoutSystem, { sender: Sender; pid: number }> = {
      bare: { sender: await bareSender(bare.wsUrl, seed.conversationId, senderId, text), pid: bare.pid },
      socketio: { sender: await socketioSender(sio.url, seed.conversationId, senderId, text), pid: sio.pid },
      quickchat: { sender: await quickchatSender(qc.wsUrl, seed.tokens[0]!, seed.conversationId, text), pid: qc.pid },
    };
    senders.push(...Object.values(bySystem).map((s) => s.sender));
    const run = (system: FanoutSystem, messages: number, tag: string) =>
      fanoutRound(pool!, system, bySystem[system].pid, bySystem[system].sender, { messages, members: params.members, window: params.window, lag: params.lag, tag, stallMs: 15_000 });

    for (const system of SYSTEMS) await run(system, params.warmup, 'w');
    const setupMs = Math.round(performance.now() - started);

    const rounds: Record<FanoutSystem, FanoutRound[]> = { bare: [], socketio: [], quickchat: [] };
    let complete = true;
    for (let r = 0; r < params.rounds; r++) {
      if (Date.now() > deadline) {
        complete = false;
        break;
      }
      // Rotate which system goes first, so drifts of the machine's speed hit all alike.
      for (let k = 0; k < SYSTEMS.length; k++) {
        const system = SYSTEMS[(r + k) % SYSTEMS.length]!;
        const round = await run(system, params.messages, `r${r}-`);
        rounds[system].push(round);
        const cpu = (v: number | null) => (v === null ? '?' : v.toFixed(2));
        const main = round.serverMainThread;
        console.log(
          `P2 round ${r + 1} ${system.padEnd(9)} ${round.deliveriesPerSec.toLocaleString('en-US').padStart(9)} deliveries/s  ${(round.elapsedMs / 1000).toFixed(2)} s  ` +
            `server: ${cpu(round.serverCpus)} CPUs, main thread ran ${cpu(main?.running ?? null)} waited ${cpu(main?.waitingForCpu ?? null)} idle ${cpu(main ? Math.max(0, 1 - main.running - main.waitingForCpu) : null)}; ` +
            `receivers ${cpu(round.receiverCpus)}, sender ${cpu(round.parentCpus)}, machine ${cpu(round.machineCpus)} CPUs; ${round.bytesPerDelivery ?? '?'} B/delivery, ${round.deliveriesPerWrite ?? '?'} deliveries/write`,
        );
      }
    }
    if (rounds.bare.length === 0) throw new Error('P2: deadline passed before the first round');

    for (const s of senders) s.close();
    senders.length = 0;
    pool.close();
    pool = null;
    await Promise.all(servers.map((s) => s.stop()));
    servers.length = 0;
    const sent = params.warmup + rounds.quickchat.length * params.messages;

    const result = (system: FanoutSystem): P2System => ({ median: medianRound(rounds[system]), rounds: rounds[system] });
    const [b, s, q] = [result('bare'), result('socketio'), result('quickchat')];
    return {
      params,
      bare: b,
      socketio: s,
      quickchat: q,
      ratios: {
        quickchatToBare: ratio(q.median.deliveriesPerSec, b.median.deliveriesPerSec),
        quickchatToSocketio: ratio(q.median.deliveriesPerSec, s.median.deliveriesPerSec),
        socketioToBare: ratio(s.median.deliveriesPerSec, b.median.deliveriesPerSec),
      },
      stored: { found: storedGroupMessages(seed) - 1, sent },
      complete,
      pinned,
      setupMs,
      durationMs: Math.round(performance.now() - started),
    };
  } finally {
    unpin();
    for (const s of senders) s.close();
    pool?.close();
    await Promise.all(servers.map((s) => s.stop()));
    rmSync(dataDir, { recursive: true, force: true });
  }
}
