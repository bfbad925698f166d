import { afterEach, describe, expect, it } from 'vitest';
import { dmConversationId, type MessageFrame } from '@quickchat/protocol';
import type { RawClient } from './support/ws-client.js';
import { ChatFixture, messageIn } from './support/messaging.js';
import type { ServerOptions } from '../src/config.js';
import { AV, callAction, callFrames, callRecords, callState, expectCall, expectError, history, invite, sendSignal, signals, syncedMessages } from './support/calls.js';

/**
 * The call lifecycle the server enforces, with raw sockets: accept (and signaling between exactly
 * the two bound sessions), decline, cancel, missed, busy, hang-up from each side, and the one
 * record every call leaves in the DM.
 */

let fixture: ChatFixture;
afterEach(async () => fixture?.close());

async function callers(limits: Partial<ServerOptions['limits']> = {}) {
  fixture = await ChatFixture.start({ limits });
  const { alice, bob, carol } = await fixture.users(['alice', 'bob', 'carol'], [['alice', 'bob'], ['alice', 'carol'], ['bob', 'carol']]);
  const a = await fixture.connect(alice);
  const b = await fixture.connect(bob);
  return { alice, bob, carol, a, b, dm: dmConversationId(alice.id, bob.id) };
}

/** The `message` frame carrying the record of `callId`, once `c` received it (whatever was consumed since). */
async function recordFrame(c: RawClient, dm: string, callId: string): Promise<MessageFrame> {
  const [frame] = await c.waitForCount((f) => messageIn(dm)(f) && f.message.content.type === 'call' && f.message.content.callId === callId, 1);
  return frame as MessageFrame;
}

describe('calls: lifecycle', () => {
  it('invite rings every device of the callee; accept binds two sessions; signals flow both ways between exactly them; hang-up completes it', async () => {
    const { alice, bob, a, b, dm } = await callers();
    const a2 = await fixture.connect(alice);
    const b2 = await fixture.connect(bob);

    const placed = await invite(a, bob.id, { audio: true, video: false });
    expect(placed).toMatchObject({ state: 'ringing', here: true, callerId: alice.id, calleeId: bob.id, conversationId: dm, media: { audio: true, video: false } });
    for (const other of [b, b2, a2]) expect(await callState(other, placed.callId, 'ringing')).toMatchObject({ here: false });

    const accepted = expectCall(await callAction(b, { action: 'accept', callId: placed.callId, media: { audio: true, video: false } }));
    expect(accepted).toMatchObject({ state: 'accepted', here: true, acceptedMedia: { audio: true, video: false } });
    expect(await callState(a, placed.callId, 'accepted')).toMatchObject({ here: true });
    expect(await callState(a2, placed.callId, 'accepted')).toMatchObject({ here: false });
    expect(await callState(b2, placed.callId, 'accepted')).toMatchObject({ here: false });

    sendSignal(a, placed.callId, { type: 'offer', sdp: 'v=0 offer' });
    sendSignal(b, placed.callId, { type: 'answer', sdp: 'v=0 answer' });
    sendSignal(b, placed.callId, { candidate: 'candidate:1 1 udp 1 10.0.0.1 5000 typ host', sdpMid: '0' });
    await b.waitForCount((f) => f.type === 'signal', 1);
    await a.waitForCount((f) => f.type === 'signal', 2);
    expect(signals(b, placed.callId)).toEqual([{ type: 'signal', callId: placed.callId, fromUserId: alice.id, data: { type: 'offer', sdp: 'v=0 offer' } }]);
    expect(signals(a, placed.callId).map((s) => s.data)).toEqual([{ type: 'answer', sdp: 'v=0 answer' }, { candidate: 'candidate:1 1 udp 1 10.0.0.1 5000 typ host', sdpMid: '0' }]);

    expectCall(await callAction(a, { action: 'connected', callId: placed.callId }));
    expect(await callState(b, placed.callId, 'connected')).toMatchObject({ here: true });

    const ended = expectCall(await callAction(b, { action: 'hangup', callId: placed.callId }));
    expect(ended).toMatchObject({ state: 'ended', outcome: 'completed', here: true });
    for (const c of [a, a2, b2]) expect(await callState(c, placed.callId, 'ended')).toMatchObject({ outcome: 'completed' });
    // The other devices never saw signaling.
    await Promise.all([a2, b2].map((c) => c.roundTrip()));
    expect(signals(a2, placed.callId)).toEqual([]);
    expect(signals(b2, placed.callId)).toEqual([]);

    const record = (await recordFrame(b2, dm, placed.callId)).message;
    expect(record.senderId).toBe(alice.id);
    expect(record.content).toMatchObject({ type: 'call', callId: placed.callId, callerId: alice.id, outcome: 'completed', media: { audio: true, video: false } });
    expect((record.content as { durationMs?: number }).durationMs).toBeGreaterThanOrEqual(0);
  });

  it('decline, cancel, missed and busy each end the call with their outcome and leave one record', async () => {
    const { bob, carol, a, b, dm } = await callers({ callRingTimeoutMs: 300 });

    const declined = await invite(a, bob.id);
    await callState(b, declined.callId, 'ringing');
    expect(expectCall(await callAction(b, { action: 'decline', callId: declined.callId }))).toMatchObject({ state: 'ended', outcome: 'declined' });
    expect(await callState(a, declined.callId, 'ended')).toMatchObject({ outcome: 'declined', here: true });

    const cancelled = await invite(a, bob.id);
    await callState(b, cancelled.callId, 'ringing');
    expect(expectCall(await callAction(a, { action: 'cancel', callId: cancelled.callId }))).toMatchObject({ state: 'ended', outcome: 'cancelled' });
    expect(await callState(b, cancelled.callId, 'ended')).toMatchObject({ outcome: 'cancelled', here: false });
    // Too late to accept: the call is gone.
    expect(expectError(await callAction(b, { action: 'accept', callId: cancelled.callId, media: AV }))).toBe('not_found');

    const missed = await invite(a, bob.id);
    expect(await callState(b, missed.callId, 'ended')).toMatchObject({ outcome: 'missed' });
    expect(await callState(a, missed.callId, 'ended')).toMatchObject({ outcome: 'missed' });

    // Bob is in a call with Carol: Alice's call is busy at once, and Bob's devices never ring.
    const c = await fixture.connect(carol);
    const withCarol = await invite(c, bob.id);
    const busy = await invite(a, bob.id);
    expect(busy).toMatchObject({ state: 'ended', outcome: 'busy', here: true });
    await b.roundTrip();
    expect(callFrames(b, busy.callId)).toEqual([]);
    expectCall(await callAction(c, { action: 'cancel', callId: withCarol.callId }));

    await recordFrame(b, dm, busy.callId);
    const records = callRecords(await history(fixture.rest, bob, dm));
    expect(records.map((r) => [r.content.callId, r.content.outcome, r.content.durationMs])).toEqual([
      [declined.callId, 'declined', undefined],
      [cancelled.callId, 'cancelled', undefined],
      [missed.callId, 'missed', undefined],
      [busy.callId, 'busy', undefined],
    ]);
  });

  it('hang-up from either side ends it for both, and a second call can start at once', async () => {
    const { alice, bob, a, b } = await callers();
    for (const [hanger, other] of [[a, b], [b, a]] as const) {
      const placed = await invite(a, bob.id);
      await callState(b, placed.callId, 'ringing');
      expectCall(await callAction(b, { action: 'accept', callId: placed.callId, media: AV }));
      await callState(a, placed.callId, 'accepted');
      expectCall(await callAction(a, { action: 'connected', callId: placed.callId }));
      await callState(b, placed.callId, 'connected');
      expect(expectCall(await callAction(hanger, { action: 'hangup', callId: placed.callId }))).toMatchObject({ state: 'ended', outcome: 'completed' });
      expect(await callState(other, placed.callId, 'ended')).toMatchObject({ outcome: 'completed', here: true });
      // Nothing about the old call is accepted any more.
      expect(expectError(await callAction(other, { action: 'hangup', callId: placed.callId }))).toBe('not_found');
    }
    // And the callee can call back at once.
    const back = await invite(b, alice.id);
    expect(back).toMatchObject({ state: 'ringing', callerId: bob.id });
  });

  it('records: exactly one per call, in history and in sync, on every device of both users', async () => {
    const { alice, bob, a, b, dm } = await callers();
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const placed = await invite(i % 2 ? b : a, i % 2 ? alice.id : bob.id);
      const [caller, callee] = i % 2 ? [b, a] : [a, b];
      await callState(callee, placed.callId, 'ringing');
      expectCall(await callAction(callee, { action: 'accept', callId: placed.callId, media: AV }));
      await callState(caller, placed.callId, 'accepted');
      expectCall(await callAction(caller, { action: 'connected', callId: placed.callId }));
      expectCall(await callAction(caller, { action: 'hangup', callId: placed.callId }));
      await recordFrame(a, dm, placed.callId);
      await recordFrame(b, dm, placed.callId);
      ids.push(placed.callId);
    }
    const late = await fixture.connect(bob);
    for (const [user, c] of [[alice, a], [bob, b], [bob, late]] as const) {
      const fromHistory = callRecords(await history(fixture.rest, user, dm));
      const fromSync = callRecords(await syncedMessages(c, dm));
      for (const list of [fromHistory, fromSync]) {
        expect(list.map((r) => r.content.callId)).toEqual(ids);
        expect(list.every((r) => r.content.outcome === 'completed' && typeof r.content.durationMs === 'number')).toBe(true);
      }
      expect(fromSync.map((r) => r.seq)).toEqual(fromHistory.map((r) => r.seq));
    }
    // Callers alternate: each record is in its caller's name.
    const records = callRecords(await history(fixture.rest, alice, dm));
    expect(records.map((r) => r.senderId)).toEqual([alice.id, bob.id, alice.id]);
    expect(records.map((r) => r.clientMsgId)).toEqual(ids.map((id) => `call:${id}`));
  });

  it('a hang-up after the accept but before the peers ever connected records the call as failed', async () => {
    const { bob, a, b, dm } = await callers();
    const placed = await invite(a, bob.id);
    await callState(b, placed.callId, 'ringing');
    expectCall(await callAction(b, { action: 'accept', callId: placed.callId, media: AV }));
    await callState(a, placed.callId, 'accepted');
    expect(expectCall(await callAction(a, { action: 'hangup', callId: placed.callId }))).toMatchObject({ state: 'ended', outcome: 'failed' });
    expect(await callState(b, placed.callId, 'ended')).toMatchObject({ outcome: 'failed' });
    const record = await recordFrame(b, dm, placed.callId);
    expect(record.message.content).toMatchObject({ type: 'call', outcome: 'failed' });
  });
});
