import { expect } from 'vitest';
import type { CallEventFrame, CallRecordContent, ErrorFrame, Message, ServerFrame, SignalEventFrame } from '@quickchat/protocol';
import { parseServerFrame, ProtocolError } from '@quickchat/protocol/validate';
import { dmConversationId } from '@quickchat/protocol';
import type { RawClient } from './ws-client.js';
import type { ChatFixture } from './messaging.js';
import type { Rest, TestUser } from './rest.js';
import { sync } from './friends.js';

/** Audio and video, the media most tests offer. */
export const AV = { audio: true, video: true } as const;

let requestId = 0;

/** The reply to a `call` frame: the call as the asking session sees it, or an error. */
export type CallReply = CallEventFrame | ErrorFrame;

/** Sends a `call` frame with a fresh request id and resolves with its reply (matched by id). */
export async function callAction(c: RawClient, frame: Record<string, unknown>): Promise<CallReply> {
  const id = `call-${++requestId}`;
  c.send({ type: 'call', id, ...frame });
  const reply = await c.next<CallReply>((f) => (f.type === 'call' || f.type === 'error') && f.id === id);
  // Every reply is a valid server frame.
  expect(parseServerFrame(JSON.stringify(reply))).not.toBeInstanceOf(ProtocolError);
  return reply;
}

/** Rings `peerId` from `c`; resolves with the call (throws on an error reply). */
export async function invite(c: RawClient, peerId: string, media: { audio: boolean; video: boolean } = AV): Promise<CallEventFrame> {
  return expectCall(await callAction(c, { action: 'invite', peerId, media }));
}

/** A `call` reply that must not be an error. */
export function expectCall(reply: CallReply): CallEventFrame {
  if (reply.type !== 'call') throw new Error(`expected a call frame, got ${JSON.stringify(reply)}`);
  return reply;
}

/** A reply that must be an error; returns its code. */
export function expectError(reply: CallReply | ServerFrame): ErrorFrame['code'] {
  if (reply.type !== 'error') throw new Error(`expected an error, got ${JSON.stringify(reply)}`);
  return reply.code;
}

/** Waits for the `call` frame of `callId` in `state` on `c` (consumes up to it). */
export function callState(c: RawClient, callId: string, state: CallEventFrame['state']): Promise<CallEventFrame> {
  return c.next<CallEventFrame>((f) => f.type === 'call' && f.callId === callId && f.state === state);
}

/** Every `call` frame `c` received about `callId`. */
export function callFrames(c: RawClient, callId: string): CallEventFrame[] {
  return c.frames.filter((f): f is CallEventFrame => f.type === 'call' && f.callId === callId);
}

/** Every `signal` frame `c` received about `callId`. */
export function signals(c: RawClient, callId: string): SignalEventFrame[] {
  return c.frames.filter((f): f is SignalEventFrame => f.type === 'signal' && f.callId === callId);
}

/** Sends a `signal` frame with a request id; returns the id (errors echo it). */
export function sendSignal(c: RawClient, callId: string, data: Record<string, unknown>): string {
  const id = `sig-${++requestId}`;
  c.send({ type: 'signal', id, callId, data });
  return id;
}

/** The error answering the `signal` frame of request `id`. */
export function signalError(c: RawClient, id: string): Promise<ErrorFrame> {
  return c.next<ErrorFrame>((f) => f.type === 'error' && f.id === id);
}

/** Call records in a list of messages. */
export function callRecords(messages: readonly Message[]): (Message & { content: CallRecordContent })[] {
  return messages.filter((m): m is Message & { content: CallRecordContent } => m.content.type === 'call');
}

/** The DM's history as `user` reads it over REST. */
export async function history(rest: Rest, user: TestUser, conversationId: string): Promise<Message[]> {
  const res = await rest.call<{ messages: Message[] }>('GET', `/api/conversations/${encodeURIComponent(conversationId)}/messages`, { token: user.token });
  expect(res.status).toBe(200);
  return res.body.messages;
}

/** The messages of one conversation in a full sync of `c`. */
export async function syncedMessages(c: RawClient, conversationId: string): Promise<Message[]> {
  const synced = await sync(c, { eventsAfter: 0, cursors: { [conversationId]: 0 } });
  return synced.conversations.find((s) => s.conversationId === conversationId)?.messages ?? [];
}

/** Alice (friends with Bob) calls Bob on `fixture`, Bob accepts: both sockets, bound, and the call. */
export async function acceptedCall(fixture: ChatFixture) {
  const { alice, bob } = await fixture.users(['alice', 'bob'], [['alice', 'bob']]);
  const a = await fixture.connect(alice);
  const b = await fixture.connect(bob);
  const placed = await invite(a, bob.id);
  await callState(b, placed.callId, 'ringing');
  expectCall(await callAction(b, { action: 'accept', callId: placed.callId, media: AV }));
  await callState(a, placed.callId, 'accepted');
  return { alice, bob, a, b, callId: placed.callId, dm: dmConversationId(alice.id, bob.id) };
}
