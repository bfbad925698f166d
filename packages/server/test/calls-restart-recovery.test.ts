import { describe, expect, it } from 'vitest';
import { dmConversationId, type CallRecordContent } from '@quickchat/protocol';
import { useSqliteFile } from './support/sqlite-file.js';
import { LocalBus } from '../src/bus/local.js';
import { createLogger } from '../src/log.js';
import { closeLeftOpenCalls, leftOpenRecord } from '../src/services/calls/records.js';
import type { NewOpenCall, OpenCallRecord, Store } from '../src/store/types.js';

/**
 * What the next start makes of the calls a crashed run left open (docs/calls.md#restarts): one
 * record each, by how far the call got, `interrupted`, and the journal empty after.
 */
describe('calls across restarts: closing what a crash left open', () => {
  const AB = dmConversationId('u_a', 'u_b');
  const sqlite = useSqliteFile('quickchat-calls-recovery-');
  const ringing: NewOpenCall = { callId: 'c_ring', conversationId: AB, callerId: 'u_a', calleeId: 'u_b', media: { audio: true, video: false }, startedAt: 1_000, ownerNode: 'n_gone' };
  const talking: NewOpenCall = { ...ringing, callId: 'c_talk', callerId: 'u_b', calleeId: 'u_a', media: { audio: true, video: true }, startedAt: 2_000 };
  const asOpen = (c: NewOpenCall, connectedAt: number | null): OpenCallRecord => ({ ...c, acceptedAt: connectedAt === null ? null : connectedAt - 500, connectedAt });

  it('a ringing call is failed; a connected one completed up to the last write (never negative, left out when unknown); both interrupted', () => {
    expect(leftOpenRecord(asOpen(ringing, null), 9_000)).toEqual({ type: 'call', callId: 'c_ring', callerId: 'u_a', outcome: 'failed', media: ringing.media, interrupted: true });
    expect(leftOpenRecord(asOpen(talking, 3_000), 9_000)).toEqual({ type: 'call', callId: 'c_talk', callerId: 'u_b', outcome: 'completed', media: talking.media, durationMs: 6_000, interrupted: true });
    expect(leftOpenRecord(asOpen(talking, 3_000), 2_000).durationMs).toBe(0);
    expect(leftOpenRecord(asOpen(talking, 3_000), null)).not.toHaveProperty('durationMs');
  });

  it('at start, every open row becomes one record in its DM, the journal is emptied, and a second pass writes nothing', async () => {
    const log = createLogger('silent');
    const store: Store = sqlite.open({ memory: true });
    await store.createConversation({ id: AB, kind: 'dm', members: ['u_a', 'u_b'], createdAt: 1 });
    await store.appendMessages([{ id: 'm_1', conversationId: AB, senderId: 'u_a', clientMsgId: 'k1', content: { type: 'text', text: 'call me' }, createdAt: 500 }]);
    await store.openCall(ringing);
    await store.openCall(talking);
    await store.markCallConnected('c_talk', { acceptedAt: 2_500, connectedAt: 3_000 });
    expect(await closeLeftOpenCalls(store, new LocalBus(), log, 10_000)).toBe(2);
    expect((await store.listOpenCalls()).calls).toEqual([]);
    const page = await store.getMessages(AB, { limit: 10 });
    expect(page.messages.map((m) => [m.seq, m.senderId, m.clientMsgId, m.createdAt])).toEqual([
      [1, 'u_a', 'k1', 500],
      [2, 'u_a', 'call:c_ring', 10_000],
      [3, 'u_b', 'call:c_talk', 10_000],
    ]);
    // In memory the store cannot tell when it was last written: no duration rather than a wrong one.
    expect(page.messages[2]!.content as CallRecordContent).toMatchObject({ outcome: 'completed', interrupted: true });
    expect(page.messages[2]!.content).not.toHaveProperty('durationMs');
    expect(await closeLeftOpenCalls(store, new LocalBus(), log, 11_000)).toBe(0);
    expect((await store.getMessages(AB, { limit: 10 })).messages).toHaveLength(3);
  });
});
