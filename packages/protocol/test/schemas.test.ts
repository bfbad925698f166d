import { describe, expect, it } from 'vitest';
import { CloseCode, ErrorCode, HTTP_STATUS_FOR_ERROR, PROTOCOL_LIMITS, TERMINAL_CLOSE_CODES } from '@quickchat/protocol';
import type { Message } from '@quickchat/protocol';
import { ProtocolError, parseServerFrame, schemas, validate } from '@quickchat/protocol/validate';

/** Asserts success and returns the parsed value. */
function ok<T>(result: T | ProtocolError): T {
  if (result instanceof ProtocolError) throw new Error(`expected success, got ${result.code}: ${result.message}`);
  return result;
}

/** Asserts a validation refusal and returns its message. */
function invalid(result: unknown): string {
  expect(result).toBeInstanceOf(ProtocolError);
  const err = result as ProtocolError;
  expect(err.code).toBe(ErrorCode.Validation);
  return err.message;
}

describe('schemas.registerBody', () => {
  const body = { handle: 'Alice_01', displayName: '  Alice  ', password: 'correct horse' };

  it('lowercases the handle and trims the display name', () => {
    expect(ok(validate(schemas.registerBody, body))).toEqual({
      handle: 'alice_01',
      displayName: 'Alice',
      password: 'correct horse',
    });
  });

  it('lowercases mixed-case handles with dots', () => {
    expect(ok(validate(schemas.registerBody, { ...body, handle: 'J.DOE.X' })).handle).toBe('j.doe.x');
  });

  it('accepts handles of 3 and 32 characters', () => {
    expect(ok(validate(schemas.registerBody, { ...body, handle: 'abc' })).handle).toBe('abc');
    expect(ok(validate(schemas.registerBody, { ...body, handle: 'A'.repeat(32) })).handle).toBe('a'.repeat(32));
  });

  it.each<[string, unknown]>([
    ['too short', 'ab'],
    ['too long', 'a'.repeat(33)],
    ['empty', ''],
    ['with a space', 'al ice'],
    ['with a hyphen', 'al-ice'],
    ['with an at sign', 'alice@x'],
    ['with punctuation', 'alice!'],
    ['non-ascii', 'élodie'],
    ['with a trailing newline', 'alice\n'],
    ['a number', 12345],
    ['an operator object', { $gt: '' }],
    ['an $ne operator object', { $ne: null }],
    ['null', null],
  ])('rejects a handle that is %s', (_label, handle) => {
    expect(invalid(validate(schemas.registerBody, { ...body, handle }))).toMatch(/^handle: /);
  });

  it('rejects short and over-long passwords but accepts 8 and 256 characters', () => {
    expect(invalid(validate(schemas.registerBody, { ...body, password: '1234567' }))).toMatch(/^password: /);
    expect(invalid(validate(schemas.registerBody, { ...body, password: 'p'.repeat(257) }))).toMatch(/^password: /);
    expect(ok(validate(schemas.registerBody, { ...body, password: '12345678' })).password).toBe('12345678');
    expect(ok(validate(schemas.registerBody, { ...body, password: 'p'.repeat(256) })).password).toHaveLength(256);
  });

  it('rejects an operator object as password', () => {
    expect(invalid(validate(schemas.registerBody, { ...body, password: { $ne: null } }))).toMatch(/^password: /);
  });

  it('rejects blank and over-long display names', () => {
    expect(invalid(validate(schemas.registerBody, { ...body, displayName: '   ' }))).toMatch(/^displayName: /);
    const tooLong = 'n'.repeat(PROTOCOL_LIMITS.maxDisplayNameLength + 1);
    expect(invalid(validate(schemas.registerBody, { ...body, displayName: tooLong }))).toMatch(/^displayName: /);
  });

  it('rejects missing fields and strips unknown ones', () => {
    expect(invalid(validate(schemas.registerBody, { handle: 'alice', password: 'correct horse' }))).toMatch(
      /^displayName: /,
    );
    const result = ok(validate(schemas.registerBody, { ...body, isAdmin: true, id: 'u_root' }));
    expect(Object.keys(result).sort()).toEqual(['displayName', 'handle', 'password']);
  });
});

describe('schemas.loginBody', () => {
  it('lowercases the handle', () => {
    expect(ok(validate(schemas.loginBody, { handle: 'ALICE', password: 'x' }))).toEqual({
      handle: 'alice',
      password: 'x',
    });
  });

  it('does not enforce the registration password length (any non-empty password may be tried)', () => {
    expect(ok(validate(schemas.loginBody, { handle: 'alice', password: 'short' })).password).toBe('short');
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['empty password', { handle: 'alice', password: '' }, 'password'],
    ['over-long password', { handle: 'alice', password: 'p'.repeat(257) }, 'password'],
    ['operator password', { handle: 'alice', password: { $ne: '' } }, 'password'],
    ['operator handle', { handle: { $gt: '' }, password: 'x' }, 'handle'],
    ['bad handle', { handle: 'a', password: 'x' }, 'handle'],
    ['missing handle', { password: 'x' }, 'handle'],
  ])('rejects %s', (_label, body, field) => {
    expect(invalid(validate(schemas.loginBody, body)).startsWith(`${field}: `)).toBe(true);
  });
});

describe('schemas.profilePatchBody', () => {
  it('rejects an empty object', () => {
    expect(invalid(validate(schemas.profilePatchBody, {}))).toContain('needs at least one field');
  });

  it('rejects an object with only unknown keys (they are stripped first)', () => {
    expect(invalid(validate(schemas.profilePatchBody, { handle: 'root', isAdmin: true }))).toContain(
      'needs at least one field',
    );
  });

  it('accepts any single field', () => {
    expect(ok(validate(schemas.profilePatchBody, { displayName: ' Bob ' }))).toEqual({ displayName: 'Bob' });
    expect(ok(validate(schemas.profilePatchBody, { signature: '' }))).toEqual({ signature: '' });
    expect(ok(validate(schemas.profilePatchBody, { signature: 'hi there' }))).toEqual({ signature: 'hi there' });
  });

  it.each([
    'https://cdn.example.com/avatars/u_1.png',
    'https://cdn.example.com/a.PNG?size=128#frag',
    'http://localhost:8080/a.jpg',
    'https://example.com/svg/avatar.webp',
    'https://example.com/a.svg.png',
  ])('accepts the avatar URL %s', (avatarUrl) => {
    expect(ok(validate(schemas.profilePatchBody, { avatarUrl }))).toEqual({ avatarUrl });
  });

  it('accepts null to clear the avatar', () => {
    expect(ok(validate(schemas.profilePatchBody, { avatarUrl: null }))).toEqual({ avatarUrl: null });
  });

  it.each([
    ['javascript:', 'javascript:alert(1)'],
    ['javascript: with odd case', 'JavaScript:alert(document.cookie)'],
    ['data: image', 'data:image/png;base64,iVBORw0KGgo='],
    ['data: svg', 'data:image/svg+xml,<svg onload=alert(1)>'],
    ['.svg', 'https://example.com/a.svg'],
    ['.SVG', 'https://example.com/a.SVG'],
    ['.svgz', 'https://example.com/a.svgz'],
    ['.svg with a query', 'https://example.com/a.svg?x=.png'],
    ['.svg with a fragment', 'https://example.com/a.svg#.png'],
    ['ftp:', 'ftp://example.com/a.png'],
    ['file:', 'file:///etc/passwd'],
    ['relative', '/avatars/a.png'],
    ['protocol-relative', '//example.com/a.png'],
    ['not a URL', 'not a url'],
    ['empty', ''],
    ['too long', `https://example.com/${'a'.repeat(PROTOCOL_LIMITS.maxUrlLength)}.png`],
  ])('rejects a %s avatar URL', (_label, avatarUrl) => {
    expect(invalid(validate(schemas.profilePatchBody, { avatarUrl }))).toMatch(/^avatarUrl: /);
  });

  it('rejects a non-string avatar URL', () => {
    expect(invalid(validate(schemas.profilePatchBody, { avatarUrl: { $ne: null } }))).toMatch(/^avatarUrl: /);
    expect(invalid(validate(schemas.profilePatchBody, { avatarUrl: 42 }))).toMatch(/^avatarUrl: /);
  });

  it('rejects an over-long signature', () => {
    const signature = 's'.repeat(PROTOCOL_LIMITS.maxSignatureLength + 1);
    expect(invalid(validate(schemas.profilePatchBody, { signature }))).toMatch(/^signature: /);
    expect(
      ok(validate(schemas.profilePatchBody, { signature: 's'.repeat(PROTOCOL_LIMITS.maxSignatureLength) })).signature,
    ).toHaveLength(PROTOCOL_LIMITS.maxSignatureLength);
  });
});

describe('schemas.friendRequestBody', () => {
  it('accepts a user id with and without a memo', () => {
    expect(ok(validate(schemas.friendRequestBody, { userId: 'u_bob' }))).toEqual({ userId: 'u_bob' });
    expect(ok(validate(schemas.friendRequestBody, { userId: 'u_bob', memo: 'hi, from the meetup' }))).toEqual({
      userId: 'u_bob',
      memo: 'hi, from the meetup',
    });
  });

  it('accepts a memo of exactly maxMemoLength and rejects one longer', () => {
    const max = 'm'.repeat(PROTOCOL_LIMITS.maxMemoLength);
    expect(ok(validate(schemas.friendRequestBody, { userId: 'u_bob', memo: max })).memo).toBe(max);
    expect(invalid(validate(schemas.friendRequestBody, { userId: 'u_bob', memo: `${max}m` }))).toMatch(/^memo: /);
  });

  it.each<[string, unknown]>([
    ['empty', ''],
    ['too long', 'u'.repeat(65)],
    ['with a tilde', 'a~b'],
    ['with a space', 'u bob'],
    ['an operator object', { $ne: null }],
    ['a number', 7],
  ])('rejects a userId that is %s', (_label, userId) => {
    expect(invalid(validate(schemas.friendRequestBody, { userId }))).toMatch(/^userId: /);
  });

  it('rejects a non-string memo', () => {
    expect(invalid(validate(schemas.friendRequestBody, { userId: 'u_bob', memo: 5 }))).toMatch(/^memo: /);
  });
});

describe('schemas.historyQuery', () => {
  it('coerces query-string numbers', () => {
    expect(ok(validate(schemas.historyQuery, { before: '10', limit: '50' }))).toEqual({ before: 10, limit: 50 });
    expect(ok(validate(schemas.historyQuery, { after: '0' }))).toEqual({ after: 0 });
    expect(ok(validate(schemas.historyQuery, { limit: '1' }))).toEqual({ limit: 1 });
    expect(ok(validate(schemas.historyQuery, { limit: String(PROTOCOL_LIMITS.maxPageSize) }))).toEqual({
      limit: PROTOCOL_LIMITS.maxPageSize,
    });
  });

  it('accepts real numbers and an empty query', () => {
    expect(ok(validate(schemas.historyQuery, { after: 3, limit: 20 }))).toEqual({ after: 3, limit: 20 });
    expect(ok(validate(schemas.historyQuery, {}))).toEqual({});
  });

  it('rejects before and after together', () => {
    expect(invalid(validate(schemas.historyQuery, { before: '10', after: '2' }))).toContain(
      'use before or after, not both',
    );
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['limit over 100', { limit: '101' }, 'limit'],
    ['limit 0', { limit: '0' }, 'limit'],
    ['negative limit', { limit: '-5' }, 'limit'],
    ['fractional limit', { limit: '2.5' }, 'limit'],
    ['negative before', { before: '-1' }, 'before'],
    ['negative after (number)', { after: -1 }, 'after'],
    ['non-numeric before', { before: 'abc' }, 'before'],
    ['partly numeric before', { before: '5abc' }, 'before'],
    ['empty before', { before: '' }, 'before'],
    ['empty limit', { limit: '' }, 'limit'],
    ['whitespace-padded after', { after: ' 5 ' }, 'after'],
    ['hex before', { before: '0x10' }, 'before'],
    ['exponent limit', { limit: '1e2' }, 'limit'],
    ['Infinity after', { after: 'Infinity' }, 'after'],
    ['NaN before', { before: 'NaN' }, 'before'],
    ['repeated parameter (array)', { before: ['5'] }, 'before'],
    ['operator object', { before: { $gt: '0' } }, 'before'],
    ['boolean', { limit: true }, 'limit'],
    ['unsafe integer', { before: '9007199254740993' }, 'before'],
  ])('rejects %s', (_label, query, field) => {
    expect(invalid(validate(schemas.historyQuery, query)).startsWith(`${field}: `)).toBe(true);
  });
});

describe('parseServerFrame', () => {
  const message: Message = {
    id: 'm_1',
    conversationId: 'dm:u_alice~u_bob',
    seq: 1,
    senderId: 'u_alice',
    clientMsgId: 'c1',
    content: { type: 'text', text: 'hello' },
    createdAt: 1_700_000_000_000,
  };

  it('accepts a valid message frame', () => {
    const frame = { type: 'message', message };
    expect(ok(parseServerFrame(JSON.stringify(frame)))).toEqual(frame);
  });

  it('accepts a valid message frame as a Buffer', () => {
    const frame = { type: 'message', message };
    expect(ok(parseServerFrame(Buffer.from(JSON.stringify(frame))))).toEqual(frame);
  });

  it('rejects a message frame with a bad seq', () => {
    const err = invalid(parseServerFrame(JSON.stringify({ type: 'message', message: { ...message, seq: '1' } })));
    expect(err).toMatch(/^message\.seq: /);
  });

  it('accepts an error frame with a known code', () => {
    const frame = { type: 'error', id: 'r1', code: 'rate_limited', message: 'slow down', retryAfterMs: 1000 };
    expect(ok(parseServerFrame(JSON.stringify(frame)))).toEqual(frame);
  });

  it('rejects an error frame with an unknown code', () => {
    const result = parseServerFrame(JSON.stringify({ type: 'error', id: 'r1', code: 'teapot', message: 'x' }));
    expect(invalid(result)).toMatch(/^code: /);
    expect((result as ProtocolError).id).toBe('r1');
  });

  it('rejects client frames and non-objects', () => {
    expect(invalid(parseServerFrame('{"type":"send"}'))).toMatch(/^type: /);
    const bad = parseServerFrame('[]');
    expect(bad).toBeInstanceOf(ProtocolError);
    expect((bad as ProtocolError).code).toBe(ErrorCode.BadFrame);
  });
});

describe('schemas.errorBody', () => {
  it('accepts every ErrorCode and rejects unknown ones', () => {
    for (const code of Object.values(ErrorCode)) {
      expect(ok(validate(schemas.errorBody, { error: { code, message: 'm' } }))).toEqual({ error: { code, message: 'm' } });
    }
    expect(invalid(validate(schemas.errorBody, { error: { code: 'nope', message: 'm' } }))).toMatch(/^error\.code: /);
  });
});

describe('ErrorCode and HTTP_STATUS_FOR_ERROR', () => {
  it('ErrorCode values are unique', () => {
    const values = Object.values(ErrorCode);
    expect(new Set(values).size).toBe(values.length);
  });

  it('has an HTTP status for every ErrorCode value, and nothing else', () => {
    const codes = Object.values(ErrorCode);
    expect(Object.keys(HTTP_STATUS_FOR_ERROR).sort()).toEqual([...codes].sort());
    for (const code of codes) {
      const status = HTTP_STATUS_FOR_ERROR[code];
      expect(Number.isInteger(status)).toBe(true);
      expect(status).toBeGreaterThanOrEqual(400);
      expect(status).toBeLessThanOrEqual(599);
    }
  });

  it('maps the codes clients rely on to the expected statuses', () => {
    expect(HTTP_STATUS_FOR_ERROR[ErrorCode.BadFrame]).toBe(400);
    expect(HTTP_STATUS_FOR_ERROR[ErrorCode.Validation]).toBe(400);
    expect(HTTP_STATUS_FOR_ERROR[ErrorCode.Unauthenticated]).toBe(401);
    expect(HTTP_STATUS_FOR_ERROR[ErrorCode.AuthExpired]).toBe(401);
    expect(HTTP_STATUS_FOR_ERROR[ErrorCode.NotFound]).toBe(404);
    expect(HTTP_STATUS_FOR_ERROR[ErrorCode.Conflict]).toBe(409);
    expect(HTTP_STATUS_FOR_ERROR[ErrorCode.PayloadTooLarge]).toBe(413);
    expect(HTTP_STATUS_FOR_ERROR[ErrorCode.RateLimited]).toBe(429);
    expect(HTTP_STATUS_FOR_ERROR[ErrorCode.Internal]).toBe(500);
  });
});

describe('CloseCode', () => {
  const values = Object.values(CloseCode);

  it('values are unique', () => {
    expect(new Set(values).size).toBe(values.length);
  });

  it('application codes are within 4000-4999 and the rest are RFC 6455 codes', () => {
    for (const code of values) {
      const isRfc = code >= 1000 && code <= 1015;
      const isApp = code >= 4000 && code <= 4999;
      expect(isRfc || isApp).toBe(true);
    }
    const app = values.filter((c) => c >= 3000);
    expect(app.length).toBeGreaterThan(0);
    for (const code of app) {
      expect(code).toBeGreaterThanOrEqual(4000);
      expect(code).toBeLessThanOrEqual(4999);
    }
    expect(CloseCode.Normal).toBe(1000);
    expect(CloseCode.GoingAway).toBe(1001);
    expect(CloseCode.MessageTooBig).toBe(1009);
  });

  it('terminal close codes are close codes: refused credentials and an unsupported protocol version', () => {
    for (const code of TERMINAL_CLOSE_CODES) expect(values).toContain(code);
    expect(TERMINAL_CLOSE_CODES).toEqual([CloseCode.AuthFailed, CloseCode.ProtocolUnsupported]);
    expect(TERMINAL_CLOSE_CODES).not.toContain(CloseCode.AuthExpired);
  });
});
