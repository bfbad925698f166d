import { afterEach, describe, expect, it } from 'vitest';
import type { CallEventFrame } from '@quickchat/protocol';
import { closeAll, testClient } from '../support/client.js';
import { flush, syncedFrame } from '../support/fakes.js';

afterEach(closeAll);

/** The core surfaces calls (ringing above all) without the calls entry: an app can ring before loading it. */
describe('incoming calls in the core', () => {
  it('emits every call frame as a `call` event, in order, with what the server said', async () => {
    const t = testClient();
    const seen: CallEventFrame[] = [];
    t.client.on('call', ({ call }) => seen.push(call));
    const socket = await t.online(syncedFrame());
    const ringing: CallEventFrame = {
      type: 'call',
      callId: 'c_abcdefgh12',
      conversationId: 'dm:alice~bob',
      callerId: 'bob',
      calleeId: 'alice',
      media: { audio: true, video: true },
      state: 'ringing',
      here: false,
      startedAt: 1,
    };
    socket.deliver(ringing);
    socket.deliver({ ...ringing, state: 'ended', outcome: 'cancelled', endedAt: 2 });
    await flush();
    expect(seen.map((c) => [c.state, c.outcome])).toEqual([
      ['ringing', undefined],
      ['ended', 'cancelled'],
    ]);
    expect(seen[0]).toEqual(ringing);
  });
});
