/**
 * `@quickchat/sdk/presence`: pushed states land in the store with one `changed` event each,
 * watches are counted and sent as `presence` frames (at most 500 ids per frame), re-sent after a
 * reconnect, and hiding goes over REST.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { presenceOf, type PresenceChangedContext } from '../../src/presence/index.js';
import { closeAll, testClient } from '../support/client.js';
import { flush, handshake } from '../support/fakes.js';

afterEach(closeAll);

const setup = () => {
  const t = testClient();
  const presence = presenceOf(t.client);
  const changes: PresenceChangedContext[] = [];
  presence.on('changed', (c) => changes.push(c));
  return { ...t, presence, changes };
};

describe('presenceOf', () => {
  it('returns one manager per client', () => {
    const a = testClient();
    const b = testClient();
    expect(presenceOf(a.client)).toBe(presenceOf(a.client));
    expect(presenceOf(a.client)).not.toBe(presenceOf(b.client));
  });

  it('applies pushed states to the store and emits one changed event per real change', async () => {
    const { online, presence, changes } = setup();
    const socket = await online();
    const dots: string[] = [];
    presence.states.subscribe((all) => all['bob']?.status ?? 'unknown', (status) => dots.push(status));
    socket.deliver({ type: 'presence', users: [{ userId: 'bob', status: 'online' }, { userId: 'carol', status: 'unknown' }] });
    socket.deliver({ type: 'presence', users: [{ userId: 'bob', status: 'online' }] });
    socket.deliver({ type: 'presence', users: [{ userId: 'bob', status: 'offline', lastSeenAt: 42 }] });
    expect(dots).toEqual(['online', 'offline']);
    expect(presence.stateOf('bob')).toEqual({ userId: 'bob', status: 'offline', lastSeenAt: 42 });
    expect(presence.stateOf('nobody')).toEqual({ userId: 'nobody', status: 'unknown' });
    expect(changes.map((c) => [c.userId, c.state.status, c.previous?.status])).toEqual([
      ['bob', 'online', undefined],
      ['carol', 'unknown', undefined],
      ['bob', 'offline', 'online'],
    ]);
  });

  it('counts watches per user, sends subscribe and unsubscribe frames of at most 500 ids, and re-sends them after a reconnect', async () => {
    const { online, presence, ws, clock } = setup();
    const socket = await online();
    const many = Array.from({ length: 600 }, (_, i) => `m${i}`);
    const stopMany = presence.watch(many);
    const stopBob = presence.watch(['bob', 'm1']);
    const subscribed = socket.frames('presence').map((f) => (f['subscribe'] as string[]).length);
    expect(subscribed).toEqual([500, 100, 1]);
    expect(socket.frames('presence').at(-1)).toEqual({ type: 'presence', subscribe: ['bob'] });
    stopMany();
    stopMany();
    // m1 is still watched by the second call.
    const unsubscribed = socket.frames('presence').filter((f) => f['unsubscribe']).flatMap((f) => f['unsubscribe'] as string[]);
    expect(unsubscribed).toHaveLength(599);
    expect(unsubscribed).not.toContain('m1');
    socket.deliver({ type: 'presence', users: [{ userId: 'bob', status: 'online' }] });
    expect(presence.stateOf('bob').status).toBe('online');

    socket.serverClose(1006);
    presence.watch(['dave']);
    clock.advance(1000);
    await flush();
    const again = ws.last();
    expect(again).not.toBe(socket);
    await handshake(again, 'alice');
    // What was known belonged to the old session; the watches are sent again, once.
    expect(presence.stateOf('bob').status).toBe('unknown');
    expect(again.frames('presence')).toEqual([{ type: 'presence', subscribe: ['m1', 'bob', 'dave'] }]);
    stopBob();
    expect(again.frames('presence').at(-1)).toEqual({ type: 'presence', unsubscribe: ['bob', 'm1'] });
  });

  it('hides and shows presence through PATCH /api/me', async () => {
    const { presence, rest } = setup();
    await presence.setVisible(false);
    await presence.setVisible(true);
    expect(rest.calls.filter((c) => c.method === 'PATCH').map((c) => [c.path, c.body])).toEqual([
      ['/api/me', { showPresence: false }],
      ['/api/me', { showPresence: true }],
    ]);
  });
});
