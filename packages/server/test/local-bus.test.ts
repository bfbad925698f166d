import { describe, expect, it } from 'vitest';
import { LocalBus } from '../src/bus/local.js';
import type { Bus } from '../src/bus/types.js';

/** Topics with at least one subscriber (internal, read only to prove cleanup). */
const topicCount = (bus: LocalBus) => (bus as unknown as { topics: Map<string, unknown> }).topics.size;

function recorder() {
  const got: string[] = [];
  return { got, handler: (payload: string) => void got.push(payload) };
}

describe('LocalBus', () => {
  it('delivers a payload to every subscriber of its topic only, synchronously and in order', () => {
    const bus: Bus = new LocalBus();
    const a1 = recorder();
    const a2 = recorder();
    const b = recorder();
    bus.subscribe('u:a', a1.handler);
    bus.subscribe('u:a', a2.handler);
    bus.subscribe('u:b', b.handler);
    bus.publish('u:a', 'one');
    bus.publish('u:a', 'two');
    bus.publish('u:b', 'three');
    bus.publish('u:nobody', 'lost');
    expect(a1.got).toEqual(['one', 'two']);
    expect(a2.got).toEqual(['one', 'two']);
    expect(b.got).toEqual(['three']);
  });

  it('subscribe returns the function that unsubscribes exactly that subscription', () => {
    const bus = new LocalBus();
    const a = recorder();
    const b = recorder();
    const offA = bus.subscribe('t', a.handler);
    bus.subscribe('t', b.handler);
    expect(typeof offA).toBe('function');
    bus.publish('t', '1');
    offA();
    bus.publish('t', '2');
    expect(a.got).toEqual(['1']);
    expect(b.got).toEqual(['1', '2']);
    offA(); // idempotent, and does not touch the other subscription
    bus.publish('t', '3');
    expect(b.got).toEqual(['1', '2', '3']);
  });

  it('the same function subscribed twice is two subscriptions', () => {
    const bus = new LocalBus();
    const r = recorder();
    const first = bus.subscribe('t', r.handler);
    const second = bus.subscribe('t', r.handler);
    bus.publish('t', 'x');
    expect(r.got).toEqual(['x', 'x']);
    first();
    bus.publish('t', 'y');
    expect(r.got).toEqual(['x', 'x', 'y']);
    second();
    bus.publish('t', 'z');
    expect(r.got).toEqual(['x', 'x', 'y']);
  });

  it('drops a topic when its last subscriber leaves, so idle topics cost no memory', () => {
    const bus = new LocalBus();
    const offs = Array.from({ length: 1000 }, (_, i) => bus.subscribe(`u:${i}`, () => {}));
    const extra = bus.subscribe('u:0', () => {});
    expect(topicCount(bus)).toBe(1000);
    for (const off of offs) off();
    expect(topicCount(bus)).toBe(1); // u:0 still has `extra`
    extra();
    expect(topicCount(bus)).toBe(0);
  });

  it('a stale unsubscribe from a dropped topic does not remove a later subscription', () => {
    const bus = new LocalBus();
    const off = bus.subscribe('t', () => {});
    off();
    const r = recorder();
    bus.subscribe('t', r.handler);
    off();
    bus.publish('t', 'still here');
    expect(r.got).toEqual(['still here']);
    expect(topicCount(bus)).toBe(1);
  });

  it('a handler unsubscribed during a publish gets nothing more, not even that payload', () => {
    const bus = new LocalBus();
    const b = recorder();
    let offB = () => {};
    bus.subscribe('t', () => offB());
    offB = bus.subscribe('t', b.handler);
    bus.publish('t', 'first');
    bus.publish('t', 'second');
    expect(b.got).toEqual([]);
    expect(topicCount(bus)).toBe(1);
  });

  it('a throwing handler does not stop delivery to the others, and publish never throws', () => {
    const errors: [unknown, string][] = [];
    const bus = new LocalBus((err, topic) => errors.push([err, topic]));
    const before = recorder();
    const after = recorder();
    bus.subscribe('t', before.handler);
    bus.subscribe('t', () => {
      throw new Error('boom');
    });
    bus.subscribe('t', after.handler);
    expect(() => bus.publish('t', 'p')).not.toThrow();
    expect(before.got).toEqual(['p']);
    expect(after.got).toEqual(['p']);
    expect(errors).toHaveLength(1);
    expect((errors[0]![0] as Error).message).toBe('boom');
    expect(errors[0]![1]).toBe('t');
    // Without an error callback, errors are contained too.
    const quiet = new LocalBus();
    const r = recorder();
    quiet.subscribe('t', () => {
      throw new Error('boom');
    });
    quiet.subscribe('t', r.handler);
    expect(() => quiet.publish('t', 'q')).not.toThrow();
    expect(r.got).toEqual(['q']);
  });

  it('delivers nothing after close, including to subscriptions made after it', async () => {
    const bus = new LocalBus();
    const r = recorder();
    const off = bus.subscribe('t', r.handler);
    bus.publish('t', 'before');
    await bus.close();
    bus.publish('t', 'after');
    const late = recorder();
    const offLate = bus.subscribe('t', late.handler);
    expect(typeof offLate).toBe('function');
    bus.publish('t', 'later');
    expect(r.got).toEqual(['before']);
    expect(late.got).toEqual([]);
    expect(topicCount(bus)).toBe(0);
    expect(() => (off(), offLate())).not.toThrow();
    await expect(bus.close()).resolves.toBeUndefined(); // idempotent
  });
});
