import { describe, expect, it } from 'vitest';
import { LocalPresence } from '../src/services/presence/local-presence.js';
import type { PresenceRecord } from '../src/services/presence/presence.js';
import { PresenceCoalescer } from '../src/services/presence/coalescer.js';
import { ManualTime } from './presence-contract/manual-time.js';

// The behaviour every presence shares is in presence-contract/ (run for LocalPresence by
// presence-contract.test.ts); here is what only the in-memory one has: its own timers.

const GRACE = 5_000;

function setup() {
  const time = new ManualTime();
  const presence = new LocalPresence({ graceMs: GRACE, now: () => time.now, timers: time });
  const changes: PresenceRecord[] = [];
  presence.onChange((r) => changes.push(r));
  return { time, presence, changes };
}

describe('LocalPresence (the one-node presence seam)', () => {
  it('cancels the grace timer when the last device reconnects within the grace period', () => {
    const { time, presence, changes } = setup();
    presence.connected('u1', true);
    presence.disconnected('u1');
    expect(time.pending).toBe(1);
    time.advance(GRACE - 1);
    presence.connected('u1', true);
    expect(time.pending).toBe(0);
    expect(changes).toEqual([{ userId: 'u1', online: true, visible: true }]);
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
