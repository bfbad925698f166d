import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomInt } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { dmConversationId, type AckFrame, type HistoryResponse, type Message, type SyncedFrame } from '@quickchat/protocol';
import { ChildServer, findFreePort } from './support/child-server.js';
import { seededRandom } from './support/seeded-random.js';
import { OutboxClient, connectWithRetry, type ShownMessage } from './support/outbox-client.js';
import { Rest, type TestUser } from './support/rest.js';

/**
 * Durability under crashes: the real server CLI runs as a child process and is killed with
 * SIGKILL at random moments while clients send, then restarted on the same data directory.
 * Set QUICKCHAT_CHAOS_SEED to replay a run's kill timings.
 */
const SEED = process.env['QUICKCHAT_CHAOS_SEED'] ? Number(process.env['QUICKCHAT_CHAOS_SEED']) : randomInt(2 ** 31);
const CYCLES = 20;
const MAX_KILL_DELAY_MS = 250;

interface Row {
  conversation_id: string;
  seq: number;
  id: string;
  sender_id: string;
  client_msg_id: string;
  content: string;
}

const servers: ChildServer[] = [];
const dataDirs: string[] = [];
const devices: OutboxClient[] = [];

async function launch(): Promise<ChildServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'quickchat-restart-'));
  dataDirs.push(dataDir);
  const server = new ChildServer(await findFreePort(), dataDir);
  servers.push(server);
  await server.start();
  return server;
}

afterAll(async () => {
  await Promise.all(servers.map((s) => s.kill()));
  await Promise.allSettled(devices.map((d) => d.close()));
  for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
});

/** Reads the database file directly, through a separate read-only connection. */
function query<T>(file: string, sql: string): T[] {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare(sql).all() as T[];
  } finally {
    db.close();
  }
}

/** Waits for a condition's promise, failing the test instead of hanging. */
async function bounded(promise: Promise<void>, timeoutMs: number, what: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), timeoutMs)));
  try {
    await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** A stored message's text as a device shows it: the text, or a system notice as its JSON. */
const textOf = (content: string): string => {
  const parsed = JSON.parse(content) as { type: string; text?: string };
  return parsed.type === 'text' ? parsed.text! : JSON.stringify(parsed);
};
const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i + 1);

/** Acknowledged messages that are not stored exactly as acknowledged (same sender, clientMsgId, conversation, id, seq, text). */
function missingAcks(file: string, all: readonly OutboxClient[]): string[] {
  const rows = query<Row>(file, 'SELECT conversation_id, seq, id, sender_id, client_msg_id, content FROM messages');
  const stored = new Map(rows.map((r) => [`${r.sender_id}/${r.client_msg_id}`, r]));
  const missing: string[] = [];
  for (const d of all) {
    for (const ack of d.acks.values()) {
      const row = stored.get(`${d.user.id}/${ack.clientMsgId}`);
      if (!row) missing.push(`${ack.clientMsgId}: acked as seq ${ack.seq}, not stored`);
      else if (row.seq !== ack.seq || row.id !== ack.messageId || row.conversation_id !== ack.conversationId || textOf(row.content) !== ack.text) {
        missing.push(`${ack.clientMsgId}: acked as ${ack.conversationId}#${ack.seq} (${ack.messageId}), stored as ${row.conversation_id}#${row.seq} (${row.id})`);
      }
    }
  }
  return missing;
}

describe('restart durability: SIGKILL of the server process', () => {
  it(
    `every acknowledged message survives ${CYCLES} SIGKILL restarts exactly once, gap-free, and every device shows the same history`,
    async () => {
      console.log(`restart-durability: seed ${SEED} (replay with QUICKCHAT_CHAOS_SEED=${SEED})`);
      const killRandom = seededRandom(SEED);
      const server = await launch();
      const rest = new Rest(server.url);
      const alice = await rest.register('alice');
      const bob = await rest.register('bob');
      const carol = await rest.register('carol');
      await rest.befriend(alice, bob);
      await rest.befriend(alice, carol);
      await rest.befriend(bob, carol);
      const ab = dmConversationId(alice.id, bob.id);
      const ac = dmConversationId(alice.id, carol.id);
      const bc = dmConversationId(bob.id, carol.id);
      // A group of all three: group traffic must meet the same bar (its seq 1 is the `created` notice).
      const created = await rest.call<{ group: { id: string } }>('POST', '/api/groups', { token: alice.token, body: { name: 'Crash club', members: [bob.id, carol.id] } });
      expect(created.status).toBe(201);
      const g = created.body.group.id;
      const conversations = [ab, ac, bc, g];

      // Frames per connection stay under the default burst (40): auth + sync + 30 sends.
      const options = { window: 4, sendsPerConnection: 30 };
      const device = (name: string, user: TestUser, convs: string[]) => {
        const d = new OutboxClient(name, user, convs, seededRandom(SEED + devices.length + 1), options);
        devices.push(d);
        return d;
      };
      const all = [device('alice-phone', alice, [ab, ac, g]), device('alice-laptop', alice, [ab, ac, g]), device('bob', bob, [ab, bc, g]), device('carol', carol, [ac, bc, g])];
      for (const d of all) d.generating = true;

      let killsWithUnacked = 0;
      let killsAfterAcks = 0;
      let unackedAtKills = 0;
      for (let cycle = 1; cycle <= CYCLES; cycle++) {
        // One device also loses its network (socket destroyed, no close frame) after a random number of acks.
        const victim = all[Math.floor(killRandom() * all.length)]!;
        victim.dropAfterAcks = 1 + Math.floor(killRandom() * 10);
        // The crash comes after a random delay, or (every other cycle on average) right after a
        // random k-th ack of the cycle, which lands it in the middle of traffic on any machine.
        const killDelay = Math.floor(killRandom() * MAX_KILL_DELAY_MS);
        const killAfterAcks = killRandom() < 0.5 ? 1 + Math.floor(killRandom() * 60) : 0;
        let acksThisCycle = 0;
        const reachedAcks = new Promise<void>((resolve) => {
          for (const d of all) d.onAnyAck = () => ++acksThisCycle === killAfterAcks && resolve();
        });
        await Promise.all(all.map((d) => d.ensureConnected(server.wsUrl)));
        if (killAfterAcks > 0) {
          killsAfterAcks++;
          await bounded(reachedAcks, 20_000, `${killAfterAcks} acks in cycle ${cycle}`);
        } else {
          await delay(killDelay); // the random moment of the crash: the one deliberate timer
        }
        await server.kill();
        for (const d of all) d.onAnyAck = null;
        await Promise.all(all.map((d) => d.waitDisconnected()));
        victim.dropAfterAcks = 0;
        const unacked = all.reduce((n, d) => n + d.outbox.size, 0);
        unackedAtKills += unacked;
        if (unacked > 0) killsWithUnacked++;
        await server.start();
        // Nothing acknowledged before the kill was lost by it.
        expect(missingAcks(server.dbFile, all), `after kill ${cycle}`).toEqual([]);
      }

      // Stop creating messages; every outbox drains on the restarted server.
      for (const d of all) d.generating = false;
      await Promise.all(all.map((d) => d.ensureConnected(server.wsUrl)));
      await Promise.all(all.map((d) => d.waitOutboxEmpty()));
      await Promise.all(all.map((d) => d.close()));
      // Every device catches up from seq 0 on a fresh socket (sync + REST backfill while limited).
      await Promise.all(all.map((d) => d.finalSync(server.wsUrl, rest)));

      const rows = query<Row>(server.dbFile, 'SELECT conversation_id, seq, id, sender_id, client_msg_id, content FROM messages ORDER BY conversation_id, seq');
      const createdByDevices = all.reduce((n, d) => n + d.created.size, 0);
      const acked = all.reduce((n, d) => n + d.acks.size, 0);
      const fromDevices = rows.filter((r) => !r.client_msg_id.startsWith('sys_'));
      const stats = {
        seed: SEED,
        cycles: CYCLES,
        serverStarts: server.starts,
        conversations: conversations.length,
        messagesCreated: createdByDevices,
        sendFrames: all.reduce((n, d) => n + d.sendFrames, 0),
        messagesAcked: acked,
        duplicateAcks: all.reduce((n, d) => n + d.duplicateAcks, 0),
        killsAfterAcks,
        killsWithUnackedMessages: killsWithUnacked,
        unackedAtKills,
        socketDrops: all.reduce((n, d) => n + d.drops, 0),
        storedMessages: rows.length,
      };
      console.log(`restart-durability: ${JSON.stringify(stats)}`);

      expect(all.flatMap((d) => d.problems)).toEqual([]);
      expect(all.flatMap((d) => d.errors)).toEqual([]);
      // Every created message was eventually acknowledged, and nothing else was stored.
      expect(acked).toBe(createdByDevices);
      expect(fromDevices.length).toBe(acked);
      expect(rows.length - fromDevices.length).toBe(1); // the group's `created` notice
      // 1 + 4. Each acknowledged clientMsgId is stored exactly once, with the acknowledged seq.
      expect(query(server.dbFile, 'SELECT sender_id, client_msg_id, COUNT(*) AS n FROM messages GROUP BY sender_id, client_msg_id HAVING n <> 1')).toEqual([]);
      expect(missingAcks(server.dbFile, all)).toEqual([]);
      // 2. seq is 1..N without gaps in every conversation, and the conversation's lastSeq is N.
      const lastSeq = new Map(query<{ id: string; last_seq: number }>(server.dbFile, 'SELECT conversation_id AS id, MAX(seq) AS last_seq FROM messages GROUP BY conversation_id').map((c) => [c.id, c.last_seq]));
      for (const conv of conversations) {
        const seqs = rows.filter((r) => r.conversation_id === conv).map((r) => r.seq);
        expect(seqs.length, conv).toBeGreaterThan(0);
        expect(seqs, conv).toEqual(range(seqs.length));
        expect(lastSeq.get(conv), conv).toBe(seqs.length);
      }
      // 3. Every device of every member shows exactly the stored list, in seq order.
      for (const d of all) {
        for (const conv of d.conversations) {
          const stored: ShownMessage[] = rows
            .filter((r) => r.conversation_id === conv)
            .map((r) => ({ id: r.id, seq: r.seq, senderId: r.sender_id, clientMsgId: r.client_msg_id, text: textOf(r.content) }));
          expect(d.list(conv), `${d.name} in ${conv}`).toEqual(stored);
        }
      }
      // The run really crashed the server with messages in flight.
      expect(killsWithUnacked).toBeGreaterThan(0);
      expect(server.starts).toBe(CYCLES + 1);
    },
    120_000,
  );

  it(
    'a user who was offline during several SIGKILL restarts receives every message on reconnect, in order',
    async () => {
      const server = await launch();
      const rest = new Rest(server.url);
      const yara = await rest.register('yara');
      const xavi = await rest.register('xavi');
      const zoe = await rest.register('zoe');
      await rest.befriend(xavi, yara);
      await rest.befriend(zoe, yara);
      const xy = dmConversationId(xavi.id, yara.id);
      const zy = dmConversationId(zoe.id, yara.id);

      // Yara is online once (cursors at 0), then goes offline.
      const first = (await connectWithRetry(server.wsUrl, yara.token)).client;
      first.send({ type: 'sync', id: 'first', eventsAfter: 0 });
      const { eventsCursor } = await first.next<SyncedFrame>((f) => f.type === 'synced' && f.id === 'first');
      await first.close();

      // 3 × 36 > 100, so her catch-up of xy is `limited` and needs REST backfill.
      const plan: [TestUser, string, number][] = [
        [xavi, xy, 36],
        [zoe, zy, 5],
      ];
      const expected = new Map<string, { seq: number; text: string }[]>([
        [xy, []],
        [zy, []],
      ]);
      const RESTARTS = 3;
      for (let round = 1; round <= RESTARTS; round++) {
        for (const [sender, conv, count] of plan) {
          const { client } = await connectWithRetry(server.wsUrl, sender.token);
          const texts = range(count).map((i) => `round ${round} message ${i} from ${sender.handle}`);
          texts.forEach((text, i) => client.send({ type: 'send', id: i, conversationId: conv, clientMsgId: `r${round}-${i}`, content: { type: 'text', text } }));
          const acks = (await client.waitForCount((f) => f.type === 'ack', count)) as AckFrame[];
          expect(acks.map((a) => a.duplicate)).toEqual(texts.map(() => false));
          for (const ack of acks) expected.get(conv)!.push({ seq: ack.seq, text: texts[Number(ack.id)]! });
          // The socket stays open: the kill cuts it.
        }
        await server.kill();
        await server.start();
      }
      expect(server.starts).toBe(RESTARTS + 1);

      const { client } = await connectWithRetry(server.wsUrl, yara.token);
      client.send({ type: 'sync', id: 'back', cursors: { [xy]: 0, [zy]: 0 }, eventsAfter: eventsCursor });
      const synced = await client.next<SyncedFrame>((f) => f.type === 'synced' && f.id === 'back');
      await client.close();
      const limited: Record<string, boolean> = {};
      for (const conv of [xy, zy]) {
        const summary = synced.conversations.find((c) => c.conversationId === conv);
        expect(summary, conv).toBeDefined();
        limited[conv] = summary!.limited;
        const received: Message[] = [...summary!.messages];
        let more = summary!.limited;
        for (let page = 0; more && page < 10; page++) {
          const after = received.at(-1)?.seq ?? 0;
          const res = await rest.call<HistoryResponse>('GET', `/api/conversations/${conv}/messages?after=${after}&limit=100`, { token: yara.token });
          expect(res.status).toBe(200);
          received.push(...res.body.messages);
          more = res.body.hasMore;
        }
        const want = expected.get(conv)!;
        expect(want.map((m) => m.seq), conv).toEqual(range(want.length));
        expect(
          received.map((m) => ({ seq: m.seq, text: m.content.type === 'text' ? m.content.text : '' })),
          conv,
        ).toEqual(want);
        expect(summary!.lastSeq).toBe(want.length);
      }
      expect(limited).toEqual({ [xy]: true, [zy]: false });
    },
    60_000,
  );
});
