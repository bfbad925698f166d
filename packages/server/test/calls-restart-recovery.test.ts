import { describe, expect, it } from 'vitest';
import { dmConversationId, type CallRecordContent } from '@quickchat/protocol';
import { useSqliteFile } from './support/sqlite-file.js';
import { LocalBus } from '../src/bus/local.js';
import { createLogger } from '../src/log.js';
import { leftOpenRecord } from '../src/services/calls/records.js';
import { CallService } from '../src/services/calls/call-service.js';
import { ConversationAccess } from '../src/services/access/access.js';
import { resolveConfig } from '../src/config.js';
import type { NewOpenCall, OpenCallRecord, Store } from '../src/store/types.js';

/**
 * What becomes of the calls a node left open when it went away without ending them (a crash, a
 * `kill -9`; docs/calls.md#restarts): one record each, by how far the call got, `interrupted`,
 * their rows gone from the journal; the rows of nodes still alive are left alone.
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

  it('every row of a gone node becomes one record in its DM (duration up to its last sign of life), rows of live nodes stay, and a second pass writes nothing', async () => {
    const log = createLogger('silent');
    const store: Store = sqlite.open({ memory: true });
    const ctx = { nodeId: 'n_here', store, bus: new LocalBus(), config: resolveConfig({ dataDir: 'unused' }), log, now: () => 10_000 };
    const calls = new CallService(ctx, new ConversationAccess(ctx));
    await store.createConversation({ id: AB, kind: 'dm', members: ['u_a', 'u_b'], createdAt: 1 });
    await store.appendMessages([{ id: 'm_1', conversationId: AB, senderId: 'u_a', clientMsgId: 'k1', content: { type: 'text', text: 'call me' }, createdAt: 500 }]);
    await store.openCall(ringing);
    await store.openCall(talking);
    await store.openCall({ ...ringing, callId: 'c_live', ownerNode: 'n_live', startedAt: 4_000 });
    await store.markCallConnected('c_talk', { acceptedAt: 2_500, connectedAt: 3_000 });
    const isGone = async (owner: string) => owner !== 'n_live';
    const lastAliveAt = async (owner: string) => (owner === 'n_gone' ? 5_000 : null);
    expect(await calls.recordCallsOfGoneNodes(isGone, lastAliveAt)).toBe(2);
    expect((await store.listOpenCalls()).calls.map((c) => c.callId)).toEqual(['c_live']);
    const page = await store.getMessages(AB, { limit: 10 });
    expect(page.messages.map((m) => [m.seq, m.senderId, m.clientMsgId, m.createdAt])).toEqual([
      [1, 'u_a', 'k1', 500],
      [2, 'u_a', 'call:c_ring', 10_000],
      [3, 'u_b', 'call:c_talk', 10_000],
    ]);
    // Connected at 3 s, its node last alive at 5 s: a 2 s lower bound.
    expect(page.messages[2]!.content as CallRecordContent).toMatchObject({ outcome: 'completed', durationMs: 2_000, interrupted: true });
    expect(await calls.recordCallsOfGoneNodes(isGone, lastAliveAt)).toBe(0);
    expect((await store.getMessages(AB, { limit: 10 })).messages).toHaveLength(3);
  });

  it('without a sign of life of the gone node, a connected call has no duration rather than a wrong one (an in-memory store cannot tell its last write)', async () => {
    const store: Store = sqlite.open({ memory: true });
    const ctx = { nodeId: 'n_here', store, bus: new LocalBus(), config: resolveConfig({ dataDir: 'unused' }), log: createLogger('silent'), now: () => 10_000 };
    await store.createConversation({ id: AB, kind: 'dm', members: ['u_a', 'u_b'], createdAt: 1 });
    await store.openCall(talking);
    await store.markCallConnected('c_talk', { acceptedAt: 2_500, connectedAt: 3_000 });
    expect(await new CallService(ctx, new ConversationAccess(ctx)).recordCallsOfGoneNodes(async () => true, async () => null)).toBe(1);
    const [record] = (await store.getMessages(AB, { limit: 10 })).messages;
    expect(record!.content as CallRecordContent).toMatchObject({ outcome: 'completed', interrupted: true });
    expect(record!.content).not.toHaveProperty('durationMs');
  });
});
