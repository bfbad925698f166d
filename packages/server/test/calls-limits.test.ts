import { afterEach, describe, expect, it } from 'vitest';
import { ChatFixture } from './support/messaging.js';
import { acceptedCall, AV, callAction, expectCall, sendSignal, signals } from './support/calls.js';

/**
 * Calls have budgets of their own: a burst of trickle ICE passes while the message budget is
 * tiny, and a flood of invites is rate-limited.
 */

let fixture: ChatFixture;
afterEach(async () => fixture?.close());

describe('calls: budgets', () => {
  it('a burst of 50 ICE candidates is delivered in full and in order while the message budget is tiny', async () => {
    fixture = await ChatFixture.start({ limits: { messagesPerSecond: 0.01, messageBurst: 4 } });
    const { a, b, callId } = await acceptedCall(fixture);
    const placed = { callId };

    for (let i = 0; i < 50; i++) sendSignal(a, placed.callId, { candidate: `candidate:${i} 1 udp 2122260223 192.0.2.1 ${50000 + i} typ host`, sdpMid: '0' });
    await b.waitForCount((f) => f.type === 'signal', 50);
    expect(signals(b, placed.callId).map((s) => s.data['candidate'])).toEqual(Array.from({ length: 50 }, (_, i) => `candidate:${i} 1 udp 2122260223 192.0.2.1 ${50000 + i} typ host`));
    expect(a.frames.filter((f) => f.type === 'error')).toEqual([]);
    // The message budget really is tiny: the signals did not come out of it, but a ping does.
    for (let i = 0; i < 3; i++) a.send({ type: 'ping', id: `p${i}` });
    const limited = await a.next((f) => f.type === 'error');
    expect(limited).toMatchObject({ code: 'rate_limited' });
  });

  it('a flood of invites is rate-limited with a retry hint', async () => {
    fixture = await ChatFixture.start({ limits: { callInvitesPerMinute: 3 } });
    const { alice, bob } = await fixture.users(['alice', 'bob'], [['alice', 'bob']]);
    const a = await fixture.connect(alice);
    const b = await fixture.connect(bob);
    const outcomes: string[] = [];
    for (let i = 0; i < 6; i++) {
      const reply = await callAction(a, { action: 'invite', peerId: bob.id, media: AV });
      if (reply.type === 'error') {
        outcomes.push(reply.code);
        if (reply.code === 'rate_limited') expect(reply.retryAfterMs).toBeGreaterThan(0);
        continue;
      }
      outcomes.push(reply.state);
      expectCall(await callAction(a, { action: 'cancel', callId: reply.callId }));
    }
    expect(outcomes).toEqual(['ringing', 'ringing', 'ringing', 'rate_limited', 'rate_limited', 'rate_limited']);
    await b.roundTrip();
    expect(new Set(b.frames.flatMap((f) => (f.type === 'call' ? [f.callId] : []))).size).toBe(3);
  });
});
