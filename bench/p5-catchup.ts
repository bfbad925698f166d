// P5: catch-up after reconnect. A receiver using the real SDK goes offline, misses N messages
// (1000 by default), then reconnects; we time from `connect()` until the SDK has surfaced all
// N, in seq order (sync reply + REST backfill of the `limited` conversation). Goal: < 0.3 s.
import WebSocket from 'ws';
import { dmConversationId } from '@quickchat/protocol';
import { createClient, type ChatClient, type WebSocketConstructor } from '@quickchat/sdk';
import { befriend, closeAll, connectUser, registerUsers } from './lib/quickchat-client.js';
import { startQuickchat } from './lib/servers.js';
import { checkDeadline, latencyStats, payloadText, type LatencyStats } from './lib/stats.js';

export interface P5Params {
  missed: number;
  rounds: number;
  payloadBytes: number;
  deadlineMs: number;
}

export interface P5Result {
  params: P5Params;
  /** Milliseconds from connect() to the last missed message surfaced, per round. */
  catchUp: LatencyStats;
  /** Messages fetched over REST (beyond the sync reply) in the last round. */
  backfilled: number;
  durationMs: number;
}

function waitFor(client: ChatClient, event: 'synced' | 'connected'): Promise<void> {
  return new Promise((resolve) => {
    if (event === 'connected' && client.connectionState === 'connected') return resolve();
    const off =
      event === 'synced'
        ? client.on('synced', () => (off(), resolve()))
        : client.on('connectionStateChanged', ({ newState }) => newState === 'connected' && (off(), resolve()));
  });
}

export async function runP5(params: P5Params): Promise<P5Result> {
  const started = performance.now();
  const deadline = Date.now() + params.deadlineMs;
  const server = await startQuickchat();
  const sockets: WebSocket[] = [];
  let receiver: ChatClient | null = null;
  try {
    const [a, b] = (await registerUsers(server.url, 2, 'p5')) as [{ id: string; token: string }, { id: string; token: string }];
    await befriend(server.url, a, b);
    const sender = await connectUser(server.wsUrl, a);
    sockets.push(sender);
    const conv = dmConversationId(a.id, b.id);
    const text = JSON.stringify(payloadText(params.payloadBytes));
    receiver = createClient({ url: server.url, auth: { token: b.token }, WebSocket: WebSocket as unknown as WebSocketConstructor });
    await waitFor(receiver, 'synced');
    const client = receiver;
    const samples: number[] = [];
    let backfilled = 0;
    let sent = 0;
    for (let round = 0; round < params.rounds; round++) {
      checkDeadline(deadline, 'P5');
      client.disconnect();
      // The sender sends N messages while the receiver is away; wait for every ack.
      await new Promise<void>((resolve, reject) => {
        let acked = 0;
        const onFrame = (data: Buffer) => {
          const s = data.toString('latin1', 0, 16);
          if (s.startsWith('{"type":"ack"') && ++acked === params.missed) {
            sender.off('message', onFrame);
            resolve();
          } else if (s.startsWith('{"type":"error"')) reject(new Error(`P5 sender: ${data.toString()}`));
        };
        sender.on('message', onFrame);
        for (let i = 0; i < params.missed; i++) {
          sender.send(`{"type":"send","conversationId":${JSON.stringify(conv)},"clientMsgId":"p5-${sent++}","content":{"type":"text","text":${text}}}`);
        }
      });
      const target = params.missed;
      let surfaced = 0;
      let lastSeq = client.messages.getState()[conv]?.items.at(-1)?.seq ?? 0;
      const t0 = performance.now();
      const done = new Promise<void>((resolve, reject) => {
        const off = client.on('message', ({ message }) => {
          if (message.seq !== lastSeq + 1) reject(new Error(`P5: seq ${message.seq} surfaced after ${lastSeq}`));
          lastSeq = message.seq ?? lastSeq;
          if (++surfaced === target) (off(), resolve());
        });
      });
      const synced = new Promise<number>((resolve) => {
        const off = client.on('synced', ({ backfilled: n }) => (off(), resolve(n)));
      });
      client.connect();
      await done;
      samples.push(performance.now() - t0);
      backfilled = await synced;
    }
    return { params, catchUp: latencyStats(samples), backfilled, durationMs: performance.now() - started };
  } finally {
    receiver?.close();
    closeAll(sockets);
    await server.stop();
  }
}
