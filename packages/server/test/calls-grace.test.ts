import { afterEach, describe, expect, it } from 'vitest';
import { dmConversationId } from '@quickchat/protocol';
import { ChatFixture, messageIn } from './support/messaging.js';
import type { ServerOptions } from '../src/config.js';
import { acceptedCall, callAction, callRecords, callState, expectCall, expectError, history, sendSignal, signalError, signals } from './support/calls.js';

/**
 * A bound session that drops: the call survives the grace period and its user can rejoin it
 * from a new session (signaling then flows to that one); without a rejoin it ends as failed
 * for both, with its record.
 */

let fixture: ChatFixture;
afterEach(async () => fixture?.close());

async function acceptedCallWith(limits: Partial<ServerOptions['limits']>) {
  fixture = await ChatFixture.start({ limits });
  return acceptedCall(fixture);
}

describe('calls: a dropped socket', () => {
  it('rejoining within the grace keeps the call: the new session is bound and signaling flows to it', async () => {
    const { bob, a, b, callId } = await acceptedCallWith({ callGraceMs: 10_000 });
    await b.close();
    // While bob is away, alice's signals are refused, not lost silently.
    expect((await signalError(a, sendSignal(a, callId, { lost: true }))).code).toBe('conflict');
    const b2 = await fixture.connect(bob);
    const rejoined = expectCall(await callAction(b2, { action: 'rejoin', callId }));
    expect(rejoined).toMatchObject({ state: 'accepted', here: true });
    // Alice hears the call again (a cue to restart ICE); it never ended.
    const again = await a.next((f) => f.type === 'call' && f.callId === callId);
    expect(again).toMatchObject({ state: 'accepted', here: true });
    sendSignal(a, callId, { type: 'offer', iceRestart: true });
    sendSignal(b2, callId, { type: 'answer' });
    await b2.waitForCount((f) => f.type === 'signal', 1);
    await a.waitForCount((f) => f.type === 'signal', 1);
    expect(signals(b2, callId).map((s) => s.data)).toEqual([{ type: 'offer', iceRestart: true }]);
    expect(a.frames.some((f) => f.type === 'call' && f.callId === callId && f.state === 'ended')).toBe(false);
    expectCall(await callAction(a, { action: 'connected', callId }));
    expectCall(await callAction(a, { action: 'hangup', callId }));
    expect(await callState(b2, callId, 'ended')).toMatchObject({ outcome: 'completed' });
  });

  it('no rejoin within the grace: the call ends as failed for both, with one record; a late rejoin is refused', async () => {
    const { alice, bob, a, b, callId, dm } = await acceptedCallWith({ callGraceMs: 300 });
    await b.close();
    const ended = await callState(a, callId, 'ended');
    expect(ended).toMatchObject({ outcome: 'failed', here: true });
    const b2 = await fixture.connect(bob);
    expect(expectError(await callAction(b2, { action: 'rejoin', callId }))).toBe('not_found');
    await a.waitForCount((f) => messageIn(dm)(f) && f.message.content.type === 'call', 1);
    for (const user of [alice, bob]) {
      const records = callRecords(await history(fixture.rest, user, dm));
      expect(records.map((r) => [r.content.callId, r.content.outcome])).toEqual([[callId, 'failed']]);
      expect(records[0]!.content.durationMs).toBeGreaterThanOrEqual(0);
    }
  });
});
