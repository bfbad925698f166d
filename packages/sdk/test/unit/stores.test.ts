import { describe, expect, it } from 'vitest';
import { createStore, shallowEqual } from '../../src/stores/store.js';
import { applyPeerCursor, EMPTY_LIST, fromServer, patchMessage, prependHistory, upsertStored } from '../../src/stores/messages.js';
import type { LocalMessage, MessageList } from '../../src/stores/state.js';
import { message } from '../support/fakes.js';

describe('createStore', () => {
  it('subscribe(selector) fires only when the selection changes, with the previous value', () => {
    const store = createStore({ count: 0, other: 'a' });
    const calls: [number, number][] = [];
    store.subscribe((s) => s.count, (next, prev) => calls.push([next, prev]));
    store.update((s) => ({ ...s, other: 'b' })); // unrelated
    expect(calls).toEqual([]);
    store.update((s) => ({ ...s, count: 1 }));
    store.update((s) => ({ ...s, count: 1, other: 'c' })); // same selection
    store.update((s) => ({ ...s, count: 5 }));
    expect(calls).toEqual([
      [1, 0],
      [5, 1],
    ]);
    expect(store.getState()).toEqual({ count: 5, other: 'c' });
  });

  it('an update that returns the same state notifies nobody', () => {
    const store = createStore({ n: 1 });
    let fired = 0;
    store.subscribe((s) => s, () => fired++);
    store.update((s) => s);
    expect(fired).toBe(0);
  });

  it('unsubscribe stops the listener, also when called from another listener mid-notification', () => {
    const store = createStore({ n: 0 });
    const a: number[] = [];
    const b: number[] = [];
    let offB = (): void => undefined;
    const offA = store.subscribe((s) => s.n, (n) => {
      a.push(n);
      offB();
    });
    offB = store.subscribe((s) => s.n, (n) => b.push(n));
    store.update(() => ({ n: 1 }));
    expect(a).toEqual([1]);
    expect(b).toEqual([]);
    offA();
    store.update(() => ({ n: 2 }));
    expect(a).toEqual([1]);
  });

  it('a custom equality (shallowEqual) ignores new-but-equal arrays from the selector', () => {
    const store = createStore({ items: [1, 2, 3], tick: 0 });
    const seen: number[][] = [];
    store.subscribe((s) => s.items.filter((x) => x > 1), (v) => seen.push(v), shallowEqual);
    store.update((s) => ({ ...s, tick: 1 }));
    expect(seen).toEqual([]);
    store.update((s) => ({ ...s, items: [1, 2, 3, 4] }));
    expect(seen).toEqual([[2, 3, 4]]);
    // with the default Object.is the same selector fires on every update
    let fired = 0;
    store.subscribe((s) => s.items.filter((x) => x > 1), () => fired++);
    store.update((s) => ({ ...s, tick: 2 }));
    expect(fired).toBe(1);
  });
});

describe('shallowEqual', () => {
  it('compares arrays and objects one level deep', () => {
    const shared = { x: 1 };
    expect(shallowEqual([1, 'a', shared], [1, 'a', shared])).toBe(true);
    expect(shallowEqual([1, 2], [1, 2, 3])).toBe(false);
    expect(shallowEqual([{ x: 1 }], [{ x: 1 }])).toBe(false);
    expect(shallowEqual({ a: 1, b: shared }, { b: shared, a: 1 })).toBe(true);
    expect(shallowEqual({ a: 1 }, { a: 1, b: undefined })).toBe(false);
    expect(shallowEqual({ a: 1 }, { a: 2 })).toBe(false);
  });

  it('handles primitives, null and NaN', () => {
    expect(shallowEqual(1, 1)).toBe(true);
    expect(shallowEqual('a', 'b')).toBe(false);
    expect(shallowEqual(NaN, NaN)).toBe(true);
    expect(shallowEqual(null, null)).toBe(true);
    expect(shallowEqual<unknown>(null, {})).toBe(false);
    expect(shallowEqual<unknown>({}, null)).toBe(false);
  });
});

const C = 'dm:alice~bob';
const stored = (seq: number, senderId = 'bob', state: LocalMessage['state'] = 'sent') => fromServer(message(C, seq, senderId), state);
const pending = (clientMsgId: string, senderId = 'alice'): LocalMessage => ({ clientMsgId, id: null, conversationId: C, senderId, content: { type: 'text', text: clientMsgId }, seq: null, createdAt: 0, state: 'pending', error: null });
const list = (...items: LocalMessage[]): MessageList => ({ items, hasMoreBefore: false });
const seqs = (l: MessageList) => l.items.map((m) => m.seq ?? m.clientMsgId);

describe('stores/messages', () => {
  it('upsertStored replaces the pending copy (same sender + clientMsgId) in place of seq order', () => {
    const before = list(stored(1), pending('p1'), pending('p2'));
    const confirmed = { ...fromServer({ ...message(C, 2, 'alice'), clientMsgId: 'p2' }), state: 'sent' as const };
    const after = upsertStored(before, confirmed);
    expect(seqs(after)).toEqual([1, 2, 'p1']);
    expect(after.items.filter((m) => m.clientMsgId === 'p2')).toHaveLength(1);
    expect(before.items).toHaveLength(3); // not mutated
  });

  it('upsertStored does not replace a pending message of another sender with the same clientMsgId', () => {
    const after = upsertStored(list(pending('x', 'alice')), fromServer({ ...message(C, 1, 'bob'), clientMsgId: 'x' }));
    expect(seqs(after)).toEqual([1, 'x']);
  });

  it('upsertStored inserts in seq order, pending last, and ignores a seq already present', () => {
    let l = list(pending('p'));
    for (const s of [5, 2, 9, 1, 7]) l = upsertStored(l, stored(s));
    expect(seqs(l)).toEqual([1, 2, 5, 7, 9, 'p']);
    const again = upsertStored(l, stored(5, 'bob', 'read'));
    expect(again).toBe(l);
  });

  it('prependHistory adds older messages in front, skipping duplicates, and sets hasMoreBefore', () => {
    const l: MessageList = { items: [stored(4), stored(5), pending('p')], hasMoreBefore: true };
    const older = [stored(2), stored(3), stored(4)];
    const after = prependHistory(l, older, false);
    expect(seqs(after)).toEqual([2, 3, 4, 5, 'p']);
    expect(after.hasMoreBefore).toBe(false);
    expect(after.items[2]).toBe(l.items[0]); // kept the loaded copy of 4
    expect(seqs(prependHistory(after, [stored(1), stored(2)], true))).toEqual([1, 2, 3, 4, 5, 'p']);
    expect(prependHistory(EMPTY_LIST, [stored(1)], true).hasMoreBefore).toBe(true);
  });

  it('applyPeerCursor raises own messages to delivered/read and never downgrades', () => {
    const l = list(stored(1, 'alice'), stored(2, 'bob'), stored(3, 'alice'), stored(4, 'alice'), pending('p'));
    const delivered = applyPeerCursor(l, 'alice', { delivered: 3, read: 1 });
    expect(delivered.items.map((m) => m.state)).toEqual(['read', 'sent', 'delivered', 'sent', 'pending']);
    const read = applyPeerCursor(delivered, 'alice', { delivered: 4, read: 4 });
    expect(read.items.map((m) => m.state)).toEqual(['read', 'sent', 'read', 'read', 'pending']);
    // an older (lower) cursor arriving late changes nothing, and returns the same list
    const late = applyPeerCursor(read, 'alice', { delivered: 3, read: 1 });
    expect(late).toBe(read);
    expect(applyPeerCursor(l, 'carol', { delivered: 4, read: 4 })).toBe(l);
  });

  it('patchMessage changes only the matching message and returns the same list when none matches', () => {
    const l = list(pending('a'), pending('b'));
    const patched = patchMessage(l, 'alice', 'b', { state: 'failed' });
    expect(patched.items.map((m) => m.state)).toEqual(['pending', 'failed']);
    expect(patched.items[0]).toBe(l.items[0]);
    expect(patchMessage(l, 'bob', 'b', { state: 'failed' })).toBe(l);
  });
});
