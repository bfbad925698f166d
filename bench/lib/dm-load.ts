import type WebSocket from 'ws';
import { dmConversationId } from '@quickchat/protocol';
import { befriend, closeAll, connectUser, registerUsers } from './quickchat-client.js';
import type { RunningServer } from './servers.js';

/** Messages per second over a timed span. */
export interface Throughput {
  count: number;
  elapsedMs: number;
  perSec: number;
  /** False when the deadline stopped the run early (the figure is then over what finished). */
  complete: boolean;
}

/** One connected user of the load: sends into its DM and counts acks. */
interface LoadUser {
  ws: WebSocket;
  conversationId: string;
  onAck: (() => void) | null;
}

/** `2 * pairs` registered, befriended, connected users; user 2k and 2k+1 share a DM. */
export interface DmLoad {
  users: LoadUser[];
  /** The first error frame or unexpected close seen, if any. */
  readonly failure: string | null;
  close(): void;
}

export async function setupDmLoad(server: RunningServer, pairs: number): Promise<DmLoad> {
  const accounts = await registerUsers(server.url, pairs * 2, 'p4');
  for (let p = 0; p < pairs; p++) await befriend(server.url, accounts[2 * p]!, accounts[2 * p + 1]!);
  const users: LoadUser[] = [];
  let failure: string | null = null;
  try {
    for (let i = 0; i < accounts.length; i++) {
      const me = accounts[i]!;
      const peer = accounts[i ^ 1]!;
      const ws = await connectUser(server.wsUrl, me);
      const user: LoadUser = { ws, conversationId: dmConversationId(me.id, peer.id), onAck: null };
      ws.on('message', (data: Buffer) => {
        const head = data.toString('latin1', 0, 16);
        if (head.startsWith('{"type":"ack"')) user.onAck?.();
        else if (head.startsWith('{"type":"error"')) failure ??= data.toString();
      });
      ws.on('close', (code) => (failure ??= `socket closed (${code})`));
      users.push(user);
    }
  } catch (err) {
    closeAll(users.map((u) => u.ws));
    throw err;
  }
  return {
    users,
    get failure() {
      return failure;
    },
    close() {
      for (const u of users) u.ws.removeAllListeners('close');
      closeAll(users.map((u) => u.ws));
    },
  };
}

/**
 * Every user sends `perUser` messages of `text` into its DM, keeping at most `window` unacked.
 * Resolves when all are acked, or at `deadline` (epoch ms) with what was acked by then.
 */
export function driveDmLoad(load: DmLoad, opts: { perUser: number; window: number; text: string; tag: string; deadline: number }): Promise<Throughput> {
  const total = load.users.length * opts.perUser;
  const tail = `","content":{"type":"text","text":${JSON.stringify(opts.text)}}}`;
  return new Promise((resolve, reject) => {
    let acked = 0;
    const t0 = performance.now();
    const done = (complete: boolean) => {
      clearInterval(watch);
      for (const u of load.users) u.onAck = null;
      const elapsedMs = performance.now() - t0;
      resolve({ count: acked, elapsedMs: Math.round(elapsedMs), perSec: Math.round((acked / elapsedMs) * 1000), complete });
    };
    const watch = setInterval(() => {
      if (load.failure) {
        clearInterval(watch);
        reject(new Error(`P4 load failed: ${load.failure}`));
      } else if (Date.now() > opts.deadline) {
        done(false);
      }
    }, 100);
    for (const [index, user] of load.users.entries()) {
      const head = `{"type":"send","conversationId":${JSON.stringify(user.conversationId)},"clientMsgId":"${opts.tag}${index}x`;
      let sent = 0;
      let mine = 0;
      const pump = () => {
        while (sent < opts.perUser && sent - mine < opts.window) user.ws.send(head + sent++ + tail);
      };
      user.onAck = () => {
        mine++;
        if (++acked === total) return done(true);
        pump();
      };
      pump();
    }
  });
}
