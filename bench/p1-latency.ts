// P1: 1:1 delivery latency. One sender, one receiver, one message at a time: send, wait until
// the receiver has it, record, next. quickchat publishes `message` only after the SQLite commit,
// so its figure includes persistence. Rounds alternate relay/quickchat to spread machine noise.
import type WebSocket from 'ws';
import { dmConversationId } from '@quickchat/protocol';
import { Arrivals } from './lib/arrivals.js';
import { befriend, closeAll, connectUser, openSocket, registerUsers } from './lib/quickchat-client.js';
import { startQuickchat, startRelay } from './lib/servers.js';
import { checkDeadline, latencyStats, payloadText, type LatencyStats } from './lib/stats.js';

export interface P1Params {
  messages: number;
  warmup: number;
  payloadBytes: number;
  rounds: number;
  deadlineMs: number;
}

export interface P1Result {
  params: P1Params;
  quickchat: LatencyStats;
  relay: LatencyStats;
  ratios: { p50: number; p99: number; mean: number };
  durationMs: number;
}

/** A connected sender/receiver pair: `send(id)` sends one message, `arrivals` sees it land. */
export interface Pair {
  send(id: string): void;
  arrivals: Arrivals;
  sockets: WebSocket[];
}

let nextId = 0;

export async function timeLoop(pair: Pair, count: number, deadline: number, label: string): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < count; i++) {
    if ((i & 127) === 0) checkDeadline(deadline, label);
    const id = `c${nextId++}`;
    const t0 = performance.now();
    const arrived = pair.arrivals.wait(id);
    pair.send(id);
    await arrived;
    samples.push(performance.now() - t0);
  }
  return samples;
}

function failOnError(ws: WebSocket, arrivals: Arrivals, label: string): void {
  ws.on('message', (data: Buffer) => {
    if (data.toString('latin1', 0, 16).startsWith('{"type":"error"')) arrivals.fail(new Error(`${label}: ${data.toString()}`));
  });
  ws.on('close', (code) => arrivals.fail(new Error(`${label}: socket closed (${code})`)));
}

export async function quickchatPair(url: string, wsUrl: string, text: string): Promise<Pair> {
  const [a, b] = (await registerUsers(url, 2, 'p1')) as [{ id: string; token: string }, { id: string; token: string }];
  await befriend(url, a, b);
  const sender = await connectUser(wsUrl, a);
  const receiver = await connectUser(wsUrl, b);
  const arrivals = new Arrivals('quickchat P1');
  failOnError(sender, arrivals, 'quickchat sender');
  failOnError(receiver, arrivals, 'quickchat receiver');
  receiver.on('message', (data: Buffer) => {
    const frame = JSON.parse(data.toString()) as { type: string; message?: { clientMsgId: string } };
    if (frame.type === 'message') arrivals.arrived(frame.message?.clientMsgId);
  });
  const head = `{"type":"send","conversationId":${JSON.stringify(dmConversationId(a.id, b.id))},"clientMsgId":"`;
  const tail = `","content":{"type":"text","text":${JSON.stringify(text)}}}`;
  return { send: (id) => sender.send(head + id + tail), arrivals, sockets: [sender, receiver] };
}

async function relayPair(wsUrl: string, text: string): Promise<Pair> {
  const sender = await openSocket(`${wsUrl}/?id=s`);
  const receiver = await openSocket(`${wsUrl}/?id=r`);
  const arrivals = new Arrivals('relay P1');
  receiver.on('message', (data: Buffer) => arrivals.arrived((JSON.parse(data.toString()) as { clientMsgId?: string }).clientMsgId));
  receiver.on('close', (code) => arrivals.fail(new Error(`relay receiver closed (${code})`)));
  const head = '{"to":"r","type":"send","clientMsgId":"';
  const tail = `","content":{"type":"text","text":${JSON.stringify(text)}}}`;
  return { send: (id) => sender.send(head + id + tail), arrivals, sockets: [sender, receiver] };
}

export async function runP1(params: P1Params): Promise<P1Result> {
  const started = performance.now();
  const deadline = Date.now() + params.deadlineMs;
  const text = payloadText(params.payloadBytes);
  const [qc, relay] = await Promise.all([startQuickchat(), startRelay()]);
  const pairs: Pair[] = [];
  try {
    const ours = await quickchatPair(qc.url, qc.wsUrl, text);
    pairs.push(ours);
    const base = await relayPair(relay.wsUrl, text);
    pairs.push(base);
    await timeLoop(base, params.warmup, deadline, 'P1 relay warm-up');
    await timeLoop(ours, params.warmup, deadline, 'P1 quickchat warm-up');
    const relaySamples: number[] = [];
    const ourSamples: number[] = [];
    const perRound = Math.ceil(params.messages / params.rounds);
    for (let r = 0; r < params.rounds; r++) {
      relaySamples.push(...(await timeLoop(base, perRound, deadline, 'P1 relay')));
      ourSamples.push(...(await timeLoop(ours, perRound, deadline, 'P1 quickchat')));
    }
    const quickchat = latencyStats(ourSamples);
    const relayStats = latencyStats(relaySamples);
    const ratio = (a: number, b: number) => Math.round((a / b) * 100) / 100;
    return {
      params,
      quickchat,
      relay: relayStats,
      ratios: { p50: ratio(quickchat.p50, relayStats.p50), p99: ratio(quickchat.p99, relayStats.p99), mean: ratio(quickchat.mean, relayStats.mean) },
      durationMs: Math.round(performance.now() - started),
    };
  } finally {
    for (const pair of pairs) {
      pair.arrivals.dispose();
      closeAll(pair.sockets);
    }
    await Promise.all([qc.stop(), relay.stop()]);
  }
}
