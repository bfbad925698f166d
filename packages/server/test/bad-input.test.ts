/**
 * The bad-input catalogue (docs/guarantees.md), rows 1-7 plus REST body handling. Rows 8-14
 * are in bad-input-access.test.ts; rows 12 and 13 also have full tests in gateway.test.ts.
 * Every case checks the specific error, that nothing was stored or changed, and that the server
 * and the bystanders (carol and dave, already connected) are unharmed afterwards.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Socket } from 'node:net';
import { CloseCode, ErrorCode, type AckFrame, type ErrorFrame, type MessageFrame, type ReceiptEventFrame, type TypingEventFrame } from '@quickchat/protocol';
import { errorFor, expectRestError, expectUnharmed, frame, query, setupScene, snapshot, teardown, type Scene } from './support/bad-input.js';

let s: Scene | null = null;
afterEach(async () => {
  await teardown(s);
  s = null;
});

const validSend = (scene: Scene, extra: Record<string, unknown> = {}) => ({
  type: 'send',
  conversationId: scene.ab,
  clientMsgId: 'should-not-store',
  content: { type: 'text', text: 'should not be stored' },
  ...extra,
});

describe('bad input, row 1: frames that are not a JSON object', () => {
  it('answers each with an error frame on an authenticated socket, and runs no handler', async () => {
    s = await setupScene();
    const before = snapshot(s);
    const send = JSON.stringify(validSend(s));
    const cases: [string | Buffer, string][] = [
      ['hello', ErrorCode.BadFrame],
      ['{"type":"ping","id":"t1"', ErrorCode.BadFrame],
      [send.slice(0, -10), ErrorCode.BadFrame],
      ['null', ErrorCode.BadFrame],
      ['[]', ErrorCode.BadFrame],
      [`[${send}]`, ErrorCode.BadFrame],
      ['42', ErrorCode.BadFrame],
      ['"ping"', ErrorCode.BadFrame],
      ['true', ErrorCode.BadFrame],
      ['', ErrorCode.BadFrame],
      ['{"type":"ping","id":"dup","id":{"x":1}', ErrorCode.BadFrame],
      [Buffer.from(JSON.stringify({ type: 'ping', id: 'binary' })), ErrorCode.BadFrame],
      [Buffer.from(send), ErrorCode.BadFrame],
      ['{}', ErrorCode.Validation],
    ];
    for (const [raw] of cases) s.a.send(raw);
    const errors = (await s.a.waitForCount((f) => f.type === 'error', cases.length)) as ErrorFrame[];
    expect(errors.map((e) => e.code)).toEqual(cases.map(([, code]) => code));
    for (const e of errors) expect(e.message.length).toBeGreaterThan(0);
    // No handler ran: no pong for the pings hidden in bad frames, no ack, nothing stored.
    await s.a.roundTrip();
    expect(s.a.frames.filter((f) => f.type === 'pong' || f.type === 'ack').length).toBe(1 + 1); // the round trip's pong + the baseline ack
    expect(snapshot(s)).toEqual(before);
    await expectUnharmed(s);
  });

  it('closes an unauthenticated socket with 4000 for the same frames', async () => {
    s = await setupScene();
    const before = snapshot(s);
    for (const raw of ['hello', '{"type":"auth"', 'null', '[]', `[{"type":"auth","token":"${s.alice.token}"}]`, '{}', Buffer.from(JSON.stringify({ type: 'auth', token: s.alice.token }))]) {
      const u = await s.open();
      u.send(raw);
      expect((await u.closed).code).toBe(CloseCode.ProtocolError);
      expect(u.frames).toEqual([]);
    }
    expect(snapshot(s)).toEqual(before);
    await expectUnharmed(s);
  });
});

describe('bad input, row 2: unknown types, missing or wrong-typed fields', () => {
  it('answers with a validation error naming the field, coerces nothing and stores nothing', async () => {
    s = await setupScene();
    const before = snapshot(s);
    const ab = s.ab;
    const cases: [string, Record<string, unknown>, RegExp][] = [
      ['unknown type', { type: 'bogus' }, /type/],
      ['type in the wrong case', validSend(s, { type: 'SEND' }), /type/],
      ['missing type', { conversationId: ab }, /type/],
      ['type of the wrong type', { type: 7 }, /type/],
      ['missing content', { type: 'send', conversationId: ab, clientMsgId: 'x' }, /content/],
      ['missing conversationId', { type: 'send', clientMsgId: 'x', content: { type: 'text', text: 'x' } }, /conversationId/],
      ['numeric clientMsgId', validSend(s, { clientMsgId: 123 }), /clientMsgId/],
      ['clientMsgId with forbidden characters', validSend(s, { clientMsgId: 'a b/c' }), /clientMsgId/],
      ['numeric text', validSend(s, { content: { type: 'text', text: 12345 } }), /content/],
      ['array text', validSend(s, { content: { type: 'text', text: ['a'] } }), /content/],
      ['empty text', validSend(s, { content: { type: 'text', text: '' } }), /content/],
      ['unknown content type', validSend(s, { content: { type: 'html', html: '<b>x</b>' } }), /content/],
      ['content as a string', validSend(s, { content: 'hello' }), /content/],
      ['text over limits.maxTextLength', validSend(s, { content: { type: 'text', text: 'x'.repeat(4001) } }), /text/],
      ['malformed conversation id', validSend(s, { conversationId: 'dm:nope' }), /conversationId/],
      ['numeric conversation id', validSend(s, { conversationId: 5 }), /conversationId/],
      ['receipt seq as a string', { type: 'receipt', conversationId: ab, read: '1' }, /read/],
      ['negative receipt seq', { type: 'receipt', conversationId: ab, delivered: -1 }, /delivered/],
      ['fractional receipt seq', { type: 'receipt', conversationId: ab, read: 1.5 }, /read/],
      ['receipt with no cursor', { type: 'receipt', conversationId: ab }, /delivered or read/],
      ['sync cursor as a string', { type: 'sync', cursors: { [ab]: '1' } }, /cursors/],
      ['sync cursors as an array', { type: 'sync', cursors: [1] }, /cursors/],
      ['sync limit over the cap', { type: 'sync', limit: 101 }, /limit/],
      ['typing flag as a string', { type: 'typing', conversationId: ab, active: 'true' }, /active/],
      ['auth without token', { type: 'auth' }, /token/],
      ['numeric auth token', { type: 'auth', token: 5 }, /token/],
    ];
    let n = 0;
    for (const [name, payload, field] of cases) {
      const id = `v${++n}`;
      const error = await errorFor(s.a, id, { ...payload, id });
      expect(error.code, name).toBe(ErrorCode.Validation);
      expect(error.message, name).toMatch(field);
    }
    // A request id of the wrong type is not echoed (and is itself a validation error).
    s.a.send({ type: 'ping', id: { nested: 1 } });
    const idless = await frame<ErrorFrame>(s.a, (f) => f.type === 'error' && f.id === undefined);
    expect(idless).toMatchObject({ code: ErrorCode.Validation, message: expect.stringMatching(/id/) });
    await s.a.roundTrip();
    expect(s.a.frames.filter((f) => f.type === 'ack' || f.type === 'synced' || f.type === 'receipt')).toHaveLength(1); // the baseline ack
    expect(snapshot(s)).toEqual(before);
    await expectUnharmed(s);
  });

  it('refuses wrong-typed REST input instead of coercing it', async () => {
    s = await setupScene();
    const before = snapshot(s);
    const { rest, alice } = s;
    const history = (q: string) => rest.call('GET', `/api/conversations/${s!.ab}/messages?${q}`, { token: alice.token });
    for (const q of ['before=1&before=2', 'limit=abc', 'limit=1e2', 'limit=0x10', 'limit=%205', 'limit=', 'after=-1', 'limit=101', 'before=1&after=0']) {
      expectRestError(await history(q), 400, ErrorCode.Validation);
    }
    for (const [method, path, body] of [
      ['POST', '/api/friend-requests', { userId: 123 }],
      ['POST', '/api/friend-requests', { userId: s.carol.id, memo: 5 }],
      ['POST', '/api/auth/register', { handle: 'mallory', displayName: 'M', password: 12345678 }],
      ['POST', '/api/auth/register', { handle: ['mallory'], displayName: 'M', password: 'long enough password' }],
      ['POST', '/api/auth/login', { handle: 'alice', password: true }],
      ['PATCH', '/api/me', {}],
      ['PATCH', '/api/me', { displayName: 5 }],
      ['PATCH', '/api/me', { displayName: '   ' }],
      ['PATCH', '/api/me', { avatarUrl: 'javascript:alert(1)' }],
    ] as const) {
      expectRestError(await rest.call(method, path, { token: alice.token, body }), 400, ErrorCode.Validation);
    }
    expect(snapshot(s)).toEqual(before);
    await expectUnharmed(s);
  });
});

describe('bad input, row 3: frames before authentication', () => {
  it('closes the socket with 4000 and runs nothing, whatever the frame', async () => {
    s = await setupScene();
    const b = await s.connect(s.bob);
    const before = snapshot(s);
    const frames: (Record<string, unknown> | string)[] = [
      { type: 'ping', id: 'p' },
      validSend(s),
      { type: 'sync', cursors: { [s.ab]: 0 } },
      { type: 'receipt', conversationId: s.ab, read: 1 },
      { type: 'typing', conversationId: s.ab, active: true },
      'garbage',
    ];
    for (const payload of frames) {
      const u = await s.open();
      u.send(payload);
      // An auth frame right behind the bad one is not processed either.
      u.send({ type: 'auth', token: s.alice.token });
      expect((await u.closed).code).toBe(CloseCode.ProtocolError);
      expect(u.frames).toEqual([]);
    }
    await b.roundTrip();
    expect(b.frames.some((f) => f.type === 'message' || f.type === 'typing' || f.type === 'receipt')).toBe(false);
    expect(snapshot(s)).toEqual(before);
    await expectUnharmed(s);
  });
});

describe('bad input, row 4: a frame over the size cap', () => {
  it('closes with 1009 before buffering the frame, stores nothing, and serves everyone else', async () => {
    s = await setupScene();
    const before = snapshot(s);
    // A complete oversized frame from an authenticated client.
    s.a.send(validSend(s, { content: { type: 'text', text: 'x'.repeat(70 * 1024) } }));
    expect((await s.a.closed).code).toBe(CloseCode.MessageTooBig);
    expect(s.a.frames.some((f) => (f.type === 'ack' && f.clientMsgId === 'should-not-store') || f.type === 'error')).toBe(false);
    // Only the header of a 10 MiB frame: the server refuses on the declared length, without
    // waiting for (or buffering) the payload.
    const a2 = await s.connect(s.alice);
    const header = Buffer.alloc(14);
    header[0] = 0x81; // FIN + text
    header[1] = 0x80 | 127; // masked, 64-bit length follows
    header.writeBigUInt64BE(10n * 1024n * 1024n, 2);
    header.writeUInt32BE(0x01020304, 10); // mask key
    (a2.ws as unknown as { _socket: Socket })._socket.write(Buffer.concat([header, Buffer.from('{"type":"send",')]));
    expect((await a2.closed).code).toBe(CloseCode.MessageTooBig);
    // Before authentication too.
    const u = await s.open();
    u.send('y'.repeat(65 * 1024));
    expect((await u.closed).code).toBe(CloseCode.MessageTooBig);
    expect(snapshot(s)).toEqual(before);
    await expectUnharmed(s);
  });
});

describe('bad input, row 5: operator objects where strings belong', () => {
  it('rejects them as wrong types on REST and socket before any query', async () => {
    s = await setupScene();
    const before = snapshot(s);
    const { rest, alice } = s;
    const login = await rest.call('POST', '/api/auth/login', { rawBody: '{"handle":{"$gt":""},"password":{"$ne":null}}' });
    expectRestError(login, 400, ErrorCode.Validation);
    expect(login.body.error.message).toMatch(/handle/);
    expectRestError(await rest.call('POST', '/api/auth/login', { body: { handle: 'alice', password: { $ne: null } } }), 400, ErrorCode.Validation);
    expectRestError(await rest.call('POST', '/api/auth/login', { body: { handle: { $regex: '.*' }, password: 'correct horse battery' } }), 400, ErrorCode.Validation);
    expectRestError(await rest.call('POST', '/api/auth/register', { body: { handle: { $gt: '' }, displayName: 'M', password: 'long enough password' } }), 400, ErrorCode.Validation);
    expectRestError(await rest.call('POST', '/api/auth/refresh', { body: { refreshToken: { $ne: null } } }), 400, ErrorCode.Validation);
    expectRestError(await rest.call('POST', '/api/friend-requests', { token: alice.token, body: { userId: { $ne: null } } }), 400, ErrorCode.Validation);
    expectRestError(await rest.call('PUT', `/api/blocks/${encodeURIComponent('{"$gt":""}')}`, { token: alice.token }), 400, ErrorCode.Validation);
    expectRestError(await rest.call('POST', `/api/friend-requests/${encodeURIComponent('{"$ne":null}')}/accept`, { token: alice.token }), 400, ErrorCode.Validation);
    // Socket frames.
    let n = 0;
    for (const payload of [
      validSend(s, { conversationId: { $gt: '' } }),
      validSend(s, { clientMsgId: { $ne: null } }),
      validSend(s, { content: { type: 'text', text: { $gt: '' } } }),
      { type: 'sync', cursors: { $gt: 0 } },
      { type: 'receipt', conversationId: { $ne: null }, read: 1 },
      { type: 'auth', token: { $ne: null } },
    ]) {
      const id = `op${++n}`;
      expect(await errorFor(s.a, id, { ...payload, id })).toMatchObject({ code: ErrorCode.Validation });
    }
    const u = await s.open();
    u.send({ type: 'auth', token: { $ne: null } });
    expect((await u.closed).code).toBe(CloseCode.ProtocolError);
    expect(u.frames).toEqual([]);
    expect(snapshot(s)).toEqual(before);
    await expectUnharmed(s);
  });
});

describe('bad input, row 6: __proto__ and constructor keys', () => {
  it('refuses them anywhere in REST bodies and socket frames; no prototype is polluted', async () => {
    s = await setupScene();
    const before = snapshot(s);
    const { rest, alice } = s;
    const register = (extra: string) => `{"handle":"mallory","displayName":"Mallory","password":"long enough password",${extra}}`;
    for (const rawBody of [
      register('"__proto__":{"polluted":"yes"}'),
      register('"constructor":{"prototype":{"polluted":"yes"}}'),
      register('"nested":{"deeper":{"__proto__":{"polluted":"yes"}}}'),
      register('"\\u005f_proto__":{"polluted":"yes"}'),
      register('"prototype":{"polluted":"yes"}'),
    ]) {
      expectRestError(await rest.call('POST', '/api/auth/register', { rawBody }), 400, ErrorCode.BadFrame);
    }
    expectRestError(await rest.call('PATCH', '/api/me', { token: alice.token, rawBody: '{"displayName":"Hacked","__proto__":{"isAdmin":true}}' }), 400, ErrorCode.BadFrame);
    expectRestError(await rest.call('POST', '/api/friend-requests', { token: alice.token, rawBody: `{"userId":"${s.carol.id}","constructor":{"prototype":{"polluted":"yes"}}}` }), 400, ErrorCode.BadFrame);
    // A query string cannot do it either.
    const q = await rest.call('GET', `/api/conversations/${s.ab}/messages?__proto__[polluted]=yes&constructor[prototype][polluted]=yes&__proto__=x`, { token: alice.token });
    expect(q.status).toBe(200);
    expect((await rest.call('GET', '/api/me', { token: alice.token })).body.displayName).toBe('alice');
    expect((await rest.call('POST', '/api/auth/login', { body: { handle: 'mallory', password: 'long enough password' } })).status).toBe(401);
    // Socket frames, authenticated.
    for (const raw of [
      '{"type":"ping","id":"pp1","__proto__":{"polluted":"yes"}}',
      `{"type":"send","conversationId":"${s.ab}","clientMsgId":"proto1","content":{"type":"text","text":"hi","constructor":{"prototype":{"polluted":"yes"}}}}`,
      `{"type":"sync","cursors":{"__proto__":{"polluted":"yes"}}}`,
      '{"type":"ping","\\u005f_proto__":{"polluted":"yes"}}',
    ]) {
      s.a.send(raw);
    }
    const errors = (await s.a.waitForCount((f) => f.type === 'error', 4)) as ErrorFrame[];
    expect(errors.map((e) => e.code)).toEqual(Array(4).fill(ErrorCode.BadFrame));
    // And as the first frame, before authentication.
    const u = await s.open();
    u.send(`{"type":"auth","token":"${s.alice.token}","__proto__":{"polluted":"yes"}}`);
    expect((await u.closed).code).toBe(CloseCode.ProtocolError);
    expect(u.frames).toEqual([]);
    expect(snapshot(s)).toEqual(before);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(({} as Record<string, unknown>)['isAdmin']).toBeUndefined();
    // Forbidden words are refused as keys only: as text they are ordinary content.
    const text = '__proto__ constructor prototype {"__proto__":1}';
    const b = await s.connect(s.bob);
    s.a.send({ type: 'send', id: 'words', conversationId: s.ab, clientMsgId: 'words', content: { type: 'text', text } });
    expect(await frame<AckFrame>(s.a, (f) => f.type === 'ack' && f.id === 'words')).toMatchObject({ seq: 2 });
    expect((await frame<MessageFrame>(b, (f) => f.type === 'message' && f.message.clientMsgId === 'words')).message.content).toEqual({ type: 'text', text });
    await expectUnharmed(s);
  });
});

describe('bad input, row 7: forged sender, seq, createdAt and from', () => {
  it('ignores them on socket frames; the server\'s values stand', async () => {
    s = await setupScene();
    const b = await s.connect(s.bob);
    const startedAt = Date.now();
    const forged = { senderId: s.bob.id, sender: s.bob.id, from: s.bob.id, userId: s.bob.id, seq: 999, createdAt: 1, messageId: 'm_forged', duplicate: true };
    s.a.send({ ...validSend(s, { id: 'forged', clientMsgId: 'forged', content: { type: 'text', text: 'who sent this?', senderId: s.bob.id, seq: 7 } }), ...forged });
    const ack = await frame<AckFrame>(s.a, (f) => f.type === 'ack' && f.id === 'forged');
    expect(ack).toMatchObject({ seq: 2, duplicate: false });
    expect(ack.messageId).not.toBe('m_forged');
    expect(ack.createdAt).toBeGreaterThanOrEqual(startedAt);
    const delivered = await frame<MessageFrame>(b, (f) => f.type === 'message' && f.message.clientMsgId === 'forged');
    expect(delivered.message).toEqual({
      id: ack.messageId,
      conversationId: s.ab,
      seq: 2,
      senderId: s.alice.id,
      clientMsgId: 'forged',
      content: { type: 'text', text: 'who sent this?' },
      createdAt: ack.createdAt,
    });
    const rows = query<{ seq: number; sender_id: string; created_at: number; content: string }>(s, 'SELECT seq, sender_id, created_at, content FROM messages WHERE id = ?', ack.messageId);
    expect(rows).toEqual([{ seq: 2, sender_id: s.alice.id, created_at: ack.createdAt, content: JSON.stringify({ type: 'text', text: 'who sent this?' }) }]);
    // Receipts and typing speak for the authenticated user, whatever `userId` says.
    s.a.send({ type: 'receipt', conversationId: s.ab, read: 2, userId: s.bob.id });
    const receipt = await frame<ReceiptEventFrame>(b, (f) => f.type === 'receipt');
    expect(receipt).toMatchObject({ userId: s.alice.id, read: 2 });
    const bobCursor = query<{ read: number }>(s, 'SELECT read FROM conversation_members WHERE conversation_id = ? AND user_id = ?', s.ab, s.bob.id);
    expect(bobCursor).toEqual([{ read: 0 }]);
    s.a.send({ type: 'typing', conversationId: s.ab, active: true, userId: s.carol.id, from: s.carol.id });
    expect(await frame<TypingEventFrame>(b, (f) => f.type === 'typing')).toEqual({ type: 'typing', conversationId: s.ab, userId: s.alice.id, active: true });
    await expectUnharmed(s);
  });

  it('ignores forged ids and handles in REST bodies', async () => {
    s = await setupScene();
    const { rest } = s;
    const reg = await rest.call('POST', '/api/auth/register', { body: { handle: 'erin', displayName: 'Erin', password: 'long enough password', id: s.alice.id, userId: 'u_forged', passwordHash: 'x' } });
    expect(reg.status).toBe(201);
    expect(reg.body.user.id).not.toBe(s.alice.id);
    expect(reg.body.user.id).not.toBe('u_forged');
    expect(reg.body.user).not.toHaveProperty('passwordHash');
    const patched = await rest.call('PATCH', '/api/me', { token: s.alice.token, body: { displayName: 'Alice A.', id: s.bob.id, handle: 'bob', createdAt: 1 } });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ id: s.alice.id, handle: 'alice', displayName: 'Alice A.' });
    expect((await rest.call('GET', `/api/users/${s.bob.id}`, { token: s.carol.token })).body).toMatchObject({ handle: 'bob', displayName: 'bob' });
    expect(query(s, 'SELECT id, handle FROM users WHERE handle IN (?, ?) ORDER BY handle', 'alice', 'bob')).toEqual([
      { id: s.alice.id, handle: 'alice' },
      { id: s.bob.id, handle: 'bob' },
    ]);
    await expectUnharmed(s);
  });
});

describe('bad REST bodies and paths', () => {
  it('gives malformed, non-object, oversized and misrouted requests a JSON error and changes nothing', async () => {
    s = await setupScene({ limits: { maxBodyBytes: 16 * 1024 } });
    const before = snapshot(s);
    const { rest, alice } = s;
    for (const rawBody of ['{"handle":"alice",', 'not json', '[{"handle":"alice","password":"correct horse battery"}]', '[]', 'null', '"alice"', '12']) {
      expectRestError(await rest.call('POST', '/api/auth/login', { rawBody }), 400, ErrorCode.BadFrame);
    }
    expectRestError(await rest.call('POST', '/api/auth/login', { rawBody: '' }), 400, ErrorCode.Validation);
    // A JSON body sent as text/plain is not parsed at all.
    expectRestError(await rest.call('POST', '/api/auth/login', { rawBody: '{"handle":"alice","password":"correct horse battery"}', headers: { 'content-type': 'text/plain' } }), 400, ErrorCode.Validation);
    const huge = await rest.call('PATCH', '/api/me', { token: alice.token, body: { displayName: 'Big', signature: 'x', padding: 'p'.repeat(20 * 1024) } });
    expectRestError(huge, 413, ErrorCode.PayloadTooLarge);
    expect((await rest.call('GET', '/api/me', { token: alice.token })).body.displayName).toBe('alice');
    for (const [method, path] of [
      ['GET', '/api/nope'],
      ['POST', '/api/conversations/x/y/z'],
      ['DELETE', '/api/me'],
      ['GET', '/nope.php'],
    ] as const) {
      const res = await rest.call(method, path, { token: alice.token });
      expectRestError(res, 404, ErrorCode.NotFound);
    }
    expect(snapshot(s)).toEqual(before);
    await expectUnharmed(s);
  });
});
