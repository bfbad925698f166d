import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode, dmConversationId, type AckFrame, type ErrorFrame, type HistoryResponse } from '@quickchat/protocol';
import type { TestUser } from './support/rest.js';
import type { RawClient } from './support/ws-client.js';
import { BURST_LIMITS, ChatFixture, sendBurst, textFrame } from './support/messaging.js';

/**
 * `-0` (from JSON or a query string) is not a non-negative integer: wherever a seq, cursor or
 * request id is expected it gets the ordinary validation error, on the socket and over REST,
 * and nothing is stored; `0` keeps working.
 */
describe('negative zero', () => {
  let f: ChatFixture;
  let alice: TestUser;
  let bob: TestUser;
  let a: RawClient;
  let conv: string;

  beforeAll(async () => {
    f = await ChatFixture.start({ limits: { ...BURST_LIMITS } });
    ({ alice, bob } = await f.users(['alice', 'bob'], [['alice', 'bob']]));
    conv = dmConversationId(alice.id, bob.id);
    a = await f.connect(alice);
    await sendBurst(a, conv, 'seed-', 3);
  });
  afterAll(async () => {
    await f?.close();
  });

  const history = (query: string) => f.rest.call('GET', `/api/conversations/${conv}/messages${query}`, { token: bob.token });

  it.each(['?before=-0', '?after=-0', '?after=-0.0', '?before=-0&limit=5'])('REST history %s is a 400 validation error', async (query) => {
    const res = await history(query);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe(ErrorCode.Validation);
    expect(res.body.error.message).toMatch(/^(before|after): /);
  });

  it('REST history ?after=0 still works', async () => {
    const res = await history('?after=0');
    expect(res.status).toBe(200);
    expect((res.body as HistoryResponse).messages.map((m) => m.seq)).toEqual([1, 2, 3]);
  });

  it.each<[string, string, string]>([
    ['a receipt read cursor', 'r1', `{"type":"receipt","id":"r1","conversationId":"${'CONV'}","read":-0}`],
    ['a receipt delivered cursor', 'r2', `{"type":"receipt","id":"r2","conversationId":"${'CONV'}","delivered":-0}`],
    ['a sync eventsAfter', 's1', '{"type":"sync","id":"s1","eventsAfter":-0}'],
    ['a sync cursor', 's2', `{"type":"sync","id":"s2","cursors":{"${'CONV'}":-0}}`],
  ])('%s of -0 on the socket is a validation error', async (_label, id, raw) => {
    a.send(raw.replaceAll('CONV', conv));
    const err = await a.next<ErrorFrame>((fr) => fr.type === 'error' && fr.id === id);
    expect(err.code).toBe(ErrorCode.Validation);
  });

  it('a send whose request id is -0 is refused and stores nothing', async () => {
    const c = await f.connect(alice);
    c.send(JSON.stringify(textFrame(conv, 'negzero', 'x', 'ID')).replace('"ID"', '-0'));
    const err = await c.next<ErrorFrame>((fr) => fr.type === 'error');
    expect(err.code).toBe(ErrorCode.Validation);
    expect(err.message).toMatch(/^id: /);
    // The socket still works, and the refused message was never stored.
    c.send(textFrame(conv, 'after-1', 'after'));
    const ack = await c.next<AckFrame>((fr) => fr.type === 'ack' && fr.clientMsgId === 'after-1');
    expect(ack.seq).toBe(4);
  });
});
