// P7: scale-out. Two server nodes on one Redis, sharing one SQLite file (shared-writer mode),
// beside ONE node in the same store mode, in the same run: the only difference is the second node
// and Redis. One node in its default mode (no shared writer) runs beside them for reference.
//   - Cross-node 1:1 latency, as P1 measures it: the sender on node A, the receiver on node B;
//     one message at a time, send → the receiver has the `message` frame. One node: both on it.
//   - Group fan-out, as P2 measures it: a group of N members, half of them connected to node A
//     (the sender among them) and half to node B; every member receives every message.
//     One node: all of them on it.
// Every node is the real server started as every benchmark here starts it (bench/servers/quickchat.ts:
// `createServer` with the rate limits raised for the load generator, which the CLI cannot raise),
// with `redisUrl` and `sqliteSharedWriter`, the options `--redis-url` and `--sqlite-shared-writer`
// set; Redis is Debian's `redis-server` (bench/lib/redis.ts). P7 is skipped without one.
// Latency rounds and fan-out rounds rotate the deployments' order so drifts of the machine hit
// all alike. Goals: fan-out deliveries/s of two nodes ≥ 0.7 × one node's; cross-node p99 ≤ one
// node's p99 + 1 ms.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import type WebSocket from 'ws';
import { dmConversationId } from '@quickchat/protocol';
import { Arrivals } from './lib/arrivals.js';
import { connectAcrossNodes } from './lib/fanout-nodes.js';
import { fanoutRound, medianRound, messageLikeFrame, pinToCpus, quickchatSender, ReceiverPool, seedGroup, storedGroupMessages, type FanoutRound, type GroupSeed, type Sender } from './lib/fanout.js';
import { mainThreadSchedstat, processCpuSeconds } from './lib/proc-cpu.js';
import { befriend, closeAll, connectUser, registerUsers } from './lib/quickchat-client.js';
import { redisHop } from './lib/redis.js';
import { RedisServer, redisMissing } from '../packages/server/test/support/redis-server.js';
import { startQuickchat, type RunningServer } from './lib/servers.js';
import { latencyStats, payloadText, type LatencyStats } from './lib/stats.js';
import { timeLoop, type Pair } from './p1-latency.js';

export interface P7Params {
  /** Latency: measured messages per deployment, warm-up messages per deployment, payload, rounds. */
  messages: number;
  warmup: number;
  payloadBytes: number;
  rounds: number;
  /** Fan-out: group members (all connected, half on each node), broadcasts per round, rounds, warm-up broadcasts. */
  members: number;
  fanoutMessages: number;
  fanoutRounds: number;
  fanoutWarmup: number;
  /** As P2: broadcasts the sender may be ahead of its own copies, and of the slowest receiving socket. */
  window: number;
  lag: number;
  fanoutPayloadBytes: number;
  /** Receiver processes per deployment (an even number, so each node of two gets as many). */
  receiverProcesses: number;
  /** Also run one node in its default store mode (no shared writer), for reference. */
  reference: boolean;
  /**
   * During the fan-out, bind the server side (every node's main thread and Redis) to CPU 0 and the
   * clients to the other CPUs, as P2 does: both deployments get the same CPU for serving.
   */
  pin: boolean;
  deadlineMs: number;
}

/** The deployments measured: two nodes + Redis, one node (shared-writer store), one node (default store). */
export type P7Deployment = 'two' | 'one' | 'default';

/** A fan-out round, with the CPU of the whole server side (every node and Redis). */
export interface P7FanoutRound extends FanoutRound {
  /** CPUs' worth of time each server-side process used over the round (`node A`, `node B`, `redis`). */
  serverSide: { name: string; cpus: number | null }[];
  /** Sum of `serverSide` (null: unknown). */
  serverSideCpus: number | null;
}

export interface LatencySplit {
  toAck: { p50: number; p99: number };
  ackToReceiver: { p50: number; p99: number };
}

/**
 * Per server-side process: CPU time per message (all threads), and how long per message its main
 * thread was runnable but waited for a CPU that something else held (µs; null: unknown).
 */
export type ServerSideCpu = { name: string; usPerMessage: number | null; waitUsPerMessage: number | null }[];

export interface P7Fanout {
  /** The round with the median deliveries/s. */
  median: P7FanoutRound;
  rounds: P7FanoutRound[];
}

export interface P7Result {
  params: P7Params;
  latency: { two: LatencyStats; one: LatencyStats; default?: LatencyStats };
  /**
   * The floor of the hop that two nodes add: a raw PUBLISH of an envelope the size of a cross-node
   * DM's until a raw SUBSCRIBEd connection has it, one at a time, measured in the same rounds.
   */
  redisHop: LatencyStats;
  /**
   * CPU time per measured message of each server-side process (`node A`, `node B`, `redis`; µs,
   * from `/proc`, 10 ms ticks over the whole loop) during the latency loops, per deployment.
   */
  latencyCpu: { two: ServerSideCpu; one: ServerSideCpu; default?: ServerSideCpu };
  /**
   * Where the latency goes, per deployment: send → the sender's `ack` (sent by node A right after
   * the commit, when it publishes the message), and the sender's `ack` → the receiver's `message`
   * (with two nodes: A's flush to Redis, the hop, node B; with one node the message is written to
   * the receiver before the ack, so this is about zero or negative). p50 and p99, µs.
   */
  latencySplit: { two: LatencySplit; one: LatencySplit; default?: LatencySplit };
  fanout: { two: P7Fanout; one: P7Fanout; default?: P7Fanout };
  /** Members connected to node A (the sender included) and to node B. */
  split: [number, number];
  ratios: {
    /** Median deliveries/s, two nodes ÷ one node (goal ≥ 0.7). */
    throughput: number;
    /** Cross-node p99 − one node's p99, µs (goal ≤ 1000). */
    p99DeltaUs: number;
    p50DeltaUs: number;
    /** Deliveries per server-side CPU-second, two nodes ÷ one node: what the second node and Redis cost in CPU. */
    perCpu: number | null;
    /** One node, shared-writer ÷ default store mode, deliveries/s (reference). */
    sharedWriterToDefault?: number;
  };
  /** Group messages the shared store holds after the run (the `created` notice excluded), against what the sender sent. */
  stored: { found: number; sent: number };
  pinned: boolean;
  complete: boolean;
  setupMs: number;
  durationMs: number;
  /** When P7 ran and how busy the rest of the machine was (set by run.ts). */
  measured?: { date: string; otherCpus: number | null };
}

/** Why P7 cannot run here, or null when it can. */
export function p7Unavailable(): string | null {
  return redisMissing();
}

/** A {@link Pair} that also notes when each message was sent, acked and received (performance.now()). */
export interface TimedPair extends Pair {
  sentAt: Map<string, number>;
  ackedAt: Map<string, number>;
  arrivedAt: Map<string, number>;
}

interface Setup {
  name: P7Deployment;
  /** Node A first (the DM sender and the group's sender are on it). */
  nodes: RunningServer[];
  /** Processes serving this deployment, for their CPU time. */
  serverSide: { name: string; pid: number }[];
  seed: GroupSeed;
  pair: TimedPair;
  pool: ReceiverPool;
  sender: Sender;
}

/** What is running, to stop whatever happens. */
interface Live {
  nodes: RunningServer[];
  closers: (() => void)[];
  dataDirs: string[];
}

const ratio = (a: number, b: number) => Math.round((a / b) * 1000) / 1000;

/** A befriended sender/receiver pair, the sender on `senderNode` and the receiver on `receiverNode` (registered through the sender's node). */
export async function crossNodePair(senderNode: RunningServer, receiverNode: RunningServer, text: string, label: string): Promise<TimedPair> {
  const [a, b] = (await registerUsers(senderNode.url, 2, `p7${label}`)) as [{ id: string; token: string }, { id: string; token: string }];
  await befriend(senderNode.url, a, b);
  const sender = await connectUser(senderNode.wsUrl, a);
  const receiver = await connectUser(receiverNode.wsUrl, b);
  const arrivals = new Arrivals(`P7 ${label}`);
  for (const [ws, who] of [[sender, 'sender'], [receiver, 'receiver']] as const) {
    ws.on('message', (data: Buffer) => {
      if (data.toString('latin1', 0, 16).startsWith('{"type":"error"')) arrivals.fail(new Error(`P7 ${label} ${who}: ${data.toString()}`));
    });
    ws.on('close', (code) => arrivals.fail(new Error(`P7 ${label} ${who}: socket closed (${code})`)));
  }
  const [sentAt, ackedAt, arrivedAt] = [new Map<string, number>(), new Map<string, number>(), new Map<string, number>()];
  receiver.on('message', (data: Buffer) => {
    const at = performance.now();
    const frame = JSON.parse(data.toString()) as { type: string; message?: { clientMsgId: string } };
    if (frame.type !== 'message' || !frame.message) return;
    arrivedAt.set(frame.message.clientMsgId, at);
    arrivals.arrived(frame.message.clientMsgId);
  });
  sender.on('message', (data: Buffer) => {
    const at = performance.now();
    if (data.toString('latin1', 0, 13) === '{"type":"ack"') ackedAt.set((JSON.parse(data.toString()) as { clientMsgId: string }).clientMsgId, at);
  });
  const head = `{"type":"send","conversationId":${JSON.stringify(dmConversationId(a.id, b.id))},"clientMsgId":"`;
  const tail = `","content":{"type":"text","text":${JSON.stringify(text)}}}`;
  const send = (id: string) => {
    sentAt.set(id, performance.now());
    sender.send(head + id + tail);
  };
  return { send, arrivals, sockets: [sender, receiver] as WebSocket[], sentAt, ackedAt, arrivedAt };
}

/** Starts one deployment on a freshly seeded group and connects its clients. */
async function setUp(name: P7Deployment, params: P7Params, redis: RedisServer, live: Live, dmText: string, groupText: string): Promise<Setup> {
  const dataDir = mkdtempSync(join(tmpdir(), `quickchat-bench-p7-${name}-`));
  live.dataDirs.push(dataDir);
  const seed = await seedGroup(dataDir, params.members);
  const store = name === 'default' ? {} : { sqliteSharedWriter: true };
  const bus = name === 'two' ? { redisUrl: redis.url } : {};
  const serverOptions = { ...seed.serverOptions, ...store, ...bus };
  const nodes: RunningServer[] = [];
  // One after the other: the first node writes the data directory's secrets, the second reads them.
  for (let i = 0; i < (name === 'two' ? 2 : 1); i++) {
    const node = await startQuickchat({ dataDir, serverOptions });
    nodes.push(node);
    live.nodes.push(node);
  }
  const [a, b = a] = nodes as [RunningServer, RunningServer?];
  const serverSide = name === 'two' ? [{ name: 'node A', pid: a.pid }, { name: 'node B', pid: b.pid }, { name: 'redis', pid: redis.pid! }] : [{ name: 'node', pid: a.pid }];
  const pair = await crossNodePair(a, b, dmText, name);
  live.closers.push(() => (pair.arrivals.dispose(), closeAll(pair.sockets)));
  const pool = await ReceiverPool.start(params.receiverProcesses);
  live.closers.push(() => pool.close());
  const others = seed.tokens.slice(1);
  if (name === 'two') {
    const onB = Math.floor(params.members / 2);
    await connectAcrossNodes(pool, [a.wsUrl, b.wsUrl], [params.members - onB - 1, onB], others);
  } else {
    await pool.connect('quickchat', a.wsUrl, others.length, { tokens: others });
  }
  const sender = await quickchatSender(a.wsUrl, seed.tokens[0]!, seed.conversationId, groupText);
  live.closers.push(() => sender.close());
  return { name, nodes, serverSide, seed, pair, pool, sender };
}

/** A fan-out round of `setup`, with the CPU time of each of its server-side processes. */
async function fanout(setup: Setup, params: P7Params, messages: number, tag: string): Promise<P7FanoutRound> {
  const cpu0 = setup.serverSide.map((p) => processCpuSeconds(p.pid));
  const t0 = performance.now();
  const round = await fanoutRound(setup.pool, 'quickchat', setup.nodes[0]!.pid, setup.sender, { messages, members: params.members, window: params.window, lag: params.lag, tag, stallMs: 15_000 });
  const seconds = (performance.now() - t0) / 1000;
  const serverSide = setup.serverSide.map((p, i) => {
    const [before, after] = [cpu0[i], processCpuSeconds(p.pid)];
    return { name: p.name, cpus: before === null || before === undefined || after === null ? null : Math.round(((after - before) / seconds) * 100) / 100 };
  });
  const known = serverSide.every((p) => p.cpus !== null);
  return { ...round, serverSide, serverSideCpus: known ? Math.round(serverSide.reduce((s, p) => s + p.cpus!, 0) * 100) / 100 : null };
}



const cpu = (v: number | null) => (v === null ? '?' : v.toFixed(2));

export async function runP7(params: P7Params): Promise<P7Result> {
  if (params.receiverProcesses < 2) throw new Error('P7: --p7-receivers must be at least 2 (one receiver process per node at least)');
  if (params.members < 4) throw new Error('P7: --p7-members must be at least 4');
  const started = performance.now();
  const deadline = Date.now() + params.deadlineMs;
  const dmText = payloadText(params.payloadBytes);
  const groupText = payloadText(params.fanoutPayloadBytes);
  const names: P7Deployment[] = params.reference ? ['two', 'one', 'default'] : ['two', 'one'];
  const live: Live = { nodes: [], closers: [], dataDirs: [] };
  const setups: Setup[] = [];
  let redis: RedisServer | null = null;
  let unpin = () => true;
  try {
    redis = await RedisServer.start();
    for (const name of names) setups.push(await setUp(name, params, redis, live, dmText, groupText));
    const byName = (name: P7Deployment) => setups.find((s) => s.name === name)!;
    const setupMs = Math.round(performance.now() - started);

    // Latency first, unbound (as P1); warm-up, then rounds rotating which deployment goes first.
    for (const s of setups) await timeLoop(s.pair, params.warmup, deadline, `P7 ${s.name} latency warm-up`);
    const splits = new Map<P7Deployment, { toAck: number[]; ackToReceiver: number[] }>(names.map((n) => [n, { toAck: [], ackToReceiver: [] }]));
    /** Moves the pair's noted times into `splits` (messages whose ack has not arrived yet are left out). */
    const noteSplits = (s: Setup) => {
      const into = splits.get(s.name)!;
      for (const [id, sent] of s.pair.sentAt) {
        const [acked, arrived] = [s.pair.ackedAt.get(id), s.pair.arrivedAt.get(id)];
        if (acked === undefined || arrived === undefined) continue;
        into.toAck.push(acked - sent);
        into.ackToReceiver.push(arrived - acked);
      }
      for (const map of [s.pair.sentAt, s.pair.ackedAt, s.pair.arrivedAt]) map.clear();
    };
    for (const s of setups) noteSplits(s);
    for (const into of splits.values()) into.toAck.length = into.ackToReceiver.length = 0;
    const samples = new Map<P7Deployment, number[]>(names.map((n) => [n, []]));
    const perRound = Math.ceil(params.messages / params.rounds);
    // What crosses Redis for a DM: the `message` frame's JSON in an envelope naming the origin node.
    const envelope = JSON.stringify({ origin: randomUUID(), message: { kind: 'frame', json: messageLikeFrame(`d:${'x'.repeat(40)}`, 'u_'.padEnd(24, 'x'), dmText, 0, 'c0'), to: 'u_'.padEnd(24, 'x') } });
    await redisHop(redis.url, params.warmup, envelope);
    const hopSamples: number[] = [];
    const cpuSeconds = new Map<P7Deployment, number[]>(setups.map((s) => [s.name, s.serverSide.map(() => 0)]));
    const waitNs = new Map<P7Deployment, number[]>(setups.map((s) => [s.name, s.serverSide.map(() => 0)]));
    for (let r = 0; r < params.rounds; r++) {
      for (let k = 0; k < setups.length; k++) {
        const s = setups[(r + k) % setups.length]!;
        const before = s.serverSide.map((p) => processCpuSeconds(p.pid) ?? NaN);
        const waitedBefore = s.serverSide.map((p) => mainThreadSchedstat(p.pid)?.waitNs ?? NaN);
        samples.get(s.name)!.push(...(await timeLoop(s.pair, perRound, deadline, `P7 ${s.name} latency`)));
        noteSplits(s);
        s.serverSide.forEach((p, i) => {
          cpuSeconds.get(s.name)![i]! += (processCpuSeconds(p.pid) ?? NaN) - before[i]!;
          waitNs.get(s.name)![i]! += (mainThreadSchedstat(p.pid)?.waitNs ?? NaN) - waitedBefore[i]!;
        });
      }
      hopSamples.push(...(await redisHop(redis.url, perRound, envelope)));
    }
    const latency = Object.fromEntries(names.map((n) => [n, latencyStats(samples.get(n)!)])) as P7Result['latency'];
    const hop = latencyStats(hopSamples);
    const latencyCpu = Object.fromEntries(
      setups.map((s) => [s.name, s.serverSide.map((p, i) => {
        const count = samples.get(s.name)!.length;
        const us = (cpuSeconds.get(s.name)![i]! / count) * 1e6;
        const wait = waitNs.get(s.name)![i]! / count / 1000;
        return { name: p.name, usPerMessage: Number.isFinite(us) ? Math.round(us * 10) / 10 : null, waitUsPerMessage: Number.isFinite(wait) ? Math.round(wait * 10) / 10 : null };
      })]),
    ) as P7Result['latencyCpu'];
    const pq = (samplesMs: number[]) => {
      const stats = latencyStats(samplesMs);
      return { p50: stats.p50, p99: stats.p99 };
    };
    const latencySplit = Object.fromEntries(names.map((n) => [n, { toAck: pq(splits.get(n)!.toAck), ackToReceiver: pq(splits.get(n)!.ackToReceiver) }])) as P7Result['latencySplit'];
    for (const n of names) {
      const perMessage = latencyCpu[n]!.map((p) => `${p.name} ${p.usPerMessage ?? '?'} (waited for a CPU ${p.waitUsPerMessage ?? '?'})`).join(', ');
      const split = latencySplit[n]!;
      console.log(
        `P7 latency ${n.padEnd(7)} p50 ${latency[n]!.p50} µs, p90 ${latency[n]!.p90} µs, p99 ${latency[n]!.p99} µs; ` +
          `send → ack p50 ${split.toAck.p50} / p99 ${split.toAck.p99} µs, ack → receiver p50 ${split.ackToReceiver.p50} / p99 ${split.ackToReceiver.p99} µs; server-side CPU per message: ${perMessage} µs`,
      );
    }
    console.log(`P7 latency of a bare Redis PUBLISH → subscriber hop (${Buffer.byteLength(envelope)} B): p50 ${hop.p50} µs, p90 ${hop.p90} µs, p99 ${hop.p99} µs`);

    // Fan-out, bound to CPUs (as P2): the server side of each deployment on CPU 0, the clients elsewhere.
    const cpus = availableParallelism();
    const serverPids = setups.flatMap((s) => s.nodes.map((n) => n.pid));
    const clientPids = [process.pid, ...setups.flatMap((s) => s.pool.pids)];
    const pinned =
      params.pin && cpus >= 2 && serverPids.every((pid) => pinToCpus(pid, '0', true)) && pinToCpus(redis.pid!, '0') && clientPids.every((pid) => pinToCpus(pid, `1-${cpus - 1}`));
    if (params.pin && !pinned) console.log('P7: could not bind the processes to CPUs (taskset); running unbound');
    unpin = () => pinToCpus(process.pid, `0-${cpus - 1}`);

    for (const s of setups) await fanout(s, params, params.fanoutWarmup, 'w');
    const rounds = new Map<P7Deployment, P7FanoutRound[]>(names.map((n) => [n, []]));
    let complete = true;
    for (let r = 0; r < params.fanoutRounds; r++) {
      if (Date.now() > deadline) {
        complete = false;
        break;
      }
      for (let k = 0; k < setups.length; k++) {
        const s = setups[(r + k) % setups.length]!;
        const round = await fanout(s, params, params.fanoutMessages, `r${r}-`);
        rounds.get(s.name)!.push(round);
        console.log(
          `P7 fan-out round ${r + 1} ${s.name.padEnd(7)} ${round.deliveriesPerSec.toLocaleString('en-US').padStart(9)} deliveries/s  ${(round.elapsedMs / 1000).toFixed(2)} s  ` +
            `server side ${round.serverSide.map((p) => `${p.name} ${cpu(p.cpus)}`).join(', ')} CPUs; receivers ${cpu(round.receiverCpus)}, sender ${cpu(round.parentCpus)}, machine ${cpu(round.machineCpus)} CPUs`,
        );
      }
    }
    if (rounds.get('two')!.length === 0) throw new Error('P7: deadline passed before the first fan-out round');
    const fanouts = Object.fromEntries(names.map((n) => [n, { median: medianRound(rounds.get(n)!), rounds: rounds.get(n)! }])) as P7Result['fanout'];

    const two = byName('two');
    const sent = params.fanoutWarmup + rounds.get('two')!.length * params.fanoutMessages;
    const perCpu = (f: P7Fanout) => (f.median.serverSideCpus ? f.median.deliveriesPerSec / f.median.serverSideCpus : null);
    const [perCpuTwo, perCpuOne] = [perCpu(fanouts.two), perCpu(fanouts.one)];
    return {
      params,
      latency,
      redisHop: hop,
      latencyCpu,
      latencySplit,
      fanout: fanouts,
      split: [params.members - Math.floor(params.members / 2), Math.floor(params.members / 2)],
      ratios: {
        throughput: ratio(fanouts.two.median.deliveriesPerSec, fanouts.one.median.deliveriesPerSec),
        p99DeltaUs: Math.round(latency.two.p99 - latency.one.p99),
        p50DeltaUs: Math.round(latency.two.p50 - latency.one.p50),
        perCpu: perCpuTwo === null || perCpuOne === null ? null : ratio(perCpuTwo, perCpuOne),
        ...(fanouts.default ? { sharedWriterToDefault: ratio(fanouts.one.median.deliveriesPerSec, fanouts.default.median.deliveriesPerSec) } : {}),
      },
      stored: { found: storedGroupMessages(two.seed) - 1, sent },
      pinned,
      complete,
      setupMs,
      durationMs: Math.round(performance.now() - started),
    };
  } finally {
    unpin();
    for (const close of live.closers) close();
    await Promise.all(live.nodes.map((n) => n.stop()));
    await redis?.kill();
    for (const dir of live.dataDirs) rmSync(dir, { recursive: true, force: true });
  }
}
