import { describe, expect, it } from 'vitest';
// What every bus must do is in the Bus contract (bus-contract.test.ts runs it on each LocalBus
// mode); here is what is particular to LocalBus: synchronous delivery, its memory, its modes.
import { LocalBus, type LocalBusOptions } from '../src/bus/local.js';
import type { Bus } from '../src/bus/types.js';
import type { FrameDelivery } from '../src/bus/messages.js';
import { userTopic, type UserTopicMessage } from '../src/bus/topics.js';

/** Topics with at least one subscriber (internal, read only to prove cleanup). */
const topicCount = (bus: LocalBus) => (bus as unknown as { topics: Map<string, unknown> }).topics.size;

const t = userTopic('t');
const frame = (json: string): FrameDelivery => ({ kind: 'frame', json });

function recorder() {
  const got: string[] = [];
  return { got, handler: (m: UserTopicMessage) => void got.push(m.kind === 'frame' ? m.json : m.kind === 'revoke' ? `revoke:${m.familyId ?? '*'}` : `membership:${m.conversationId}`) };
}

/** The same behaviour holds whether messages are passed as objects or round-trip through the codec. */
for (const options of [{}, { serialize: true }] satisfies LocalBusOptions[]) {
  describe(`LocalBus (sync${options.serialize ? ', serialized' : ''})`, () => {
    it('delivers a message to every subscriber of its topic only, synchronously and in order', () => {
      const bus: Bus = new LocalBus(options);
      const a1 = recorder();
      const a2 = recorder();
      const b = recorder();
      bus.subscribe(userTopic('a'), a1.handler);
      bus.subscribe(userTopic('a'), a2.handler);
      bus.subscribe(userTopic('b'), b.handler);
      bus.publish(userTopic('a'), frame('one'));
      bus.publish(userTopic('a'), { kind: 'revoke', familyId: 'f1' });
      bus.publish(userTopic('b'), frame('three'));
      bus.publish(userTopic('nobody'), frame('lost'));
      expect(a1.got).toEqual(['one', 'revoke:f1']);
      expect(a2.got).toEqual(['one', 'revoke:f1']);
      expect(b.got).toEqual(['three']);
    });

    it('a subscription is ready at once and its unsubscribe ends exactly that subscription', async () => {
      const bus = new LocalBus(options);
      const a = recorder();
      const b = recorder();
      const subA = bus.subscribe(t, a.handler);
      bus.subscribe(t, b.handler);
      await expect(subA.ready).resolves.toBeUndefined();
      bus.publish(t, frame('1'));
      subA.unsubscribe();
      bus.publish(t, frame('2'));
      expect(a.got).toEqual(['1']);
      expect(b.got).toEqual(['1', '2']);
      subA.unsubscribe(); // idempotent, and does not touch the other subscription
      bus.publish(t, frame('3'));
      expect(b.got).toEqual(['1', '2', '3']);
    });
  });
}

describe('LocalBus', () => {
  it('drops a topic when its last subscriber leaves, so idle topics cost no memory', () => {
    const bus = new LocalBus();
    const subs = Array.from({ length: 1000 }, (_, i) => bus.subscribe(userTopic(String(i)), () => {}));
    const extra = bus.subscribe(userTopic('0'), () => {});
    expect(topicCount(bus)).toBe(1000);
    for (const sub of subs) sub.unsubscribe();
    expect(topicCount(bus)).toBe(1); // u:0 still has `extra`
    extra.unsubscribe();
    expect(topicCount(bus)).toBe(0);
  });

  it('a stale unsubscribe from a dropped topic does not remove a later subscription', () => {
    const bus = new LocalBus();
    const old = bus.subscribe(t, () => {});
    old.unsubscribe();
    const r = recorder();
    bus.subscribe(t, r.handler);
    old.unsubscribe();
    bus.publish(t, frame('still here'));
    expect(r.got).toEqual(['still here']);
    expect(topicCount(bus)).toBe(1);
  });

  it('a handler unsubscribed during a publish gets nothing more, not even that message', () => {
    const bus = new LocalBus();
    const b = recorder();
    let offB = () => {};
    bus.subscribe(t, () => offB());
    const subB = bus.subscribe(t, b.handler);
    offB = () => subB.unsubscribe();
    bus.publish(t, frame('first'));
    bus.publish(t, frame('second'));
    expect(b.got).toEqual([]);
    expect(topicCount(bus)).toBe(1);
  });

  it('a throwing handler does not stop delivery to the others, and publish never throws', () => {
    const errors: [unknown, string][] = [];
    const bus = new LocalBus({ onHandlerError: (err, topic) => errors.push([err, topic]) });
    const before = recorder();
    const after = recorder();
    bus.subscribe(t, before.handler);
    bus.subscribe(t, () => {
      throw new Error('boom');
    });
    bus.subscribe(t, after.handler);
    expect(() => bus.publish(t, frame('p'))).not.toThrow();
    expect(before.got).toEqual(['p']);
    expect(after.got).toEqual(['p']);
    expect(errors).toHaveLength(1);
    expect((errors[0]![0] as Error).message).toBe('boom');
    expect(errors[0]![1]).toBe(t.name);
    // Without an error callback, errors are contained too.
    const quiet = new LocalBus();
    const r = recorder();
    quiet.subscribe(t, () => {
      throw new Error('boom');
    });
    quiet.subscribe(t, r.handler);
    expect(() => quiet.publish(t, frame('q'))).not.toThrow();
    expect(r.got).toEqual(['q']);
  });

  it('delivers nothing after close, including to subscriptions made after it', async () => {
    const bus = new LocalBus();
    const r = recorder();
    const sub = bus.subscribe(t, r.handler);
    bus.publish(t, frame('before'));
    await bus.close();
    bus.publish(t, frame('after'));
    const late = recorder();
    const subLate = bus.subscribe(t, late.handler);
    await expect(subLate.ready).resolves.toBeUndefined();
    bus.publish(t, frame('later'));
    expect(r.got).toEqual(['before']);
    expect(late.got).toEqual([]);
    expect(topicCount(bus)).toBe(0);
    expect(() => (sub.unsubscribe(), subLate.unsubscribe())).not.toThrow();
    await expect(bus.close()).resolves.toBeUndefined(); // idempotent
  });
});

describe('LocalBus, deferred like a network bus', () => {
  it('delivers on a later turn, in publish order, and only once the subscription is ready', async () => {
    const bus = new LocalBus({ delivery: 'deferred', serialize: true });
    const r = recorder();
    const sub = bus.subscribe(t, r.handler);
    bus.publish(t, frame('before ready')); // a network bus has not subscribed yet: lost
    await sub.ready;
    bus.publish(t, frame('1'));
    bus.publish(t, { kind: 'revoke' });
    bus.publish(t, frame('2'));
    expect(r.got).toEqual([]); // nothing inside publish
    await new Promise((resolve) => setImmediate(resolve));
    expect(r.got).toEqual(['1', 'revoke:*', '2']);
  });
});
