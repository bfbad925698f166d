import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createServer, type QuickchatServer } from '../src/app.js';
import { LocalBus } from '../src/bus/local.js';
import type { Bus, Subscription } from '../src/bus/types.js';
import type { BusMessage } from '../src/bus/messages.js';
import type { Topic } from '../src/bus/topics.js';
import { Rest, type TestUser } from './support/rest.js';
import { RawClient } from './support/ws-client.js';
import { receivedMessages, sendTo } from './support/messaging.js';

/**
 * Node A's side of a network bus whose ordinary publishes can be held back, as a busy node's
 * publishes reach Redis late: what A publishes while held waits, and goes out in order on
 * `release()`. A confirmed publish is never held: the bus confirms it before A goes on.
 */
class SlowPublisher implements Bus {
  private held: (() => void)[] | null = null;
  constructor(private readonly net: LocalBus) {}

  hold(): void {
    this.held = [];
  }
  release(): void {
    const held = this.held ?? [];
    this.held = null;
    for (const publish of held) publish();
  }
  publish<M extends BusMessage>(topic: Topic<M>, message: M): void {
    if (this.held) this.held.push(() => this.net.publish(topic, message));
    else this.net.publish(topic, message);
  }
  publishConfirmed<M extends BusMessage>(topic: Topic<M>, message: M): Promise<void> {
    return this.net.publishConfirmed(topic, message);
  }
  subscribe<M extends BusMessage>(topic: Topic<M>, handler: (message: M) => void): Subscription {
    return this.net.subscribe(topic, handler);
  }
  onResume(listener: () => void): () => void {
    return this.net.onResume(listener);
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
}

/**
 * A member removed on one node never receives, on another node, a message committed after their
 * removal, even when the removing node's announcements reach the network late (decision 0012):
 * two server nodes in one process, on one SQLite file (shared-writer mode) and one network-like bus.
 */
describe('a group removal on one node and a message just after it on another', () => {
  const cleanup: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });

  it('the removed member gets their removal notice and nothing committed after it; the others get everything', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'quickchat-two-nodes-'));
    cleanup.push(() => rmSync(dataDir, { recursive: true, force: true }));
    const net = new LocalBus({ delivery: 'deferred', serialize: true });
    const slowA = new SlowPublisher(net);
    const start = async (bus: Bus): Promise<QuickchatServer> => {
      const server = createServer({ port: 0, dataDir, bus, sqliteSharedWriter: true, logLevel: 'silent', allowNoOrigin: true, limits: { authAttemptsPerMinute: 1000 } });
      await server.start();
      cleanup.push(() => server.stop());
      return server;
    };
    const nodeA = await start(slowA);
    const nodeB = await start(net);
    const restA = new Rest(nodeA.url);
    const alice: TestUser = await restA.register('alice');
    const bob: TestUser = await restA.register('bob');
    const carol: TestUser = await restA.register('carol');
    await restA.befriend(alice, bob);
    await restA.befriend(alice, carol);
    const created = await restA.call<{ group: { id: string } }>('POST', '/api/groups', { token: alice.token, body: { name: 'Race', members: [bob.id, carol.id] } });
    expect(created.status).toBe(201);
    const G = created.body.group.id;
    // bob and carol are on node B; alice removes carol through node A.
    const b = await RawClient.connect(`${nodeB.url.replace('http', 'ws')}/ws`, bob.token);
    const c = await RawClient.connect(`${nodeB.url.replace('http', 'ws')}/ws`, carol.token);
    cleanup.push(() => b.close(), () => c.close());
    expect(await sendTo(b, G, 'before')).toMatchObject({ type: 'ack' });
    await c.waitForCount((f) => f.type === 'message' && f.message.conversationId === G, 1);

    slowA.hold(); // node A commits the removal, but its announcements reach the network late
    const removed = await restA.call('DELETE', `/api/groups/${encodeURIComponent(G)}/members/${carol.id}`, { token: alice.token });
    expect(removed.status).toBe(204);
    const after = await sendTo(b, G, 'after the removal'); // committed on node B after the removal
    expect(after).toMatchObject({ type: 'ack' });
    slowA.release();

    // carol hears of her removal (its notice, then her user event), and the later message never reaches her.
    await c.waitForCount((f) => f.type === 'event' && f.event.kind === 'group' && f.event.change === 'removed', 1);
    await c.roundTrip();
    const carolSees = receivedMessages(c, G).map((m) => (m.content.type === 'text' ? m.content.text : m.content.type));
    expect(carolSees).toEqual(['before', 'system']);
    expect(receivedMessages(c, G).at(-1)!.seq).toBeLessThan((after as { seq: number }).seq);
    // bob, still a member, gets all of it (his client orders by seq: the late notice sorts before his message).
    await b.waitForCount((f) => f.type === 'message' && f.message.conversationId === G && f.message.content.type === 'system', 1);
    const bobSees = receivedMessages(b, G).sort((x, y) => x.seq - y.seq).map((m) => (m.content.type === 'text' ? m.content.text : m.content.type));
    expect(bobSees).toEqual(['before', 'system', 'after the removal']);
  });
});
