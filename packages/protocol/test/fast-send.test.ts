import { describe, expect, it } from 'vitest';
import { PROTOCOL_LIMITS } from '@quickchat/protocol';
import { ProtocolError, parseFrame, parseJsonObject, schemas, validate } from '@quickchat/protocol/validate';
import { fastSendFrame } from '../src/validate/fast-send.js';

/**
 * The hand-written `send` check must never change what parseFrame accepts, returns or refuses:
 * every frame below gets the same answer (same frame, or same code and message) as zod alone.
 */

const DM = 'dm:u_alice~u_bob';
const MAX = PROTOCOL_LIMITS.maxTextLength;
const send = { type: 'send', id: 'req-1', conversationId: DM, clientMsgId: 'm_1-A', content: { type: 'text', text: 'hello' } };

/** The reference: JSON parsing, then zod's clientFrame schema, with no fast path. */
function zodOnly(text: string): unknown {
  const obj = parseJsonObject(text);
  return obj instanceof ProtocolError ? obj : validate(schemas.clientFrame, obj);
}

/** Asserts parseFrame and the fast path agree with zod alone on `text`; returns zod's answer. */
function expectSameAsZod(text: string): unknown {
  const expected = zodOnly(text);
  const actual = parseFrame(text);
  const obj = parseJsonObject(text);
  const fast = obj instanceof ProtocolError ? undefined : fastSendFrame(obj);
  if (expected instanceof ProtocolError) {
    expect(fast, text).toBeUndefined();
    expect(actual, text).toBeInstanceOf(ProtocolError);
    const err = actual as ProtocolError;
    expect({ code: err.code, message: err.message }, text).toEqual({ code: expected.code, message: expected.message });
  } else {
    expect(actual, text).toEqual(expected);
    expect(JSON.stringify(actual), text).toBe(JSON.stringify(expected));
    if (fast !== undefined) expect(JSON.stringify(fast), text).toBe(JSON.stringify(expected));
  }
  return expected;
}

const frame = (patch: Record<string, unknown>, content: Record<string, unknown> = {}) =>
  JSON.stringify({ ...send, ...patch, content: { ...send.content, ...content } });

describe('fastSendFrame leaves rich text to zod, which keeps what the fast path would drop', () => {
  it.each<[string, Record<string, unknown>]>([
    ['a reply', { replyTo: 3 }],
    ['mentions', { mentions: ['u_bob'] }],
    ['files', { attachments: ['f_abcdefghij'] }],
    ['a bad reply', { replyTo: 'x' }],
  ])('%s', (_label, extra) => {
    const text = frame({}, extra);
    expect(fastSendFrame(parseJsonObject(text) as Record<string, unknown>)).toBeUndefined();
    const parsed = expectSameAsZod(text);
    if (!(parsed instanceof ProtocolError)) expect((parsed as { content: Record<string, unknown> }).content).toMatchObject(extra);
  });
});

describe('fastSendFrame takes the usual send frames', () => {
  it.each<[string, string]>([
    ['with a string id', frame({})],
    ['with a numeric id', frame({ id: 7 })],
    ['with id 0', frame({ id: 0 })],
    ['with an empty string id', frame({ id: '' })],
    ['without an id', JSON.stringify({ type: 'send', conversationId: DM, clientMsgId: 'x', content: { type: 'text', text: 'hi' } })],
    ['to a group', frame({ conversationId: 'g:team' })],
    ['with text at the cap, in astral characters', frame({}, { text: '👋'.repeat(MAX / 2) })],
    ['with forged server fields', frame({ senderId: 'u_admin', seq: 9, createdAt: 0, from: 'u_admin' }, { html: '<b>x</b>', senderId: 'u' })],
    ['with keys in another order', `{"content":{"text":"hi","type":"text"},"clientMsgId":"c","conversationId":"${DM}","id":3,"type":"send"}`],
  ])('%s', (_label, text) => {
    const obj = parseJsonObject(text) as Record<string, unknown>;
    expect(fastSendFrame(obj)).toBeDefined();
    expectSameAsZod(text);
  });
});

describe('fastSendFrame agrees with zod on good and bad frames', () => {
  // Guarantees' bad-input rows that reach a send frame: 1 (not an object), 2 (missing or
  // wrong-typed fields), 5 (operator objects), 6 (prototype keys), 7 (forged fields), 14 (HTML).
  it.each<[string, string]>([
    ['row 1: not JSON', '{"type":"send",'],
    ['row 1: null', 'null'],
    ['row 1: an array', `[${frame({})}]`],
    ['row 1/2: {}', '{}'],
    ['row 2: type in another case', frame({ type: 'SEND' })],
    ['row 2: missing conversationId', frame({ conversationId: undefined })],
    ['row 2: missing clientMsgId', frame({ clientMsgId: undefined })],
    ['row 2: missing content', JSON.stringify({ ...send, content: undefined })],
    ['row 2: content missing text', JSON.stringify({ ...send, content: { type: 'text' } })],
    ['row 2: unknown content type', JSON.stringify({ ...send, content: { type: 'image', url: 'x' } })],
    ['row 2: text as a number', frame({}, { text: 5 })],
    ['row 2: clientMsgId as a number', frame({ clientMsgId: 12345 })],
    ['row 2: id as a boolean', frame({ id: true })],
    ['row 5: conversationId {$ne:null}', frame({ conversationId: { $ne: null } })],
    ['row 5: clientMsgId {$gt:""}', frame({ clientMsgId: { $gt: '' } })],
    ['row 5: text {$ne:null}', frame({}, { text: { $ne: null } })],
    ['row 5: id {$gt:0}', frame({ id: { $gt: 0 } })],
    ['row 6: __proto__ in content', `{"type":"send","conversationId":"${DM}","clientMsgId":"m1","content":{"type":"text","text":"hi","__proto__":{"polluted":true}}}`],
    ['row 6: constructor at top level', `{"type":"send","conversationId":"${DM}","clientMsgId":"m1","content":{"type":"text","text":"hi"},"constructor":{"prototype":{"polluted":true}}}`],
    ['row 6: escaped __proto__', `{"type":"send","\\u005f_proto__":{"polluted":true},"conversationId":"${DM}","clientMsgId":"m1","content":{"type":"text","text":"hi"}}`],
    ['row 6: forbidden words as text are fine', frame({}, { text: '__proto__ constructor prototype' })],
    ['row 7: forged senderId, seq, createdAt, from', frame({ senderId: 'u_x', seq: 1, createdAt: 1, from: 'u_x', messageId: 'm' })],
    ['row 14: HTML and script as text', frame({}, { text: '<img src=x onerror=alert(1)><script>alert(1)</script>' })],
    ['text one over the cap', frame({}, { text: 'a'.repeat(MAX + 1) })],
    ['astral text one character over the cap', frame({}, { text: '👋'.repeat(MAX / 2) + 'a' })],
    ['a NUL in the text', frame({}, { text: 'a\u0000b' })],
    ['an escaped lone surrogate in the text', frame({}, { text: '\ud800' })],
  ])('%s', (_label, text) => {
    expectSameAsZod(text);
  });

  // Every field of a valid frame replaced by each odd value, or removed.
  const odd: unknown[] = [
    undefined, null, true, false, 0, -0, -1, 1.5, 2 ** 53, Number.MAX_SAFE_INTEGER, 1e300, '', ' ', 'a', 'é', '💬', 'a b', 'a\nb',
    'i'.repeat(64), 'i'.repeat(65), 'x'.repeat(MAX), 'x'.repeat(MAX + 1), [], ['a'], {}, { $gt: '' }, { $ne: null },
    'text', 'send', 'dm:u_bob~u_alice', 'dm:u_alice~u_alice', 'dm:u_alice~', 'dm:u_alice~u_bob~u_carol', 'dm:u alice~u_bob',
    'g:', 'g:team', `g:${'t'.repeat(64)}`, `g:${'t'.repeat(65)}`, `dm:${'a'.repeat(64)}~${'b'.repeat(64)}`, `g:${'a'.repeat(300)}`,
    { type: 'text', text: 'hi' }, { type: 'text', text: '' }, { type: 'text' }, { text: 'hi' },
  ];
  const fields = ['type', 'id', 'conversationId', 'clientMsgId', 'content'] as const;
  const contentFields = ['type', 'text'] as const;

  it.each(fields)('frame field %s set to each odd value', (field) => {
    let accepted = 0;
    for (const value of odd) if (!(expectSameAsZod(frame({ [field]: value })) instanceof ProtocolError)) accepted++;
    expect(accepted).toBeGreaterThan(0);
  });

  it.each(contentFields)('content field %s set to each odd value', (field) => {
    for (const value of odd) expectSameAsZod(frame({}, { [field]: value }));
  });

  it('binary input agrees too', () => {
    const bytes = Buffer.from(frame({}, { text: 'héllo 👋 мир' }));
    expect(parseFrame(bytes)).toEqual(zodOnly(bytes.toString('utf8')));
  });
});
