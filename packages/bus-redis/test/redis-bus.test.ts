import { Socket } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { Redis } from 'ioredis';
import type { BusMessage } from '@quickchat/server';
import { groupTopic, userTopic, type UserTopicMessage } from '../../server/src/bus/topics.js';
import { RedisServer, redisMissing } from '../../server/test/support/redis-server.js';
import { findFreePort } from '../../server/test/support/child-server.js';
import { RedisBus, type RedisBusOptions } from '../src/redis-bus.js';
import { TcpGate } from './support/tcp-gate.js';

const missing = redisMissing();
if (missing) console.warn(`RedisBus tests skipped: ${missing}`);

/** Bounded waits: a reconnect attempt comes at most 2 s after the previous one. */
const WAIT = { timeout: 10_000, interval: 5 };

const frame = (json: string): UserTopicMessage => ({ kind: 'frame', json });

function recorder() {
  const got: string[] = [];
  return { got, handler: (m: BusMessage) => void got.push(m.kind === 'frame' || m.kind === 'group-frame' ? m.json : m.kind) };
}

const range = (from: number, to: number, label: string) => Array.from({ length: to - from + 1 }, (_, i) => `${label}${from + i}`);

/** How many PUBLISH commands Redis has executed since it started. */
async function publishCalls(admin: Redis): Promise<number> {
  const info = await admin.info('commandstats');
  return Number(/cmdstat_publish:calls=(\d+)/.exec(info)?.[1] ?? 0);
}

describe.skipIf(missing !== null)('RedisBus on a real Redis', () => {
  let redis: RedisServer;
  /** A plain connection straight to Redis, for what a test does behind the buses' backs. */
  let admin: Redis;
  const buses: RedisBus[] = [];
  const gates: TcpGate[] = [];
  let run = 0;

  beforeAll(async () => {
    redis = await RedisServer.start();
    admin = new Redis(redis.url);
    admin.on('error', () => {}); // it reconnects by itself when a test restarts Redis
  });
  afterEach(async () => {
    await Promise.all(buses.splice(0).map((bus) => bus.close()));
    await Promise.all(gates.splice(0).map((gate) => gate.stop()));
  });
  afterAll(async () => {
    admin?.disconnect();
    await redis?.kill();
  });

  /** Two nodes on one channel prefix of their own; `errors` gets what each reports. */
  async function nodes(options: Partial<RedisBusOptions> & { via?: TcpGate } = {}) {
    const prefix = `t${++run}:`;
    const errors: { a: unknown[]; b: unknown[] } = { a: [], b: [] };
    const open = async (nodeId: 'a' | 'b') => {
      const bus = await RedisBus.connect({ url: options.via?.url ?? redis.url, prefix, nodeId, onError: (err) => errors[nodeId].push(err), ...options });
      buses.push(bus);
      return bus;
    };
    return { a: await open('a'), b: await open('b'), errors, prefix };
  }

  async function gate(): Promise<TcpGate> {
    const g = await TcpGate.start(redis.port);
    gates.push(g);
    return g;
  }

  it('sends a burst published in one turn as one pipeline: one write, one PUBLISH per message', async () => {
    const { a, b, prefix } = await nodes();
    const t = groupTopic('burst');
    const channel = prefix + t.name;
    const got = recorder();
    await b.subscribe(t, got.handler).ready;
    const before = await publishCalls(admin);
    const writes = vi.spyOn(Socket.prototype, 'write');
    try {
      for (let i = 0; i < 100; i++) a.publish(t, { kind: 'group-frame', json: `m${i}` });
      await vi.waitFor(() => expect(got.got).toHaveLength(100), WAIT);
      const publishing = writes.mock.calls.map(([chunk]) => String(chunk)).filter((text) => text.includes(channel));
      expect(publishing).toHaveLength(1); // without a pipeline: one write per PUBLISH
      expect(publishing[0]!.split(channel)).toHaveLength(101);
    } finally {
      writes.mockRestore();
    }
    expect(got.got).toEqual(range(0, 99, 'm'));
    expect((await publishCalls(admin)) - before).toBe(100);
  });

  it('keeps serving its own subscribers while Redis is down; when Redis returns each node resumes once, its subscriptions work again and what was queued arrives', async () => {
    const g = await gate();
    const { a, b } = await nodes({ via: g });
    const resumes = { a: 0, b: 0 };
    const t = userTopic('outage');
    const lateTopic = userTopic('late');
    a.onResume(() => resumes.a++);
    /** Whether, when b resumed, its subscriptions were live again (a new one there was ready at once). */
    let liveAtResume: boolean | null = null;
    b.onResume(() => {
      resumes.b++;
      let ready = false;
      void b.subscribe(lateTopic, () => {}).ready.then(() => (ready = true));
      queueMicrotask(() => (liveAtResume = ready)); // runs after `ready`'s callback only if it was already resolved
    });
    const atA = recorder();
    const atB = recorder();
    await Promise.all([a.subscribe(t, atA.handler).ready, b.subscribe(t, atB.handler).ready]);
    a.publish(t, frame('a0'));
    await vi.waitFor(() => expect(atB.got).toEqual(['a0']), WAIT);

    // Redis dies; the gate keeps the nodes from reconnecting until the test lets them.
    g.close();
    await redis.kill();
    await vi.waitFor(() => expect([a.connected, b.connected]).toEqual([false, false]), WAIT);
    for (let i = 1; i <= 5; i++) {
      a.publish(t, frame(`a${i}`));
      b.publish(t, frame(`b${i}`));
    }
    // Each node still delivers its own messages to its own users.
    await vi.waitFor(() => {
      expect(atA.got).toEqual(['a0', ...range(1, 5, 'a')]);
      expect(atB.got).toEqual(['a0', ...range(1, 5, 'b')]);
    }, WAIT);
    // A subscription made during the outage is ready only once Redis has confirmed it.
    const late = recorder();
    let lateReady = false;
    const lateSub = b.subscribe(lateTopic, late.handler);
    void lateSub.ready.then(() => (lateReady = true));
    // So is a further subscription to a topic that was live before the outage.
    let joinReady = false;
    const join = a.subscribe(t, () => {});
    void join.ready.then(() => (joinReady = true));

    await redis.restart();
    const refusedBefore = g.refused;
    // Several reconnect attempts fail (two nodes, two connections each)...
    await vi.waitFor(() => expect(g.refused - refusedBefore).toBeGreaterThanOrEqual(8), WAIT);
    expect([lateReady, joinReady]).toEqual([false, false]);
    expect(resumes).toEqual({ a: 0, b: 0 });
    // ...and Redis holds every PUBLISH until both nodes have re-subscribed, so that what they
    // queued meets live subscriptions (the order in which nodes reconnect is otherwise luck).
    await admin.call('CLIENT', 'PAUSE', '30000', 'WRITE');
    g.openUp();
    await vi.waitFor(() => expect(resumes).toEqual({ a: 1, b: 1 }), WAIT);
    await vi.waitFor(() => expect(liveAtResume).toBe(true), WAIT);
    await Promise.all([lateSub.ready, join.ready]);
    await admin.call('CLIENT', 'UNPAUSE');

    // What each node published during the outage reaches the other, once and in order.
    await vi.waitFor(() => {
      expect(atA.got).toEqual(['a0', ...range(1, 5, 'a'), ...range(1, 5, 'b')]);
      expect(atB.got).toEqual(['a0', ...range(1, 5, 'b'), ...range(1, 5, 'a')]);
    }, WAIT);
    // Subscriptions from before and during the outage both work again.
    a.publish(lateTopic, frame('late one'));
    a.publish(t, frame('a6'));
    b.publish(t, frame('b6'));
    await vi.waitFor(() => {
      expect(late.got).toEqual(['late one']);
      expect(atA.got.slice(11).sort()).toEqual(['a6', 'b6']);
      expect(atB.got.slice(11).sort()).toEqual(['a6', 'b6']);
    }, WAIT);
    expect(atA.got).toHaveLength(13);
    expect(atB.got).toHaveLength(13);
    expect(resumes).toEqual({ a: 1, b: 1 });
  });

  it('drops publishes past its queue bound while Redis is unreachable, counts and reports them', async () => {
    const g = await gate();
    const prefix = `t${++run}:`;
    const errors: unknown[] = [];
    const a = await RedisBus.connect({ url: g.url, prefix, nodeId: 'a', maxQueued: 3, onError: (err) => errors.push(err) });
    const b = await RedisBus.connect({ url: redis.url, prefix, nodeId: 'b' });
    buses.push(a, b);
    const t = userTopic('bounded');
    const atB = recorder();
    await b.subscribe(t, atB.handler).ready;

    g.cut();
    await vi.waitFor(() => expect(a.connected).toBe(false), WAIT);
    for (let i = 1; i <= 5; i++) a.publish(t, frame(`m${i}`));
    expect(a.dropped).toBe(2);
    const messages = () => errors.map((e) => (e as Error).message);
    expect(messages()).toContainEqual(expect.stringContaining('3 publishes are waiting; dropping further publishes'));

    g.openUp();
    await vi.waitFor(() => expect(atB.got).toEqual(['m1', 'm2', 'm3']), WAIT);
    expect(messages()).toContainEqual(expect.stringContaining('dropped 2 publishes while Redis was unreachable'));
    a.publish(t, frame('m6'));
    await vi.waitFor(() => expect(atB.got).toEqual(['m1', 'm2', 'm3', 'm6']), WAIT);
    expect(a.dropped).toBe(2);
  });

  it('reports malformed text published on a channel by hand, and never hands it to a handler', async () => {
    const { a, b, errors, prefix } = await nodes();
    const t = userTopic('garbage');
    const atB = recorder();
    await b.subscribe(t, atB.handler).ready;
    await admin.publish(prefix + t.name, 'not json at all');
    await admin.publish(prefix + t.name, JSON.stringify({ origin: 'x', message: { kind: 'group-frame', json: '{}' } }));
    a.publish(t, frame('fine'));
    await vi.waitFor(() => expect(atB.got).toEqual(['fine']), WAIT);
    expect(errors.b.map((e) => (e as Error).message)).toEqual([expect.stringContaining('is not JSON'), expect.stringContaining('does not belong on "u:garbage"')]);
    expect(errors.a).toEqual([]);
  });

  it('connect keeps trying until Redis is reachable, within its timeout', async () => {
    const g = await gate();
    g.close();
    let bus: RedisBus | null = null;
    const connecting = RedisBus.connect({ url: g.url, connectTimeoutMs: 20_000 }).then((b) => (bus = b));
    await vi.waitFor(() => expect(g.refused).toBeGreaterThanOrEqual(4), WAIT); // two connections, retrying
    expect(bus).toBe(null);
    g.openUp();
    buses.push(await connecting);
    expect(buses.at(-1)!.connected).toBe(true);
  });

  it('rejects connect to a dead port within its timeout, naming the URL without its password', async () => {
    const port = await findFreePort();
    const started = Date.now();
    const error = await RedisBus.connect({ url: `redis://quickchat:s3cret@127.0.0.1:${port}/2`, connectTimeoutMs: 300 }).then(
      () => null,
      (err: unknown) => err as Error,
    );
    expect(Date.now() - started).toBeLessThan(3000);
    expect(error?.message).toMatch(new RegExp(`^Redis at redis://quickchat@127\\.0\\.0\\.1:${port}/2 could not be reached within 300 ms`));
    expect(error?.message).toContain('ECONNREFUSED');
    expect(error?.message).not.toContain('s3cret');
  });
});
