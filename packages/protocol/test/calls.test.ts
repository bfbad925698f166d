import { describe, expect, it } from 'vitest';
import type { ClientFrame } from '@quickchat/protocol';
import { MAX_SIGNAL_BYTES, ProtocolError, parseFrame, parseServerFrame, schemas } from '@quickchat/protocol/validate';

/** The call and signal frames, the call event frames and the call record content. */

const parse = (value: unknown) => parseFrame(typeof value === 'string' ? value : JSON.stringify(value));
const CALL = 'c_abcdefgh1234';
const AV = { audio: true, video: true };

function ok(result: ClientFrame | ProtocolError): ClientFrame {
  if (result instanceof ProtocolError) throw new Error(`expected a frame, got ${result.code}: ${result.message}`);
  return result;
}

function refused(result: unknown): string {
  expect(result).toBeInstanceOf(ProtocolError);
  expect((result as ProtocolError).code).toBe('validation');
  return (result as ProtocolError).message;
}

describe('call frames', () => {
  it('accepts each action with the fields it needs', () => {
    const valid = [
      { type: 'call', id: 1, action: 'invite', peerId: 'u_bob', media: { audio: true, video: false } },
      { type: 'call', action: 'accept', callId: CALL, media: AV },
      { type: 'call', action: 'decline', callId: CALL },
      { type: 'call', action: 'cancel', callId: CALL },
      { type: 'call', action: 'hangup', callId: CALL },
      { type: 'call', action: 'connected', callId: CALL },
      { type: 'call', id: 'r', action: 'rejoin', callId: CALL },
    ];
    for (const frame of valid) expect(ok(parse(frame))).toEqual(frame);
  });

  it('refuses unknown actions, missing fields, bad ids and media with nothing on', () => {
    expect(refused(parse({ type: 'call', action: 'transfer', callId: CALL }))).toMatch(/action/);
    expect(refused(parse({ type: 'call', action: 'invite', media: AV }))).toMatch(/peerId/);
    expect(refused(parse({ type: 'call', action: 'accept', callId: CALL }))).toMatch(/media/);
    expect(refused(parse({ type: 'call', action: 'hangup', callId: 'not-a-call' }))).toMatch(/callId/);
    expect(refused(parse({ type: 'call', action: 'invite', peerId: 'u_bob', media: { audio: false, video: false } }))).toMatch(/audio or video/);
    expect(refused(parse({ type: 'call', action: 'invite', peerId: 'u_bob', media: { audio: 'yes', video: false } }))).toMatch(/media\.audio/);
    expect(refused(parse({ type: 'call', action: 'invite', peerId: 'u bob', media: AV }))).toMatch(/peerId/);
  });

  it('strips fields a client may not choose (a forged caller or state)', () => {
    expect(ok(parse({ type: 'call', action: 'hangup', callId: CALL, callerId: 'u_eve', state: 'ended', outcome: 'completed' }))).toEqual({ type: 'call', action: 'hangup', callId: CALL });
  });
});

describe('signal frames', () => {
  it('carry a JSON object for the other side', () => {
    const frame = { type: 'signal', id: 3, callId: CALL, data: { type: 'offer', sdp: 'v=0\r\n' } };
    expect(ok(parse(frame))).toEqual(frame);
    const ice = { type: 'signal', callId: CALL, data: { candidate: { candidate: 'candidate:1 1 udp 1 192.0.2.1 5000 typ host', sdpMid: '0' } } };
    expect(ok(parse(ice))).toEqual(ice);
  });

  it('refuse data that is not an object, is too large, or carries prototype keys; and a missing call id', () => {
    for (const data of ['sdp', 42, null, ['a']]) refused(parse({ type: 'signal', callId: CALL, data }));
    expect(refused(parse({ type: 'signal', callId: CALL, data: { sdp: 'x'.repeat(MAX_SIGNAL_BYTES) } }))).toMatch(/at most/);
    expect(ok(parse({ type: 'signal', callId: CALL, data: { sdp: 'x'.repeat(MAX_SIGNAL_BYTES - 20) } })).type).toBe('signal');
    const proto = parse(`{"type":"signal","callId":"${CALL}","data":{"__proto__":{"polluted":true}}}`);
    expect(proto).toBeInstanceOf(ProtocolError);
    expect((proto as ProtocolError).code).toBe('bad_frame');
    refused(parse({ type: 'signal', data: { a: 1 } }));
  });
});

describe('call server frames and records', () => {
  const event = {
    type: 'call', callId: CALL, conversationId: 'dm:u_alice~u_bob', callerId: 'u_alice', calleeId: 'u_bob', media: AV,
    state: 'ended', outcome: 'completed', here: true, startedAt: 1, acceptedAt: 2, endedAt: 3,
  };

  it('a call event and a relayed signal are valid server frames', () => {
    expect(parseServerFrame(JSON.stringify(event))).toEqual(event);
    expect(parseServerFrame(JSON.stringify({ ...event, state: 'paused' }))).toBeInstanceOf(ProtocolError);
    const signal = { type: 'signal', callId: CALL, fromUserId: 'u_alice', data: { type: 'answer' } };
    expect(parseServerFrame(JSON.stringify(signal))).toEqual(signal);
  });

  it('a call record is stored content, never sendable content', () => {
    const record = { type: 'call', callId: CALL, callerId: 'u_alice', outcome: 'missed', media: AV };
    expect(schemas.messageContent.safeParse(record).success).toBe(true);
    expect(schemas.messageContent.safeParse({ ...record, outcome: 'exploded' }).success).toBe(false);
    expect(schemas.sendableContent.safeParse(record).success).toBe(false);
    const interrupted = { ...record, outcome: 'completed', durationMs: 5000, interrupted: true };
    expect(schemas.messageContent.parse(interrupted)).toEqual(interrupted);
    expect(schemas.messageContent.safeParse({ ...interrupted, interrupted: false }).success).toBe(false);
    expect(schemas.sendableContent.safeParse(interrupted).success).toBe(false);
    refused(parse({ type: 'send', conversationId: 'dm:u_alice~u_bob', clientMsgId: 'c1', content: record }));
  });
});
