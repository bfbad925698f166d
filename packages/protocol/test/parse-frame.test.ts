import { afterEach, describe, expect, it } from 'vitest';
import { ErrorCode, PROTOCOL_LIMITS } from '@quickchat/protocol';
import type { ClientFrame } from '@quickchat/protocol';
import { ProtocolError, parseFrame, parseJsonObject } from '@quickchat/protocol/validate';

const DM = 'dm:u_alice~u_bob';

/** Asserts a successful parse and returns the frame. */
function ok(result: ClientFrame | ProtocolError): ClientFrame {
  if (result instanceof ProtocolError) {
    throw new Error(`expected a frame, got ${result.code}: ${result.message}`);
  }
  expect(result).not.toBeInstanceOf(ProtocolError);
  return result;
}

/** Asserts a refusal with the given code and returns it. */
function refused(result: unknown, code: ProtocolError['code']): ProtocolError {
  expect(result).toBeInstanceOf(ProtocolError);
  const err = result as ProtocolError;
  expect(err.code).toBe(code);
  expect(typeof err.message).toBe('string');
  expect(err.message.length).toBeGreaterThan(0);
  return err;
}

const parse = (value: unknown) => parseFrame(JSON.stringify(value));

const validSend = {
  type: 'send',
  id: 'req-1',
  conversationId: DM,
  clientMsgId: 'm_1-A',
  content: { type: 'text', text: 'hello' },
} as const;

function assertNotPolluted(): void {
  expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  expect(Object.prototype.hasOwnProperty.call(Object.prototype, 'polluted')).toBe(false);
  expect(Object.getPrototypeOf({})).toBe(Object.prototype);
}

afterEach(() => {
  // Belt and braces: a polluted prototype would leak into every later test.
  delete (Object.prototype as Record<string, unknown>)['polluted'];
});

describe('parseFrame: not a JSON object → bad_frame', () => {
  it.each([
    ['plain text', 'hello'],
    ['empty input', ''],
    ['whitespace only', '   \n'],
    ['unquoted keys', '{type:"ping"}'],
    ['single quotes', "{'type':'ping'}"],
    ['trailing comma', '{"type":"ping",}'],
    ['truncated object', '{"type":"ping"'],
    ['truncated string', '{"type":"pi'],
    ['two objects', '{"type":"ping"}{"type":"ping"}'],
    ['NaN literal', '{"type":"sync","limit":NaN}'],
  ])('%s', (_label, text) => {
    const err = refused(parseFrame(text), ErrorCode.BadFrame);
    expect(err.message).toMatch(/^not valid JSON: /);
    expect(err.id).toBeUndefined();
  });

  it.each([
    ['null', 'null'],
    ['an empty array', '[]'],
    ['an array holding a frame', '[{"type":"ping"}]'],
    ['a number', '42'],
    ['a negative number', '-1'],
    ['a string', '"ping"'],
    ['true', 'true'],
    ['false', 'false'],
  ])('%s', (_label, text) => {
    const err = refused(parseFrame(text), ErrorCode.BadFrame);
    expect(err.message).toBe('frame must be a JSON object');
    expect(err.id).toBeUndefined();
  });

  it('never throws, even on deeply nested input', () => {
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    let result: unknown;
    expect(() => {
      result = parseFrame(deep);
    }).not.toThrow();
    expect(result).toBeInstanceOf(ProtocolError);
  });
});

describe('parseFrame: {} and unknown types → validation', () => {
  it('{} is an object, so it is a validation error naming the type field', () => {
    const err = refused(parseFrame('{}'), ErrorCode.Validation);
    expect(err.message).toMatch(/^type: /);
  });

  it.each([
    ['unknown type', { type: 'hack' }],
    ['server-only type ready', { type: 'ready' }],
    ['server-only type ack', { type: 'ack' }],
    ['server-only type error', { type: 'error', code: 'internal', message: 'x' }],
    ['type with different case', { type: 'PING' }],
    ['type as number', { type: 1 }],
    ['type as null', { type: null }],
    ['type as array', { type: ['ping'] }],
    ['type missing', { id: 'x' }],
  ])('%s', (_label, frame) => {
    const err = refused(parse(frame), ErrorCode.Validation);
    expect(err.message).toMatch(/^type: /);
  });
});

describe('parseFrame: every valid client frame round-trips', () => {
  it.each<[string, Record<string, unknown>]>([
    ['auth', { type: 'auth', token: 'eyJhbGciOi.payload.sig' }],
    ['send', { ...validSend }],
    ['send with numeric id', { ...validSend, id: 0 }],
    ['send without id', { type: 'send', conversationId: 'g:team', clientMsgId: 'x', content: { type: 'text', text: 'hi' } }],
    ['sync (first ever)', { type: 'sync' }],
    [
      'sync (full)',
      { type: 'sync', id: 7, cursors: { [DM]: 3, 'g:team': 0 }, eventsAfter: 12, limit: PROTOCOL_LIMITS.maxPageSize },
    ],
    ['sync with empty cursors', { type: 'sync', cursors: {} }],
    ['receipt with both', { type: 'receipt', id: 'r', conversationId: DM, delivered: 5, read: 4 }],
    ['receipt delivered only', { type: 'receipt', conversationId: DM, delivered: 1 }],
    ['receipt read only', { type: 'receipt', conversationId: DM, read: 0 }],
    ['receipt at MAX_SAFE_INTEGER', { type: 'receipt', conversationId: DM, read: Number.MAX_SAFE_INTEGER }],
    ['typing on', { type: 'typing', conversationId: DM, active: true }],
    ['typing off', { type: 'typing', conversationId: 'g:team', active: false }],
    ['ping', { type: 'ping' }],
    ['ping with id', { type: 'ping', id: 'p-1' }],
  ])('%s', (_label, frame) => {
    const result = ok(parse(frame));
    expect(result).toEqual(frame);
    expect(result.type).toBe(frame['type']);
  });

  it('returns a frame whose prototype is a normal object', () => {
    const result = ok(parse(validSend));
    expect(Object.getPrototypeOf(result)).toBe(Object.prototype);
  });
});

describe('parseFrame: Buffer, Uint8Array and ArrayBuffer input', () => {
  const json = JSON.stringify({ ...validSend, content: { type: 'text', text: 'héllo 👋 мир' } });

  it('accepts a Buffer', () => {
    expect(ok(parseFrame(Buffer.from(json, 'utf8')))).toEqual(JSON.parse(json));
  });

  it('accepts a Uint8Array', () => {
    expect(ok(parseFrame(new TextEncoder().encode(json)))).toEqual(JSON.parse(json));
  });

  it('accepts an ArrayBuffer', () => {
    const bytes = new TextEncoder().encode(json);
    const ab = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
    expect(ab).toBeInstanceOf(ArrayBuffer);
    expect(ok(parseFrame(ab))).toEqual(JSON.parse(json));
  });

  it('decodes only the viewed bytes of a Uint8Array inside a larger buffer', () => {
    const bytes = new TextEncoder().encode(json);
    const big = new Uint8Array(bytes.length + 20).fill(0x7b); // surrounded by '{' garbage
    big.set(bytes, 10);
    const view = big.subarray(10, 10 + bytes.length);
    expect(ok(parseFrame(view))).toEqual(JSON.parse(json));
  });

  it('refuses binary garbage as bad_frame', () => {
    refused(parseFrame(new Uint8Array([0xff, 0xfe, 0x00, 0x01])), ErrorCode.BadFrame);
    refused(parseFrame(Buffer.from('null')), ErrorCode.BadFrame);
  });

  it('still validates binary input', () => {
    const err = refused(parseFrame(Buffer.from('{"type":"ping","id":true}')), ErrorCode.Validation);
    expect(err.message).toMatch(/^id: /);
  });
});

describe('parseFrame: missing and wrong-typed fields → validation naming the field', () => {
  it.each<[string, Record<string, unknown>, string]>([
    ['auth without token', { type: 'auth' }, 'token'],
    ['auth with empty token', { type: 'auth', token: '' }, 'token'],
    ['auth with token over the cap', { type: 'auth', token: 'a'.repeat(PROTOCOL_LIMITS.maxTokenLength + 1) }, 'token'],
    ['auth with numeric token', { type: 'auth', token: 123 }, 'token'],
    ['send without conversationId', { ...validSend, conversationId: undefined }, 'conversationId'],
    ['send with malformed conversationId', { ...validSend, conversationId: 'dm:b~a' }, 'conversationId'],
    ['send with over-long conversationId', { ...validSend, conversationId: `g:${'a'.repeat(300)}` }, 'conversationId'],
    ['send without clientMsgId', { ...validSend, clientMsgId: undefined }, 'clientMsgId'],
    ['send without content', { ...validSend, content: undefined }, 'content'],
    ['send with string content', { ...validSend, content: 'hello' }, 'content'],
    ['send with content missing text', { ...validSend, content: { type: 'text' } }, 'content.text'],
    ['send with unknown content type', { ...validSend, content: { type: 'image', url: 'x' } }, 'content.type'],
    ['send with object id', { ...validSend, id: { a: 1 } }, 'id'],
    ['send with over-long string id', { ...validSend, id: 'i'.repeat(65) }, 'id'],
    ['send with negative id', { ...validSend, id: -1 }, 'id'],
    ['send with fractional id', { ...validSend, id: 1.5 }, 'id'],
    ['typing without active', { type: 'typing', conversationId: DM }, 'active'],
    ['typing without conversationId', { type: 'typing', active: true }, 'conversationId'],
    ['receipt without conversationId', { type: 'receipt', read: 1 }, 'conversationId'],
    ['receipt with negative read', { type: 'receipt', conversationId: DM, read: -1 }, 'read'],
    ['receipt with fractional delivered', { type: 'receipt', conversationId: DM, delivered: 1.5 }, 'delivered'],
    ['receipt beyond MAX_SAFE_INTEGER', { type: 'receipt', conversationId: DM, read: 2 ** 53 }, 'read'],
    ['sync with limit 0', { type: 'sync', limit: 0 }, 'limit'],
    ['sync with limit over the page size', { type: 'sync', limit: PROTOCOL_LIMITS.maxPageSize + 1 }, 'limit'],
    ['sync with negative eventsAfter', { type: 'sync', eventsAfter: -1 }, 'eventsAfter'],
    ['sync with array cursors', { type: 'sync', cursors: [1, 2] }, 'cursors'],
    ['sync with a negative cursor', { type: 'sync', cursors: { [DM]: -1 } }, `cursors.${DM}`],
    ['sync with a null cursor', { type: 'sync', cursors: { [DM]: null } }, `cursors.${DM}`],
  ])('%s', (_label, frame, field) => {
    const err = refused(parse(frame), ErrorCode.Validation);
    expect(err.message.startsWith(`${field}: `)).toBe(true);
  });

  it('rejects a cursor keyed by a malformed conversation id', () => {
    const err = refused(parse({ type: 'sync', cursors: { 'dm:b~a': 1 } }), ErrorCode.Validation);
    expect(err.message).toMatch(/^cursors/);
  });
});

describe('parseFrame: no coercion', () => {
  it.each<[string, Record<string, unknown>, string]>([
    ['seq as a string in receipt.read', { type: 'receipt', conversationId: DM, read: '5' }, 'read'],
    ['seq as a string in receipt.delivered', { type: 'receipt', conversationId: DM, delivered: '5' }, 'delivered'],
    ['seq as a string in a sync cursor', { type: 'sync', cursors: { [DM]: '5' } }, `cursors.${DM}`],
    ['seq as a string in eventsAfter', { type: 'sync', eventsAfter: '5' }, 'eventsAfter'],
    ['seq as a boolean', { type: 'receipt', conversationId: DM, read: true }, 'read'],
    ['limit as a string', { type: 'sync', limit: '10' }, 'limit'],
    ['text as a number', { ...validSend, content: { type: 'text', text: 5 } }, 'content.text'],
    ['text as an array', { ...validSend, content: { type: 'text', text: ['hi'] } }, 'content.text'],
    ['clientMsgId as a number', { ...validSend, clientMsgId: 12345 }, 'clientMsgId'],
    ['conversationId as an array', { ...validSend, conversationId: [DM] }, 'conversationId'],
    ['boolean as the string "true"', { type: 'typing', conversationId: DM, active: 'true' }, 'active'],
    ['boolean as 1', { type: 'typing', conversationId: DM, active: 1 }, 'active'],
    ['boolean as null', { type: 'typing', conversationId: DM, active: null }, 'active'],
    ['id as a boolean', { type: 'ping', id: true }, 'id'],
  ])('rejects %s', (_label, frame, field) => {
    const err = refused(parse(frame), ErrorCode.Validation);
    expect(err.message.startsWith(`${field}: `)).toBe(true);
  });
});

describe('parseFrame: forged server-assigned fields are stripped', () => {
  it('drops senderId, seq, createdAt, from and other unknown keys from a send frame', () => {
    const forged = {
      ...validSend,
      senderId: 'u_admin',
      seq: 999,
      createdAt: 0,
      from: 'u_admin',
      messageId: 'm_forged',
      content: { type: 'text', text: 'hello', html: '<script>alert(1)</script>', senderId: 'u_admin' },
    };
    const result = ok(parse(forged));
    expect(result).toEqual(validSend);
    expect(Object.keys(result).sort()).toEqual(['clientMsgId', 'content', 'conversationId', 'id', 'type']);
    expect(result).not.toHaveProperty('senderId');
    expect(result).not.toHaveProperty('seq');
    expect(result).not.toHaveProperty('createdAt');
    expect(result).not.toHaveProperty('from');
    expect(result.type === 'send' && Object.keys(result.content).sort()).toEqual(['text', 'type']);
  });

  it('drops unknown keys from other frames too', () => {
    expect(ok(parse({ type: 'ping', userId: 'u_admin', admin: true }))).toEqual({ type: 'ping' });
    expect(ok(parse({ type: 'typing', conversationId: DM, active: true, userId: 'u_x', id: 'r' }))).toEqual({
      type: 'typing',
      id: 'r',
      conversationId: DM,
      active: true,
    });
    expect(ok(parse({ type: 'auth', token: 't', userId: 'u_admin' }))).toEqual({ type: 'auth', token: 't' });
  });
});

describe('parseFrame: query-operator objects where a string belongs → validation', () => {
  it.each<[string, Record<string, unknown>, string]>([
    ['auth token {$gt:""}', { type: 'auth', token: { $gt: '' } }, 'token'],
    ['auth token {$ne:null}', { type: 'auth', token: { $ne: null } }, 'token'],
    ['conversationId {$ne:null}', { ...validSend, conversationId: { $ne: null } }, 'conversationId'],
    ['conversationId {$gt:""}', { type: 'typing', conversationId: { $gt: '' }, active: true }, 'conversationId'],
    ['clientMsgId {$gt:""}', { ...validSend, clientMsgId: { $gt: '' } }, 'clientMsgId'],
    ['clientMsgId {$ne:null}', { ...validSend, clientMsgId: { $ne: null } }, 'clientMsgId'],
    ['text {$ne:null}', { ...validSend, content: { type: 'text', text: { $ne: null } } }, 'content.text'],
    ['seq {$gt:0}', { type: 'receipt', conversationId: DM, read: { $gt: 0 } }, 'read'],
  ])('%s', (_label, frame, field) => {
    const err = refused(parse(frame), ErrorCode.Validation);
    expect(err.message.startsWith(`${field}: `)).toBe(true);
  });
});

describe('parseFrame: prototype-pollution keys → bad_frame', () => {
  it.each([
    ['__proto__ at top level', '{"type":"ping","__proto__":{"polluted":true}}'],
    ['constructor at top level', '{"type":"ping","constructor":{"prototype":{"polluted":true}}}'],
    ['prototype at top level', '{"type":"ping","prototype":{"polluted":true}}'],
    ['__proto__ before type', '{"__proto__":{"polluted":true},"type":"ping"}'],
    ['__proto__ inside cursors', '{"type":"sync","cursors":{"__proto__":{"polluted":true}}}'],
    ['constructor inside cursors', '{"type":"sync","cursors":{"constructor":{"prototype":{"polluted":true}}}}'],
    ['prototype inside cursors', `{"type":"sync","cursors":{"${DM}":1,"prototype":2}}`],
    [
      '__proto__ inside content',
      `{"type":"send","conversationId":"${DM}","clientMsgId":"m1","content":{"type":"text","text":"hi","__proto__":{"polluted":true}}}`,
    ],
    [
      'constructor inside content',
      `{"type":"send","conversationId":"${DM}","clientMsgId":"m1","content":{"type":"text","text":"hi","constructor":{"prototype":{"polluted":true}}}}`,
    ],
    ['__proto__ deep inside an array', '{"type":"ping","x":[1,{"y":{"__proto__":{"polluted":true}}}]}'],
    ['__proto__ spelled with a \\u escape', '{"type":"ping","\\u005f_proto__":{"polluted":true}}'],
    ['__proto__ fully escaped', '{"type":"ping","\\u005F\\u005Fproto\\u005F\\u005F":{"polluted":true}}'],
    ['constructor spelled with a \\u escape', '{"type":"ping","constr\\u0075ctor":{"prototype":{"polluted":true}}}'],
    ['prototype spelled with a \\u escape, nested', '{"type":"sync","cursors":{"\\u0070rototype":1}}'],
    ['escaped __proto__ inside cursors', '{"type":"sync","cursors":{"\\u005f_proto__":{"polluted":true}}}'],
  ])('%s', (_label, text) => {
    const err = refused(parseFrame(text), ErrorCode.BadFrame);
    expect(err.message).toMatch(/forbidden key "(__proto__|constructor|prototype)"/);
    assertNotPolluted();
  });

  it('also refuses forbidden keys in binary frames', () => {
    refused(parseFrame(Buffer.from('{"type":"ping","__proto__":{"polluted":true}}')), ErrorCode.BadFrame);
    assertNotPolluted();
  });

  it('leaves Object.prototype clean after a burst of hostile frames', () => {
    const hostile = [
      '{"__proto__":{"polluted":1}}',
      '{"constructor":{"prototype":{"polluted":1}}}',
      '{"a":{"__proto__":{"polluted":1}}}',
      '{"\\u005f_proto__":{"polluted":1}}',
    ];
    for (const text of hostile) {
      expect(parseFrame(text)).toBeInstanceOf(ProtocolError);
      expect(parseJsonObject(text)).toBeInstanceOf(ProtocolError);
    }
    assertNotPolluted();
  });
});

describe('parseFrame: forbidden words as values are fine', () => {
  it('accepts message text containing __proto__, constructor and prototype', () => {
    const text = 'what does __proto__ do? ask the constructor about the prototype {"__proto__":1}';
    const result = ok(parse({ ...validSend, content: { type: 'text', text } }));
    expect(result.type === 'send' && result.content.type === 'text' && result.content.text).toBe(text);
    assertNotPolluted();
  });

  it('accepts text that is exactly "__proto__" and a request id "constructor"', () => {
    const result = ok(parse({ ...validSend, id: 'constructor', content: { type: 'text', text: '__proto__' } }));
    expect(result).toEqual({ ...validSend, id: 'constructor', content: { type: 'text', text: '__proto__' } });
  });

  it('accepts \\u escapes in values and decodes them', () => {
    const raw = `{"type":"send","conversationId":"${DM}","clientMsgId":"m1","content":{"type":"text","text":"\\u0041\\u00e9 \\u005f_proto__"}}`;
    const result = ok(parseFrame(raw));
    expect(result.type === 'send' && result.content.type === 'text' && result.content.text).toBe('Aé __proto__');
  });
});

describe('parseFrame: message text limits', () => {
  const withText = (text: string) => parse({ ...validSend, content: { type: 'text', text } });

  it('accepts text of exactly maxTextLength', () => {
    const text = 'x'.repeat(PROTOCOL_LIMITS.maxTextLength);
    const result = ok(withText(text));
    expect(result.type === 'send' && result.content.type === 'text' && result.content.text.length).toBe(PROTOCOL_LIMITS.maxTextLength);
  });

  it('rejects text one over maxTextLength', () => {
    const err = refused(withText('x'.repeat(PROTOCOL_LIMITS.maxTextLength + 1)), ErrorCode.Validation);
    expect(err.message).toMatch(/^content\.text: /);
  });

  it('counts UTF-16 code units (an emoji counts as two)', () => {
    const half = PROTOCOL_LIMITS.maxTextLength / 2;
    expect(ok(withText('😀'.repeat(half)))).toHaveProperty('content.text', '😀'.repeat(half));
    refused(withText('😀'.repeat(half) + 'x'), ErrorCode.Validation);
  });

  it('rejects empty text', () => {
    const err = refused(withText(''), ErrorCode.Validation);
    expect(err.message).toMatch(/^content\.text: /);
  });

  it('accepts a single character', () => {
    expect(ok(withText('a'))).toHaveProperty('content.text', 'a');
  });
});

describe('parseFrame: clientMsgId', () => {
  const withId = (clientMsgId: unknown) => parse({ ...validSend, clientMsgId });

  it.each(['a', 'abc-DEF_123', '0', '-', '_', 'A'.repeat(PROTOCOL_LIMITS.maxClientMsgIdLength), crypto.randomUUID()])(
    'accepts %j',
    (id) => {
      expect(ok(withId(id))).toHaveProperty('clientMsgId', id);
    },
  );

  it.each([
    ['empty', ''],
    ['too long', 'A'.repeat(PROTOCOL_LIMITS.maxClientMsgIdLength + 1)],
    ['space', 'a b'],
    ['dot', 'a.b'],
    ['slash', 'a/b'],
    ['colon', 'a:b'],
    ['tilde', 'a~b'],
    ['non-ascii', 'é'],
    ['trailing newline', 'abc\n'],
    ['null byte', 'a\u0000'],
    ['dollar', '$gt'],
  ])('rejects %s', (_label, id) => {
    const err = refused(withId(id), ErrorCode.Validation);
    expect(err.message).toMatch(/^clientMsgId: /);
  });
});

describe('parseFrame: receipt needs delivered or read', () => {
  it('rejects a receipt with neither', () => {
    const err = refused(parse({ type: 'receipt', id: 'r9', conversationId: DM }), ErrorCode.Validation);
    expect(err.message).toContain('needs delivered or read');
    expect(err.id).toBe('r9');
  });

  it('rejects a receipt whose only cursor is null', () => {
    refused(parse({ type: 'receipt', conversationId: DM, read: null }), ErrorCode.Validation);
  });
});

describe('parseFrame: sync cursor cap', () => {
  const cursors = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`g:c${i}`, i]));

  it(`accepts exactly maxSyncCursors (${PROTOCOL_LIMITS.maxSyncCursors}) cursors`, () => {
    const result = ok(parse({ type: 'sync', cursors: cursors(PROTOCOL_LIMITS.maxSyncCursors) }));
    expect(result.type).toBe('sync');
    expect(result.type === 'sync' && Object.keys(result.cursors ?? {}).length).toBe(PROTOCOL_LIMITS.maxSyncCursors);
  });

  it('rejects maxSyncCursors + 1 cursors', () => {
    const err = refused(
      parse({ type: 'sync', id: 'big', cursors: cursors(PROTOCOL_LIMITS.maxSyncCursors + 1) }),
      ErrorCode.Validation,
    );
    expect(err.message).toBe(`cursors: at most ${PROTOCOL_LIMITS.maxSyncCursors} cursors`);
    expect(err.id).toBe('big');
  });
});

describe('parseFrame: request id in ProtocolError', () => {
  it('echoes a string id', () => {
    const err = refused(parse({ ...validSend, conversationId: 'nope' }), ErrorCode.Validation);
    expect(err.id).toBe('req-1');
  });

  it('echoes a numeric id, including 0', () => {
    expect(refused(parse({ type: 'sync', id: 42, limit: 0 }), ErrorCode.Validation).id).toBe(42);
    expect(refused(parse({ type: 'sync', id: 0, limit: 0 }), ErrorCode.Validation).id).toBe(0);
  });

  it('echoes the id of a frame with an unknown type', () => {
    expect(refused(parse({ type: 'hack', id: 'h1' }), ErrorCode.Validation).id).toBe('h1');
  });

  it('echoes a 64-character id but not a 65-character one', () => {
    const id64 = 'i'.repeat(64);
    expect(refused(parse({ type: 'hack', id: id64 }), ErrorCode.Validation).id).toBe(id64);
    expect(refused(parse({ type: 'hack', id: 'i'.repeat(65) }), ErrorCode.Validation).id).toBeUndefined();
  });

  it.each<[string, unknown]>([
    ['an object', { x: 1 }],
    ['an array', ['a']],
    ['a boolean', true],
    ['null', null],
    ['a fraction', 1.5],
    ['a negative integer', -1],
    ['an unsafe integer', 2 ** 60],
  ])('does not echo an id that is %s', (_label, id) => {
    const err = refused(parse({ type: 'hack', id }), ErrorCode.Validation);
    expect(err.id).toBeUndefined();
  });

  it('has no id when the frame could not be read', () => {
    expect(refused(parseFrame('{"type":"ping","id":"x"'), ErrorCode.BadFrame).id).toBeUndefined();
    expect(refused(parseFrame('{"id":"x","__proto__":{}}'), ErrorCode.BadFrame).id).toBeUndefined();
  });
});

describe('parseJsonObject', () => {
  it('returns a plain object for an object', () => {
    expect(parseJsonObject('{"a":1,"b":[1,2],"c":{"d":null}}')).toEqual({ a: 1, b: [1, 2], c: { d: null } });
  });

  it('refuses non-objects and bad JSON with bad_frame', () => {
    for (const text of ['null', '[]', '1', '"s"', 'true', '{', 'x']) {
      refused(parseJsonObject(text), ErrorCode.BadFrame);
    }
  });

  it('refuses forbidden keys at any depth, literal or escaped', () => {
    for (const text of [
      '{"__proto__":1}',
      '{"a":{"b":{"constructor":1}}}',
      '{"a":[{"prototype":1}]}',
      '{"\\u005f\\u005fproto\\u005f\\u005f":{"polluted":1}}',
    ]) {
      const err = refused(parseJsonObject(text), ErrorCode.BadFrame);
      expect(err.message).toMatch(/forbidden key/);
    }
    assertNotPolluted();
  });

  it('allows keys that merely contain a forbidden word', () => {
    expect(parseJsonObject('{"my_constructor":1,"prototypes":2,"x__proto__x":3}')).toEqual({
      my_constructor: 1,
      prototypes: 2,
      x__proto__x: 3,
    });
  });
});
