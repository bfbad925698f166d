import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CloseCode, dmConversationId, type MessageFrame, type ServerFrame } from '@quickchat/protocol';
import { LocalBus } from '../src/bus/local.js';
import type { Bus, Subscription } from '../src/bus/types.js';
import type { BusMessage } from '../src/bus/messages.js';
import type { Topic } from '../src/bus/topics.js';
import { ChatFixture, messageIn, receivedMessages, sendBurst, textFrame } from './support/messaging.js';
import { GroupsHarness } from './support/groups.js';
import { RawClient } from './support/ws-client.js';

// The server on a bus that behaves like a network one: deliveries happen on a later turn,
// every message round-trips through the codec, and a subscription is live only once ready.
// Whatever relied on synchronous in-process delivery would fail here.

describe('the server on a deferred, serializing bus', () => {
  let f: GroupsHarness;
  beforeEach(async () => {
    f = await GroupsHarness.start({ bus: new LocalBus({ delivery: 'deferred', serialize: true }) });
  });
  afterEach(() => f.close());

  it('delivers a DM to every device, and the ack only to the sending socket, after its own copy', async () => {
    const { alice, bob } = await f.users(['alice', 'bob'], [['alice', 'bob']]);
    const dm = dmConversationId(alice.id, bob.id);
    const phone = await f.connect(alice);
    const laptop = await f.connect(alice);
    const b = await f.connect(bob);

    phone.send(textFrame(dm, 'c1', 'hello over the bus', 1));
    const ack = await phone.next((fr) => fr.type === 'ack');
    const kinds = phone.frames.filter((fr) => fr.type === 'message' || fr.type === 'ack').map((fr) => fr.type);
    expect(kinds).toEqual(['message', 'ack']); // its own copy first, then the ack
    expect((await b.next<MessageFrame>(messageIn(dm))).message).toMatchObject({ seq: 1, senderId: alice.id, content: { text: 'hello over the bus' } });
    expect((await laptop.next<MessageFrame>(messageIn(dm))).message.seq).toBe(1);
    // The ack was addressed to the phone's session: the laptop never gets it.
    await laptop.roundTrip();
    expect(laptop.frames.some((fr) => fr.type === 'ack')).toBe(false);
    expect(ack).toMatchObject({ type: 'ack', id: 1, clientMsgId: 'c1', seq: 1, duplicate: false });
  });

  it('relays typing and receipts, and a block refuses the next DM', async () => {
    const { alice, bob } = await f.users(['alice', 'bob'], [['alice', 'bob']]);
    const dm = dmConversationId(alice.id, bob.id);
    const a = await f.connect(alice);
    const b = await f.connect(bob);
    a.send({ type: 'typing', conversationId: dm, active: true });
    expect(await b.next((fr) => fr.type === 'typing')).toMatchObject({ userId: alice.id, active: true });
    a.send(textFrame(dm, 'c1', 'hi'));
    await b.next(messageIn(dm));
    b.send({ type: 'receipt', conversationId: dm, read: 1 });
    expect(await a.next((fr) => fr.type === 'receipt')).toMatchObject({ userId: bob.id, read: 1, delivered: 1 });

    expect((await f.rest.call('PUT', `/api/blocks/${alice.id}`, { token: bob.token })).status).toBe(204);
    a.send(textFrame(dm, 'c2', 'after the block', 'late'));
    expect(await a.next((fr) => fr.type === 'error' && fr.id === 'late')).toMatchObject({ code: 'not_found' });
  });

  it('delivers group messages to every member’s devices once, stops a removed member at once, and reaches a joiner', async () => {
    const g = f;
    const { alice, bob, carol, dave } = await f.users(['alice', 'bob', 'carol', 'dave'], [['alice', 'bob'], ['alice', 'carol'], ['alice', 'dave']]);
    const id = await g.createGroup(alice, { members: [bob.id, carol.id] });
    const [a, b1, b2, c] = [await f.connect(alice), await f.connect(bob), await f.connect(bob), await f.connect(carol)];
    a.send(textFrame(id, 'g1', 'hello group', 1));
    await a.next((fr) => fr.type === 'ack');
    expect(a.frames.filter((fr) => fr.type === 'message' || fr.type === 'ack').map((fr) => fr.type)).toEqual(['message', 'ack']);
    for (const s of [b1, b2, c]) expect((await s.next<MessageFrame>(messageIn(id))).message).toMatchObject({ seq: 2, content: { text: 'hello group' } });

    expect((await g.remove(alice, id, bob.id)).status).toBe(204);
    await sendBurst(a, id, 'after', 3);
    await c.waitForCount(messageIn(id), 5); // the removal notice and three messages
    await b1.roundTrip();
    await b2.roundTrip();
    for (const s of [b1, b2]) expect(receivedMessages(s, id).map((m) => m.seq)).toEqual([2, 3]); // up to their removal

    expect((await g.add(alice, id, [dave.id])).body.added).toEqual([dave.id]);
    const d = await f.connect(dave);
    await sendBurst(a, id, 'welcome', 1);
    expect((await d.next<MessageFrame>((fr) => messageIn(id)(fr) && fr.message.content.type === 'text')).message.seq).toBe(8);
  });

  it('logout closes that sign-in’s sockets through the bus', async () => {
    const { alice } = await f.users(['alice']);
    const a = await f.connect(alice);
    expect((await f.rest.call('POST', '/api/auth/logout', { body: { refreshToken: alice.refreshToken } })).status).toBe(204);
    expect((await a.closed).code).toBe(CloseCode.AuthExpired);
  });
});

/** A LocalBus whose subscriptions to topics named with `prefix` become ready only when the test says so. */
class GatedBus implements Bus {
  private readonly inner = new LocalBus();
  private open: () => void = () => {};
  private readonly gate = new Promise<void>((resolve) => (this.open = resolve));
  /** Resolves when a user subscription was requested. */
  readonly subscribed: Promise<void>;
  private markSubscribed: () => void = () => {};

  constructor(private readonly prefix = 'u:') {
    this.subscribed = new Promise((resolve) => (this.markSubscribed = resolve));
  }

  publish<M extends BusMessage>(topic: Topic<M>, message: M): void {
    this.inner.publish(topic, message);
  }

  publishConfirmed<M extends BusMessage>(topic: Topic<M>, message: M): Promise<void> {
    return this.inner.publishConfirmed(topic, message);
  }

  subscribe<M extends BusMessage>(topic: Topic<M>, handler: (message: M) => void): Subscription {
    const sub = this.inner.subscribe(topic, handler);
    if (!topic.name.startsWith(this.prefix)) return sub;
    this.markSubscribed();
    return { ready: this.gate, unsubscribe: () => sub.unsubscribe() };
  }

  onResume(listener: () => void): () => void {
    return this.inner.onResume(listener);
  }

  release(): void {
    this.open();
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}

describe('ready waits for the subscription', () => {
  it('a socket is told ready only once its user’s bus subscription is live', async () => {
    const bus = new GatedBus();
    const f = await ChatFixture.start({ bus });
    try {
      const { alice } = await f.users(['alice']);
      const socket = await RawClient.open(f.t.wsUrl);
      socket.send({ type: 'auth', token: alice.token });
      await bus.subscribed;
      // A full HTTP round trip to the same server: a `ready` written when the subscription was
      // asked for would have reached the socket by now.
      expect((await f.rest.call('GET', '/healthz')).status).toBe(200);
      expect(socket.frames.map((fr: ServerFrame) => fr.type)).toEqual([]);
      bus.release();
      expect(await socket.next((fr) => fr.type === 'ready')).toMatchObject({ userId: alice.id });
      await socket.close();
    } finally {
      await f.close();
    }
  });
});

describe('ready waits for the group subscriptions too', () => {
  it('a member’s socket is told ready only once the topics of their groups are live', async () => {
    const bus = new GatedBus('g:');
    const f = await GroupsHarness.start({ bus });
    try {
      const { alice, bob } = await f.users(['alice', 'bob'], [['alice', 'bob']]);
      await f.createGroup(alice, { members: [bob.id] });
      const socket = await RawClient.open(f.t.wsUrl);
      socket.send({ type: 'auth', token: bob.token });
      await bus.subscribed;
      expect((await f.rest.call('GET', '/healthz')).status).toBe(200);
      expect(socket.frames.map((fr: ServerFrame) => fr.type)).toEqual([]);
      bus.release();
      expect(await socket.next((fr) => fr.type === 'ready')).toMatchObject({ userId: bob.id });
      await socket.close();
    } finally {
      await f.close();
    }
  });
});
