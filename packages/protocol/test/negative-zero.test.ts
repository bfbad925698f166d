import { describe, expect, it } from 'vitest';
import { ErrorCode } from '@quickchat/protocol';
import { ProtocolError, parseFrame, parseJsonObject, schemas, validate } from '@quickchat/protocol/validate';
import { fastSendFrame } from '../src/validate/fast-send.js';

/**
 * `-0` passes `>= 0` and zod's `.nonnegative()`, and JSON (`-0`) and query strings (`"-0"`)
 * both produce it. Wherever a seq, cursor or request id must be a non-negative integer, it is
 * refused with the ordinary validation error, while `0` stays accepted.
 */

const DM = 'dm:u_alice~u_bob';
const sendText = (id: string) => `{"type":"send","id":${id},"conversationId":"${DM}","clientMsgId":"c1","content":{"type":"text","text":"hi"}}`;

function expectValidationError(result: unknown, field: string): void {
  expect(result).toBeInstanceOf(ProtocolError);
  const err = result as ProtocolError;
  expect(err.code).toBe(ErrorCode.Validation);
  expect(err.message.startsWith(`${field}: `), err.message).toBe(true);
}

describe('-0 is not a non-negative integer', () => {
  it('the seq and request-id primitives refuse -0 and accept 0', () => {
    expect(schemas.historyQuery.safeParse({ before: -0 }).success).toBe(false);
    expect(schemas.historyQuery.safeParse({ before: 0 }).success).toBe(true);
  });

  it.each<[string, string, string]>([
    ['a send id', sendText('-0'), 'id'],
    ['a sync eventsAfter', '{"type":"sync","eventsAfter":-0}', 'eventsAfter'],
    ['a sync cursor', `{"type":"sync","cursors":{"${DM}":-0}}`, `cursors.${DM}`],
    ['a receipt read cursor', `{"type":"receipt","conversationId":"${DM}","read":-0}`, 'read'],
    ['a receipt delivered cursor', `{"type":"receipt","conversationId":"${DM}","delivered":-0}`, 'delivered'],
    ['a ping id', '{"type":"ping","id":-0}', 'id'],
    ['an auth protocol version', '{"type":"auth","token":"t","protocol":-0}', 'protocol'],
  ])('%s of -0 in a frame is a validation error', (_label, text, field) => {
    const obj = parseJsonObject(text);
    if (!(obj instanceof ProtocolError) && obj['type'] === 'send') expect(fastSendFrame(obj)).toBeUndefined();
    const result = parseFrame(text);
    expectValidationError(result, field);
  });

  it('the same frames with 0 are accepted', () => {
    expect(parseFrame(sendText('0'))).not.toBeInstanceOf(ProtocolError);
    expect(fastSendFrame(parseJsonObject(sendText('0')) as Record<string, unknown>)).toBeDefined();
    expect(parseFrame('{"type":"sync","eventsAfter":0}')).not.toBeInstanceOf(ProtocolError);
    expect(parseFrame(`{"type":"receipt","conversationId":"${DM}","read":0}`)).not.toBeInstanceOf(ProtocolError);
  });

  it('an error frame never echoes -0 as the request id', () => {
    const err = parseFrame(`{"type":"send","id":-0,"conversationId":5}`);
    expect(err).toBeInstanceOf(ProtocolError);
    expect(Object.is((err as ProtocolError).id, -0)).toBe(false);
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['before "-0"', { before: '-0' }, 'before'],
    ['after "-0"', { after: '-0' }, 'after'],
    ['after "-0.0"', { after: '-0.0' }, 'after'],
    ['before -0 as a number', { before: -0 }, 'before'],
  ])('a history query with %s is a validation error', (_label, query, field) => {
    expectValidationError(validate(schemas.historyQuery, query), field);
  });

  it('a history query of "0" is still accepted', () => {
    expect(validate(schemas.historyQuery, { after: '0' })).toEqual({ after: 0 });
  });
});
