import { afterEach, describe, expect, it } from 'vitest';
import { dmConversationId } from '@quickchat/protocol';
import { ChatFixture, sendContent } from './support/messaging.js';
import { NOBODY } from './support/friends.js';
import { AV, callAction, callState, expectCall, expectError, invite, sendSignal, signalError, signals } from './support/calls.js';

/**
 * Who may take part in a call: the first accept wins and the callee's other devices are
 * "answered elsewhere"; signaling from anyone but the two bound sessions (a third user, the
 * callee's other device, a stale or unknown call id, after hang-up) is refused with an error and
 * never delivered; a stranger can't be told from a user who does not exist; and no client can
 * write a call record.
 */

let fixture: ChatFixture;
afterEach(async () => fixture?.close());

async function inCall() {
  fixture = await ChatFixture.start();
  const { alice, bob, mallory } = await fixture.users(['alice', 'bob', 'mallory'], [['alice', 'bob'], ['mallory', 'bob'], ['mallory', 'alice']]);
  const a = await fixture.connect(alice);
  const b = await fixture.connect(bob);
  const b2 = await fixture.connect(bob);
  const m = await fixture.connect(mallory);
  const placed = await invite(a, bob.id);
  await callState(b, placed.callId, 'ringing');
  await callState(b2, placed.callId, 'ringing');
  return { alice, bob, mallory, a, b, b2, m, callId: placed.callId };
}

describe('calls: who may take part', () => {
  it('two callee devices: the first accept wins, the other is answered elsewhere and its accept and decline are refused', async () => {
    const { alice, a, b, b2, callId } = await inCall();
    const a2 = await fixture.connect(alice);
    expectCall(await callAction(b2, { action: 'accept', callId, media: AV }));
    expect(await callState(b, callId, 'accepted')).toMatchObject({ here: false });
    expect(await callState(a, callId, 'accepted')).toMatchObject({ here: true });
    // The caller's other device learns the call is on (a2 connected after the invite, so it only hears this).
    expect(await callState(a2, callId, 'accepted')).toMatchObject({ here: false });
    expect(expectError(await callAction(b, { action: 'accept', callId, media: AV }))).toBe('conflict');
    expect(expectError(await callAction(b, { action: 'decline', callId }))).toBe('conflict');
    // Signaling goes to the device that answered, not the one that rang first.
    sendSignal(a, callId, { type: 'offer', sdp: 'x' });
    await b2.waitForCount((f) => f.type === 'signal', 1);
    await b.roundTrip();
    expect(signals(b, callId)).toEqual([]);
  });

  it('forged signaling from a third user, from the callee\'s other device, with an unknown id and after hang-up: refused with an error, never delivered', async () => {
    const { a, b, b2, m, callId } = await inCall();
    // Before the accept nobody may signal, not even the caller.
    expect((await signalError(a, sendSignal(a, callId, { early: true }))).code).toBe('not_found');
    expectCall(await callAction(b, { action: 'accept', callId, media: AV }));
    await callState(a, callId, 'accepted');

    const refusals = [
      [m, sendSignal(m, callId, { from: 'mallory' })],
      [b2, sendSignal(b2, callId, { from: 'other device' })],
      [a, sendSignal(a, 'c_unknownunknown1', { from: 'unknown id' })],
    ] as const;
    for (const [c, id] of refusals) expect((await signalError(c, id)).code).toBe('not_found');
    // A real signal still flows, so the forged ones were not merely delayed.
    sendSignal(a, callId, { real: 1 });
    await b.waitForCount((f) => f.type === 'signal', 1);

    expectCall(await callAction(a, { action: 'hangup', callId }));
    await callState(b, callId, 'ended');
    expect((await signalError(a, sendSignal(a, callId, { after: 'hangup' }))).code).toBe('not_found');
    expect((await signalError(b, sendSignal(b, callId, { after: 'hangup' }))).code).toBe('not_found');
    // Mallory can't act on the call either.
    expect(expectError(await callAction(m, { action: 'hangup', callId }))).toBe('not_found');

    await Promise.all([a, b, b2, m].map((c) => c.roundTrip()));
    expect(signals(b, callId).map((s) => s.data)).toEqual([{ real: 1 }]);
    expect(signals(a, callId)).toEqual([]);
    expect(signals(b2, callId)).toEqual([]);
    expect(signals(m, callId)).toEqual([]);
  });

  it('a call to a non-friend gets the same not_found as a call to a user who does not exist, or to oneself; nothing rings', async () => {
    fixture = await ChatFixture.start();
    const { alice, stranger } = await fixture.users(['alice', 'stranger']);
    const a = await fixture.connect(alice);
    const s = await fixture.connect(stranger);
    const replies = [];
    for (const peerId of [stranger.id, NOBODY, alice.id]) replies.push(await callAction(a, { action: 'invite', peerId, media: AV }));
    const shapes = replies.map((r) => (r.type === 'error' ? { code: r.code, message: r.message } : r));
    expect(shapes[0]).toEqual({ code: 'not_found', message: 'user not found' });
    expect(shapes[1]).toEqual(shapes[0]);
    expect(shapes[2]).toEqual(shapes[0]);
    await s.roundTrip();
    expect(s.frames.filter((f) => f.type === 'call')).toEqual([]);
  });

  it('a client-sent call record is refused and writes nothing', async () => {
    fixture = await ChatFixture.start();
    const { alice, bob } = await fixture.users(['alice', 'bob'], [['alice', 'bob']]);
    const a = await fixture.connect(alice);
    const dm = dmConversationId(alice.id, bob.id);
    const forged = { type: 'call', callId: 'c_forgedforged1', callerId: bob.id, outcome: 'completed', media: AV, durationMs: 3_600_000 };
    const reply = await sendContent(a, dm, forged);
    expect(reply).toMatchObject({ type: 'error', code: 'validation' });
    const history = await fixture.rest.call<{ messages: unknown[] }>('GET', `/api/conversations/${encodeURIComponent(dm)}/messages`, { token: alice.token });
    expect(history.body.messages).toEqual([]);
  });
});
