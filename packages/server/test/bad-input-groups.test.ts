/**
 * The bad-input catalogue (docs/guarantees.md) applied to group routes and frames: operator
 * objects, huge and control-character names, unknown roles, ids of the wrong kind, forged system
 * content. Each gets a clear error naming the field; nothing is stored or changed; the server and
 * its bystanders are unharmed.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { dmConversationId, ErrorCode, type CreateGroupResponse } from '@quickchat/protocol';
import { errorFor, expectRestError, expectUnharmed, query, setupScene, snapshot, teardown, type Scene } from './support/bad-input.js';

let s: Scene | null = null;
afterEach(async () => {
  await teardown(s);
  s = null;
});

/** The scene plus a group of alice (owner) and bob. */
async function groupScene(): Promise<{ scene: Scene; g: string }> {
  const scene = await setupScene();
  const res = await scene.rest.call<CreateGroupResponse>('POST', '/api/groups', { token: scene.alice.token, body: { name: 'Base', members: [scene.bob.id] } });
  expect(res.status).toBe(201);
  return { scene, g: res.body.group.id };
}

describe('bad input on group routes and frames', () => {
  it('refuses operator objects, wrong types, huge and control-character values, unknown roles and ids of the wrong kind', async () => {
    const { scene, g } = await groupScene();
    s = scene;
    const before = snapshot(s);
    const token = s.alice.token;
    const gp = encodeURIComponent(g);
    const cases: [string, string, unknown, RegExp][] = [
      ['POST', '/api/groups', { name: { $gt: '' } }, /name/],
      ['POST', '/api/groups', { name: 'x'.repeat(65) }, /name/],
      ['POST', '/api/groups', { name: '   ' }, /name/],
      ['POST', '/api/groups', { name: 'bad\u0000name' }, /name.*control/],
      ['POST', '/api/groups', { name: 'two\nlines' }, /name.*control/],
      ['POST', '/api/groups', { name: 'ok', description: 'bell\u0007' }, /description/],
      ['POST', '/api/groups', { name: 'ok', description: 'd'.repeat(501) }, /description/],
      ['POST', '/api/groups', { name: 'ok', avatarUrl: 'javascript:alert(1)' }, /avatarUrl/],
      ['POST', '/api/groups', { name: 'ok', avatarUrl: 'https://example.test/a.svg' }, /avatarUrl/],
      ['POST', '/api/groups', { name: 'ok', joinMode: 'open-to-all' }, /joinMode/],
      ['POST', '/api/groups', { name: 'ok', historyVisible: 'yes' }, /historyVisible/],
      ['POST', '/api/groups', { name: 'ok', members: { $ne: null } }, /members/],
      ['POST', '/api/groups', { name: 'ok', members: [s.bob.id, s.bob.id] }, /members.*repeat/],
      ['POST', '/api/groups', { name: 'ok', members: Array.from({ length: 101 }, (_, i) => `u_${i}`) }, /members/],
      ['POST', '/api/groups', { name: 'ok', members: ['not a user id!'] }, /members/],
      ['PATCH', `/api/groups/${gp}`, {}, /at least one field/],
      ['PATCH', `/api/groups/${gp}`, { name: ['Arr'] }, /name/],
      ['POST', `/api/groups/${gp}/members`, { userIds: [] }, /userIds/],
      ['POST', `/api/groups/${gp}/members`, { userIds: [{ $gt: '' }] }, /userIds/],
      ['PUT', `/api/groups/${gp}/members/${s.bob.id}/role`, { role: 'owner' }, /role/],
      ['PUT', `/api/groups/${gp}/members/${s.bob.id}/role`, { role: 'superadmin' }, /role/],
      ['PUT', `/api/groups/${gp}/members/${s.bob.id}/role`, { role: { $ne: 'member' } }, /role/],
      ['POST', `/api/groups/${gp}/transfer`, { userId: { $ne: null } }, /userId/],
      ['POST', `/api/groups/${gp}/requests`, { memo: 'm'.repeat(201) }, /memo/],
      ['GET', `/api/groups/${encodeURIComponent(s.ab)}`, undefined, /groupId.*group id/],
      ['GET', '/api/groups/g:', undefined, /groupId/],
      ['GET', `/api/groups/${encodeURIComponent('g:../../etc')}`, undefined, /groupId/],
      ['GET', `/api/groups/${encodeURIComponent('{"$gt":""}')}`, undefined, /groupId/],
      ['DELETE', `/api/groups/${gp}/members/${encodeURIComponent('{"$ne":null}')}`, undefined, /userId/],
      ['GET', `/api/groups/${gp}/members?limit=0`, undefined, /limit/],
      ['GET', `/api/groups/${gp}/members?limit=201`, undefined, /limit/],
      ['GET', `/api/conversations/${gp}/read-by?seq=0`, undefined, /seq/],
      ['GET', `/api/conversations/${gp}/read-by?seq=-1`, undefined, /seq/],
      ['GET', `/api/conversations/${gp}/read-by`, undefined, /seq/],
    ];
    for (const [method, path, body, field] of cases) {
      const res = await s.rest.call(method, path, { token, ...(body === undefined ? {} : { body }) });
      expectRestError(res, 400, ErrorCode.Validation);
      expect(res.body.error.message, `${method} ${path} ${JSON.stringify(body)}`).toMatch(field);
    }
    // An oversized body is cut at the body cap.
    expectRestError(await s.rest.call('POST', '/api/groups', { token, rawBody: JSON.stringify({ name: 'x', description: 'y'.repeat(70_000) }) }), 413, ErrorCode.PayloadTooLarge);
    // Frames: system content, operator objects and wrong-kind ids in group frames.
    let n = 0;
    for (const payload of [
      { type: 'send', conversationId: g, clientMsgId: 'sys1', content: { type: 'system', action: 'removed', actorId: s.alice.id, targetIds: [s.bob.id] } },
      { type: 'send', conversationId: g, clientMsgId: 'sys2', content: { type: 'system', action: 'created' } },
      { type: 'send', conversationId: { $gt: 'g:' }, clientMsgId: 'op1', content: { type: 'text', text: 'x' } },
      { type: 'typing', conversationId: 'g:', active: true },
      { type: 'receipt', conversationId: g, read: { $gt: 0 } },
      { type: 'sync', cursors: { [g]: -1 } },
    ]) {
      const id = `grp${++n}`;
      expect(await errorFor(s.a, id, { ...payload, id })).toMatchObject({ code: ErrorCode.Validation });
    }
    expect(snapshot(s)).toEqual(before);
    await expectUnharmed(s);
  });

  it('stores names with HTML, right-to-left text and emoji verbatim, and answers a DM id on a group route as a wrong kind', async () => {
    const { scene } = await groupScene();
    s = scene;
    for (const name of ['<img src=x onerror=alert(1)>', 'مجموعة المشي', '🥾🏔️🥾', 'ab‮cd']) {
      const res = await s.rest.call<CreateGroupResponse>('POST', '/api/groups', { token: s.bob.token, body: { name } });
      expect(res.status, name).toBe(201);
      expect(res.body.group.name).toBe(name);
      const info = await s.rest.call('GET', `/api/groups/${encodeURIComponent(res.body.group.id)}`, { token: s.bob.token });
      expect(info.body.name).toBe(name);
    }
    const wrongKind = await s.rest.call('POST', `/api/groups/${encodeURIComponent(dmConversationId(s.alice.id, s.bob.id))}/leave`, { token: s.alice.token });
    expectRestError(wrongKind, 400, ErrorCode.Validation);
    await expectUnharmed(s);
  });
});
