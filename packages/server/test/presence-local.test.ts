import { describe, expect, it } from 'vitest';
import { LocalPresence } from '../src/services/presence/local-presence.js';
import type { PresenceRecord, PresenceTimers } from '../src/services/presence/presence.js';
import { PresenceCoalescer } from '../src/services/presence/coalescer.js';

/** A clock and timers the test moves by hand: no waiting, no sleeps. */
class ManualTime implements PresenceTimers {
  now = 1_000;
  private timers: { at: number; callback: () => void; handle: number }[] = [];
  private next = 0;

  setTimeout(callback: () => void, ms: number): unknown {
    const handle = ++this.next;
    this.timers.push({ at: this.now + ms, callback, handle });
    return handle;
  }
  clearTimeout(handle: unknown): void {
    this.timers = this.timers.filter((t) => t.handle !== handle);
  }
  /** Moves the clock forward, firing the timers that come due, in order. */
  advance(ms: number): void {
    const until = this.now + ms;
    for (;;) {
      const due = this.timers.filter((t) => t.at <= until).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      this.timers = this.timers.filter((t) => t !== due);
      this.now = due.at;
      due.callback();
    }
    this.now = until;
  }
  get pending(): number {
    return this.timers.length;
  }
}

const GRACE = 5_000;

function setup() {
  const time = new ManualTime();
  const presence = new LocalPresence({ graceMs: GRACE, now: () => time.now, timers: time });
  const changes: PresenceRecord[] = [];
  presence.onChange((r) => changes.push(r));
  return { time, presence, changes };
}

describe('LocalPresence (the one-node presence seam)', () => {
  it('is online while any of a user’s devices is connected, and offline with lastSeenAt when the last one leaves (after the grace)', async () => {
    const { time, presence, changes } = setup();
    presence.connected('u1', true);
    presence.connected('u1', true);
    expect(changes).toEqual([{ userId: 'u1', online: true, visible: true }]);
    time.advance(1_000);
    presence.disconnected('u1');
    time.advance(GRACE * 2);
    // One device is still there: nothing changed.
    expect(changes).toHaveLength(1);
    expect((await presence.statesOf(['u1'])).get('u1')).toEqual({ userId: 'u1', online: true, visible: true });
    const leftAt = time.now;
    presence.disconnected('u1');
    time.advance(GRACE - 1);
    expect(changes).toHaveLength(1);
    expect((await presence.statesOf(['u1'])).get('u1')?.online).toBe(true);
    time.advance(1);
    expect(changes.at(-1)).toEqual({ userId: 'u1', online: false, lastSeenAt: leftAt, visible: true });
    expect((await presence.statesOf(['u1', 'never-seen'])).get('u1')).toEqual({ userId: 'u1', online: false, lastSeenAt: leftAt, visible: true });
    expect((await presence.statesOf(['never-seen'])).size).toBe(0);
  });

  it('does not flap when the last device reconnects within the grace period', () => {
    const { time, presence, changes } = setup();
    presence.connected('u1', true);
    presence.disconnected('u1');
    time.advance(GRACE - 1);
    presence.connected('u1', true);
    time.advance(GRACE * 3);
    expect(changes).toEqual([{ userId: 'u1', online: true, visible: true }]);
    expect(time.pending).toBe(0);
    // A later, real departure still goes offline, with its own time.
    presence.disconnected('u1');
    const leftAt = time.now;
    time.advance(GRACE);
    expect(changes.at(-1)).toEqual({ userId: 'u1', online: false, lastSeenAt: leftAt, visible: true });
  });

  it('reports visibility changes, for online and offline users, only when they change', () => {
    const { time, presence, changes } = setup();
    presence.connected('u1', true);
    presence.setVisible('u1', true);
    presence.setVisible('u1', false);
    expect(changes).toEqual([
      { userId: 'u1', online: true, visible: true },
      { userId: 'u1', online: true, visible: false },
    ]);
    // A hidden user's comings and goings are not reported at all.
    const leftAt = time.now;
    presence.disconnected('u1');
    time.advance(GRACE);
    presence.connected('u1', false);
    presence.disconnected('u1');
    time.advance(GRACE);
    expect(changes).toHaveLength(2);
    // Showing again reports the state as it is, with the real last seen.
    presence.setVisible('u1', true);
    expect(changes.at(-1)).toEqual({ userId: 'u1', online: false, lastSeenAt: leftAt + GRACE, visible: true });
    presence.setVisible('u2', false);
    expect(changes.at(-1)).toEqual({ userId: 'u2', online: false, visible: false });
    presence.setVisible('u2', false);
    expect(changes).toHaveLength(4);
  });

  it('ignores a disconnect it was never told of, and close() stops the grace timers', () => {
    const { time, presence, changes } = setup();
    presence.disconnected('ghost');
    presence.connected('u1', true);
    presence.disconnected('u1');
    presence.close();
    expect(time.pending).toBe(0);
    time.advance(GRACE);
    expect(changes).toHaveLength(1);
  });
});

describe('PresenceCoalescer', () => {
  it('sends each session one frame per window with the latest state of every user that changed', () => {
    const time = new ManualTime();
    const coalescer = new PresenceCoalescer(250, time);
    const sent: string[] = [];
    const sink = { sessionId: 's1', sendRaw: (text: string) => void sent.push(text) };
    const other = { sessionId: 's2', sendRaw: (text: string) => void sent.push(`s2 ${text}`) };
    for (let i = 0; i < 1000; i++) coalescer.add(sink, { userId: `u${i % 600}`, status: i < 600 ? 'online' : 'offline' });
    coalescer.add(other, { userId: 'u1', status: 'online' });
    coalescer.drop(other);
    expect(sent).toEqual([]);
    time.advance(250);
    // 600 users in frames of at most 500: two frames, the latest state of each user.
    expect(sent.map((t) => (JSON.parse(t) as { users: unknown[] }).users.length)).toEqual([500, 100]);
    const states = sent.flatMap((t) => (JSON.parse(t) as { users: { userId: string; status: string }[] }).users);
    expect(states.find((s) => s.userId === 'u0')).toEqual({ userId: 'u0', status: 'offline' });
    expect(states.find((s) => s.userId === 'u500')).toEqual({ userId: 'u500', status: 'online' });
    time.advance(10_000);
    expect(sent).toHaveLength(2);
  });
});
