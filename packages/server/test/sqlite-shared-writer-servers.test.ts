import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dmConversationId, type AckFrame } from '@quickchat/protocol';
import { startTestServer, type TestServer } from './support/server.js';
import { Rest } from './support/rest.js';
import { RawClient } from './support/ws-client.js';
import { sendTo } from './support/messaging.js';

/**
 * `sqliteSharedWriter` reaches the store: two servers in one process on one data directory, the
 * way two nodes on one host share it. (Live delivery between them needs a shared bus, which is not
 * what this tests: what one stores, the other reads, finds and deduplicates.)
 */
describe('createServer({ sqliteSharedWriter }): two servers on one data directory', () => {
  const opened: { servers: TestServer[]; clients: RawClient[]; dir: string }[] = [];
  afterEach(async () => {
    for (const { servers, clients, dir } of opened.splice(0)) {
      await Promise.all(clients.map((c) => c.close()));
      for (const s of servers) await s.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a message stored through one is in the other one\'s history and search at once, and a resend through the other is the same message', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'quickchat-shared-servers-'));
    const a = await startTestServer({ dataDir, sqliteSharedWriter: true, dmPolicy: 'anyone' });
    const b = await startTestServer({ dataDir, sqliteSharedWriter: true, dmPolicy: 'anyone' });
    const run = { servers: [a, b], clients: [] as RawClient[], dir: dataDir };
    opened.push(run);
    const [restA, restB] = [new Rest(a.url), new Rest(b.url)];
    const alice = await restA.register('alice');
    const bob = await restB.register('bob');
    const dm = dmConversationId(alice.id, bob.id);

    const onA = await RawClient.connect(a.wsUrl, alice.token);
    const onB = await RawClient.connect(b.wsUrl, alice.token);
    run.clients.push(onA, onB);
    const first = (await sendTo(onA, dm, 'tangerine dream', 'c_1')) as AckFrame;
    expect(first).toMatchObject({ type: 'ack', seq: 1, duplicate: false });
    // The same clientMsgId, resent through the other node (a reconnect that landed elsewhere).
    expect(await sendTo(onB, dm, 'tangerine dream', 'c_1')).toMatchObject({ type: 'ack', seq: 1, messageId: first.messageId, duplicate: true });
    expect(await sendTo(onB, dm, 'second', 'c_2')).toMatchObject({ type: 'ack', seq: 2, duplicate: false });

    const history = await restB.call('GET', `/api/conversations/${encodeURIComponent(dm)}/messages?limit=10`, { token: bob.token });
    expect(history.body.messages.map((m: { seq: number; clientMsgId: string }) => [m.seq, m.clientMsgId])).toEqual([[1, 'c_1'], [2, 'c_2']]);
    const found = await restB.call('GET', `/api/search?${new URLSearchParams({ q: 'tangerine' })}`, { token: bob.token });
    expect(found.status).toBe(200);
    expect(found.body.items.map((h: { conversationId: string; seq: number }) => [h.conversationId, h.seq])).toEqual([[dm, 1]]);
  });
});
