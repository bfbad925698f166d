import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Bus } from '../../src/bus/types.js';
import type { BusMessage, FrameDelivery } from '../../src/bus/messages.js';
import { userTopic, type Topic, type UserTopicMessage } from '../../src/bus/topics.js';

/** The buses of one network, freshly opened for one test. */
export interface OpenedBus {
  /**
   * Buses that share one network, as separate nodes: what one publishes, every one's
   * subscribers receive. A bus that is its own whole network (LocalBus) gives one, and the
   * suite's "other node" is then that same bus.
   */
  nodes: Bus[];
  /** Where the buses report errors (handler throws, messages refused on arrival), if they report any. */
  errors?: unknown[];
  /**
   * Whether messages cross a codec on their way between nodes, so that one of the wrong kind for
   * its topic, published on the first node, never reaches a handler on the last one.
   */
  decodes?: boolean;
  /**
   * Puts raw text on the network on a topic, as a foreign or broken process would (a bus that
   * crosses processes). Resolves once the network took it: what a node publishes afterwards on
   * the same topic arrives after it.
   */
  publishRaw?: (topicName: string, raw: string) => Promise<void>;
  /** Releases what `open` started besides the buses; every bus is closed (again) before it. */
  close?: () => Promise<void>;
}

/** Opens a fresh network of buses; called once per test. */
export type OpenBus = () => Promise<OpenedBus>;

/** How long a condition may take to come true (delivery across a network is asynchronous). */
const WAIT = { timeout: 5000, interval: 5 };

const frame = (json: string): FrameDelivery => ({ kind: 'frame', json });

/** A handler that records the `json` of the frames (or the kind of other messages) it receives. */
function recorder() {
  const got: string[] = [];
  return { got, handler: (m: BusMessage) => void got.push(m.kind === 'frame' ? m.json : m.kind) };
}

let topicCounter = 0;
/** A user topic no other test uses. */
function freshTopic(): Topic<UserTopicMessage> {
  return userTopic(`contract-${process.pid}-${++topicCounter}-${Math.random().toString(36).slice(2, 8)}`);
}

/** Lets a few turns of the event loop pass (not wall-clock time): enough for a local bus to deliver. */
async function turns(n = 3): Promise<void> {
  for (let i = 0; i < n; i++) await new Promise((resolve) => setImmediate(resolve));
}

/**
 * The behaviour every {@link Bus} implementation must share, as one vitest suite. Delivery may be
 * asynchronous: every expectation waits (bounded) for its condition, and "never delivered" is
 * checked after a later message on the same topic from the same publisher has arrived, since
 * per-topic, per-publisher order is guaranteed. Every test gets fresh buses from `open`.
 */
export function runBusContract(name: string, open: OpenBus): void {
  describe(`Bus contract: ${name}`, () => {
    let opened: OpenedBus;
    let first: Bus;
    let last: Bus;
    beforeEach(async () => {
      opened = await open();
      first = opened.nodes[0]!;
      last = opened.nodes[opened.nodes.length - 1]!;
    });
    afterEach(async () => {
      await Promise.all(opened.nodes.map((bus) => bus.close()));
      await opened.close?.();
    });

    it('delivers a message to every subscriber of its topic on every node, and to no other topic', async () => {
      const a = freshTopic();
      const b = freshTopic();
      const onA = opened.nodes.flatMap((bus) => [recorder(), recorder()].map((r) => ({ r, sub: bus.subscribe(a, r.handler) })));
      const onB = opened.nodes.map((bus) => {
        const r = recorder();
        return { r, sub: bus.subscribe(b, r.handler) };
      });
      await Promise.all([...onA, ...onB].map(({ sub }) => sub.ready));
      first.publish(a, frame('for a'));
      last.publish(b, frame('for b'));
      first.publish(freshTopic(), frame('for nobody'));
      await vi.waitFor(() => {
        for (const { r } of onA) expect(r.got).toEqual(['for a']);
        for (const { r } of onB) expect(r.got).toEqual(['for b']);
      }, WAIT);
      // A later message on b from the same publisher: anything misrouted earlier has arrived by now.
      last.publish(b, frame('b again'));
      await vi.waitFor(() => {
        for (const { r } of onB) expect(r.got).toEqual(['for b', 'b again']);
      }, WAIT);
      for (const { r } of onA) expect(r.got).toEqual(['for a']);
    });

    it('keeps each publisher’s order on a topic, for every subscriber on every node', async () => {
      const t = freshTopic();
      const subs = opened.nodes.map((bus) => {
        const r = recorder();
        return { r, sub: bus.subscribe(t, r.handler) };
      });
      await Promise.all(subs.map(({ sub }) => sub.ready));
      const count = 200;
      for (let i = 0; i < count; i++) {
        first.publish(t, frame(`first:${i}`));
        last.publish(t, frame(`last:${i}`));
        if (i % 50 === 0) await turns(1); // spread over several turns too
      }
      const expected = (who: string) => Array.from({ length: count }, (_, i) => `${who}:${i}`);
      await vi.waitFor(() => {
        for (const { r } of subs) expect(r.got).toHaveLength(2 * count);
      }, WAIT);
      for (const { r } of subs) {
        expect(r.got.filter((s) => s.startsWith('first:'))).toEqual(expected('first'));
        expect(r.got.filter((s) => s.startsWith('last:'))).toEqual(expected('last'));
      }
    });

    it('makes each subscription its own: the same handler twice is called twice, and unsubscribe ends exactly one, idempotently', async () => {
      const t = freshTopic();
      const r = recorder();
      const other = recorder();
      const one = last.subscribe(t, r.handler);
      const two = last.subscribe(t, r.handler);
      const witness = last.subscribe(t, other.handler);
      await Promise.all([one.ready, two.ready, witness.ready]);
      first.publish(t, frame('x'));
      await vi.waitFor(() => expect(other.got).toEqual(['x']), WAIT);
      expect(r.got).toEqual(['x', 'x']);

      one.unsubscribe();
      one.unsubscribe(); // idempotent: must not end `two` as well
      first.publish(t, frame('y'));
      await vi.waitFor(() => expect(other.got).toEqual(['x', 'y']), WAIT);
      expect(r.got).toEqual(['x', 'x', 'y']);

      two.unsubscribe();
      first.publish(t, frame('z'));
      await vi.waitFor(() => expect(other.got).toEqual(['x', 'y', 'z']), WAIT);
      expect(r.got).toEqual(['x', 'x', 'y']);
    });

    it('after every subscription of a topic ended, a new one works and a stale unsubscribe does not end it', async () => {
      const t = freshTopic();
      const old = last.subscribe(t, () => {});
      await old.ready;
      old.unsubscribe();
      const r = recorder();
      const fresh = last.subscribe(t, r.handler);
      old.unsubscribe();
      await fresh.ready;
      first.publish(t, frame('still here'));
      await vi.waitFor(() => expect(r.got).toEqual(['still here']), WAIT);
    });

    it('once a subscription is ready, what any node publishes reaches it, and later subscriptions to the topic are ready too', async () => {
      for (const publisher of opened.nodes) {
        const t = freshTopic();
        const r = recorder();
        await last.subscribe(t, r.handler).ready;
        publisher.publish(t, frame('after ready'));
        await vi.waitFor(() => expect(r.got).toEqual(['after ready']), WAIT);
        const second = recorder();
        await last.subscribe(t, second.handler).ready;
        publisher.publish(t, frame('again'));
        await vi.waitFor(() => expect(second.got).toEqual(['again']), WAIT);
        expect(r.got).toEqual(['after ready', 'again']);
      }
    });

    it('a throwing handler does not stop delivery to the others, and publish never throws', async () => {
      const t = freshTopic();
      const before = recorder();
      const after = recorder();
      const subs = [
        last.subscribe(t, before.handler),
        last.subscribe(t, () => {
          throw new Error('handler boom');
        }),
        last.subscribe(t, after.handler),
      ];
      await Promise.all(subs.map((s) => s.ready));
      expect(() => first.publish(t, frame('p'))).not.toThrow();
      expect(() => first.publish(t, frame('q'))).not.toThrow();
      await vi.waitFor(() => {
        expect(before.got).toEqual(['p', 'q']);
        expect(after.got).toEqual(['p', 'q']);
      }, WAIT);
      if (opened.errors) {
        await vi.waitFor(() => expect(opened.errors!.filter((e) => (e as Error).message === 'handler boom')).toHaveLength(2), WAIT);
      }
    });

    it('never hands a handler a message of the wrong kind for its topic, or malformed text', async ({ skip }) => {
      if (!opened.decodes && !opened.publishRaw) skip('this bus does not move messages across a codec');
      const t = freshTopic();
      const r = recorder();
      await last.subscribe(t, r.handler).ready;
      const raws = ['not json', '{"origin":"elsewhere","message":{"kind":"frame"}}', '{"kind":"frame","json":"{}"}', '{"origin":"elsewhere","message":{"kind":"relations","pairs":[]}}'];
      if (opened.publishRaw) for (const raw of raws) await opened.publishRaw(t.name, raw);
      if (opened.decodes) {
        first.publish(t as Topic<BusMessage>, { kind: 'relations', pairs: [['a', 'b']] });
      }
      first.publish(t, frame('valid'));
      await vi.waitFor(() => expect(r.got).toEqual(['valid']), WAIT);
      if (opened.errors) {
        const refused = (opened.publishRaw ? raws.length : 0) + (opened.decodes ? 1 : 0);
        await vi.waitFor(() => expect(opened.errors!.filter((e) => e instanceof Error && e.message.includes(t.name))).toHaveLength(refused), WAIT);
      }
    });

    it('stops delivery on close, and is closed idempotently', async () => {
      const t = freshTopic();
      const closing = recorder();
      const closingSub = last.subscribe(t, closing.handler);
      const witness = recorder();
      const witnessSub = first === last ? null : first.subscribe(t, witness.handler);
      await Promise.all([closingSub.ready, witnessSub?.ready]);
      first.publish(t, frame('before'));
      await vi.waitFor(() => expect(closing.got).toEqual(['before']), WAIT);

      await last.close();
      await expect(last.close()).resolves.toBeUndefined();
      expect(() => last.publish(t, frame('after'))).not.toThrow();
      const late = recorder();
      const lateSub = last.subscribe(t, late.handler);
      await expect(lateSub.ready).resolves.toBeUndefined();
      expect(() => (closingSub.unsubscribe(), lateSub.unsubscribe())).not.toThrow();
      if (first !== last) {
        first.publish(t, frame('from the other node'));
        first.publish(t, frame('and once more'));
        await vi.waitFor(() => expect(witness.got).toEqual(['before', 'from the other node', 'and once more']), WAIT);
      }
      await turns();
      expect(closing.got).toEqual(['before']);
      expect(late.got).toEqual([]);
    });

    it('a confirmed publish is ordered before anything any node publishes after it resolves, for every subscriber on every node', async () => {
      const topic = freshTopic();
      const subs = opened.nodes.map((bus) => {
        const r = recorder();
        return { r, sub: bus.subscribe(topic, r.handler) };
      });
      await Promise.all(subs.map((s) => s.sub.ready));
      for (let round = 0; round < 20; round++) {
        await first.publishConfirmed(topic, frame(`confirmed:${round}`));
        last.publish(topic, frame(`later:${round}`));
      }
      for (const { r } of subs) {
        await vi.waitFor(() => expect(r.got).toHaveLength(40), WAIT);
        for (let round = 0; round < 20; round++) expect(r.got.indexOf(`confirmed:${round}`)).toBeLessThan(r.got.indexOf(`later:${round}`));
      }
    });

    it('onResume returns a function that removes the listener', () => {
      for (const bus of opened.nodes) {
        const off = bus.onResume(() => {});
        expect(() => (off(), off())).not.toThrow();
      }
    });
  });
}
