import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dmConversationId, ErrorCode } from '@quickchat/protocol';
import { SERVER_VERSION } from '../src/app.js';
import type { Route } from '../src/http/routes.js';
import { authRoutes } from '../src/routes/auth.js';
import { userRoutes } from '../src/routes/users.js';
import { friendRoutes } from '../src/routes/friends.js';
import { conversationRoutes } from '../src/routes/conversations.js';
import { groupRoutes } from '../src/routes/groups.js';
import { searchRoutes } from '../src/routes/search.js';
import { attachmentRoutes } from '../src/routes/attachments.js';
import { turnRoutes } from '../src/routes/turn.js';
import { startTestServer, type TestServer } from './support/server.js';
import { Rest, type RestResult, type TestUser } from './support/rest.js';
import { RawClient } from './support/ws-client.js';

interface Schema {
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  minLength?: number;
  $ref?: string;
}
interface Operation {
  summary?: string;
  tags?: string[];
  security?: Record<string, string[]>[];
  parameters?: { name: string; in: string; required: boolean; schema: Schema }[];
  requestBody?: { required: boolean; content: Record<string, { schema: Schema }> };
  responses: Record<string, { description: string; content?: Record<string, { schema: Schema }> }>;
}
interface OpenApiDoc {
  openapi: string;
  info: { title: string; version: string };
  components: { securitySchemes: Record<string, unknown>; schemas: Record<string, Schema> };
  paths: Record<string, Record<string, Operation>>;
}

/** Every REST operation of a server with built-in accounts, written out by hand. */
const AUTH_OPS = ['post /api/auth/register', 'post /api/auth/login', 'post /api/auth/refresh', 'post /api/auth/logout'];
const OTHER_OPS = [
  'get /api/me',
  'patch /api/me',
  'get /api/users/by-handle/{handle}',
  'get /api/users/{userId}',
  'get /api/friends',
  'delete /api/friends/{userId}',
  'get /api/friend-requests/incoming',
  'get /api/friend-requests/outgoing',
  'post /api/friend-requests',
  'post /api/friend-requests/{userId}/accept',
  'post /api/friend-requests/{userId}/decline',
  'delete /api/friend-requests/{userId}',
  'get /api/blocks',
  'put /api/blocks/{userId}',
  'delete /api/blocks/{userId}',
  'get /api/conversations',
  'get /api/conversations/{conversationId}/messages',
  'get /api/conversations/{conversationId}/read-by',
  'get /api/search',
  'get /api/turn-credentials',
  'post /api/uploads',
  'delete /api/uploads/{id}',
  'get /api/files/{id}/link',
  'post /api/groups',
  'get /api/group-invites',
  'get /api/groups/{groupId}',
  'patch /api/groups/{groupId}',
  'delete /api/groups/{groupId}',
  'get /api/groups/{groupId}/members',
  'post /api/groups/{groupId}/members',
  'delete /api/groups/{groupId}/members/{userId}',
  'post /api/groups/{groupId}/leave',
  'put /api/groups/{groupId}/members/{userId}/role',
  'post /api/groups/{groupId}/transfer',
  'post /api/groups/{groupId}/requests',
  'delete /api/groups/{groupId}/requests',
  'get /api/groups/{groupId}/requests',
  'post /api/groups/{groupId}/requests/{userId}/approve',
  'post /api/groups/{groupId}/requests/{userId}/decline',
  'get /api/groups/{groupId}/invites',
  'delete /api/groups/{groupId}/invites/{userId}',
  'post /api/groups/{groupId}/invites/accept',
  'post /api/groups/{groupId}/invites/decline',
];

/** Request bodies: required fields and all documented properties. */
const BODIES: Record<string, { required: string[]; properties: string[] }> = {
  'post /api/auth/register': { required: ['displayName', 'handle', 'password'], properties: ['displayName', 'handle', 'password'] },
  'post /api/auth/login': { required: ['handle', 'password'], properties: ['handle', 'password'] },
  'post /api/auth/refresh': { required: ['refreshToken'], properties: ['refreshToken'] },
  'post /api/auth/logout': { required: ['refreshToken'], properties: ['refreshToken'] },
  'patch /api/me': { required: [], properties: ['avatarUrl', 'displayName', 'showPresence', 'signature'] },
  'post /api/friend-requests': { required: ['userId'], properties: ['memo', 'userId'] },
  'post /api/groups': { required: ['name'], properties: ['avatarUrl', 'description', 'historyVisible', 'joinMode', 'members', 'name'] },
  'patch /api/groups/{groupId}': { required: [], properties: ['avatarUrl', 'description', 'historyVisible', 'joinMode', 'name'] },
  'post /api/groups/{groupId}/members': { required: ['userIds'], properties: ['userIds'] },
  'put /api/groups/{groupId}/members/{userId}/role': { required: ['role'], properties: ['role'] },
  'post /api/groups/{groupId}/transfer': { required: ['userId'], properties: ['userId'] },
  'post /api/groups/{groupId}/requests': { required: [], properties: ['memo'] },
};

/** Request bodies that are raw bytes (a file), not JSON. */
const RAW_BODIES = ['post /api/uploads'];

const opsOf = (doc: OpenApiDoc) => Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m} ${path}`));
const specOps = (routes: Route[]) => routes.map((r) => `${r.spec.method} ${r.spec.path.replace(/:([A-Za-z]+)/g, '{$1}')}`);
const templateRegex = (template: string) => new RegExp(`^${template.replace(/\{[A-Za-z]+\}/g, '[^/]+')}$`);
const isNoRoute = (res: RestResult) => res.status === 404 && /^no route for /.test(res.body?.error?.message ?? '');

describe('OpenAPI document', () => {
  let t: TestServer;
  let rest: Rest;
  let doc: OpenApiDoc;
  let alice: TestUser;
  let bob: TestUser;
  let carol: TestUser;
  let dave: TestUser;
  /** Plays the outsider and requester in the group probes (dave's sign-in is ended by the refresh probes). */
  let eve: TestUser;

  /** Fills `{param}` placeholders with real values. */
  const fill = (path: string) =>
    path
      .replace('{userId}', bob.id)
      .replace('{handle}', bob.handle)
      .replace('{conversationId}', dmConversationId(alice.id, bob.id))
      .replace('{groupId}', 'g:probe');
  const op = (key: string): Operation => {
    const [method, path] = key.split(' ') as [string, string];
    const operation = doc.paths[path]?.[method];
    if (!operation) throw new Error(`${key} is not documented`);
    return operation;
  };

  beforeAll(async () => {
    t = await startTestServer({ limits: { authAttemptsPerMinute: 10_000 } });
    rest = new Rest(t.url);
    [alice, bob, carol, dave, eve] = await Promise.all([rest.register('alice'), rest.register('bob'), rest.register('carol'), rest.register('dave'), rest.register('eve')]);
    const res = await rest.call<OpenApiDoc>('GET', '/api/openapi.json');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    doc = res.body;
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('is OpenAPI 3.x with the server version, bearer security scheme and the Error schema', () => {
    expect(doc.openapi).toMatch(/^3\.\d+\.\d+$/);
    expect(doc.info.version).toBe(SERVER_VERSION);
    expect(doc.info.title).toEqual(expect.any(String));
    expect(doc.components.securitySchemes['bearer']).toEqual({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });
    const error = doc.components.schemas['Error']!;
    expect(error.required).toEqual(['error']);
    expect(error.properties?.['error']?.required).toEqual(['code', 'message']);
  });

  it('describes exactly the REST operations the server registers', () => {
    const documented = opsOf(doc).sort();
    expect(documented).toEqual([...AUTH_OPS, ...OTHER_OPS].sort());
    // The route factories the server registers from produce the same set.
    const dummy = {} as never;
    const registered = specOps([...authRoutes(dummy), ...userRoutes(dummy, dummy), ...friendRoutes(dummy), ...conversationRoutes(dummy), ...groupRoutes(dummy, dummy), ...attachmentRoutes(dummy), ...searchRoutes(dummy), ...turnRoutes(dummy)]).sort();
    expect(registered).toEqual(documented);
  });

  it('every operation has a summary, tag, one success response, error responses and its path parameters', () => {
    for (const key of opsOf(doc)) {
      const o = op(key);
      expect(o.summary, key).toMatch(/\S{3}/);
      expect(o.tags?.length, key).toBe(1);
      const success = Object.keys(o.responses).filter((s) => /^2\d\d$/.test(s));
      expect(success, key).toHaveLength(1);
      if (success[0] !== '204') expect(o.responses[success[0]!]!.content?.['application/json']?.schema.type, key).toBe('object');
      for (const status of ['400', '429', '500']) {
        expect(o.responses[status]?.content?.['application/json']?.schema, `${key} ${status}`).toEqual({ $ref: '#/components/schemas/Error' });
      }
      const path = key.split(' ')[1]!;
      const pathParams = [...path.matchAll(/\{([A-Za-z]+)\}/g)].map((m) => m[1]);
      expect((o.parameters ?? []).filter((p) => p.in === 'path').map((p) => [p.name, p.required]), key).toEqual(pathParams.map((n) => [n, true]));
    }
    const history = op('get /api/conversations/{conversationId}/messages');
    expect(history.parameters?.filter((p) => p.in === 'query').map((p) => [p.name, p.schema.type, p.required])).toEqual([
      ['before', 'integer', false],
      ['after', 'integer', false],
      ['limit', 'integer', false],
    ]);
  });

  it('POST/PATCH bodies are described with their required fields; other operations take no body', () => {
    for (const key of opsOf(doc)) {
      const o = op(key);
      const expected = BODIES[key];
      if (RAW_BODIES.includes(key)) {
        expect(Object.keys(o.requestBody?.content ?? {}), key).toEqual(['application/octet-stream']);
        continue;
      }
      if (!expected) {
        expect(o.requestBody, key).toBeUndefined();
        continue;
      }
      expect(o.requestBody?.required, key).toBe(true);
      const schema = o.requestBody!.content['application/json']!.schema;
      expect(schema.type, key).toBe('object');
      expect([...(schema.required ?? [])].sort(), key).toEqual(expected.required);
      expect(Object.keys(schema.properties ?? {}).sort(), key).toEqual(expected.properties);
    }
  });

  it('documented body constraints are the ones enforced (register password minLength)', async () => {
    const min = op('post /api/auth/register').requestBody!.content['application/json']!.schema.properties!['password']!.minLength!;
    expect(min).toBeGreaterThanOrEqual(8);
    const short = await rest.call('POST', '/api/auth/register', { body: { handle: 'shorty', displayName: 'S', password: 'p'.repeat(min - 1) } });
    expect(short.status).toBe(400);
    expect(short.body.error.code).toBe(ErrorCode.Validation);
    const exact = await rest.call('POST', '/api/auth/register', { body: { handle: 'shorty', displayName: 'S', password: 'p'.repeat(min) } });
    expect(exact.status).toBe(201);
  });

  it('secured operations declare bearer security and 401, and really require a token', async () => {
    for (const key of opsOf(doc)) {
      const o = op(key);
      const [method, path] = key.split(' ') as [string, string];
      const res = await rest.call(method.toUpperCase(), fill(path));
      expect(isNoRoute(res), key).toBe(false);
      if (AUTH_OPS.includes(key)) {
        expect(o.security, key).toEqual([]);
        expect(res.status, key).toBe(400); // no body, but no token needed
      } else {
        expect(o.security, key).toEqual([{ bearer: [] }]);
        expect(o.responses['401'], key).toBeDefined();
        expect(res.status, key).toBe(401);
        expect(res.body.error.code, key).toBe(ErrorCode.Unauthenticated);
      }
    }
  });

  /** Probes of every group route, in an order that walks one group through its life. */
  const groupProbes = (): [string, () => Promise<RestResult>, number][] => {
    let g = 'g:notyet';
    const at = (path: string) => path.replace('{groupId}', encodeURIComponent(g));
    const call = (user: TestUser, method: string, path: string, body?: unknown) => () => rest.call(method, at(path), { token: user.token, ...(body === undefined ? {} : { body }) });
    const key = (method: string, path: string) => `${method} ${path}`;
    return [
      [key('post', '/api/groups'), async () => {
        const res = await rest.call('POST', '/api/groups', { token: alice.token, body: { name: 'Probe', joinMode: 'request', members: [bob.id, carol.id] } });
        g = res.body.group.id;
        return res;
      }, 201],
      [key('post', '/api/groups'), () => rest.call('POST', '/api/groups', { token: alice.token, body: { name: '' } }), 400],
      [key('get', '/api/groups/{groupId}'), call(alice, 'GET', '/api/groups/{groupId}'), 200],
      [key('get', '/api/groups/{groupId}'), call(eve, 'GET', '/api/groups/{groupId}'), 404],
      [key('patch', '/api/groups/{groupId}'), call(alice, 'PATCH', '/api/groups/{groupId}', { description: 'probing' }), 200],
      [key('patch', '/api/groups/{groupId}'), call(eve, 'PATCH', '/api/groups/{groupId}', { description: 'no' }), 404],
      [key('post', '/api/groups/{groupId}/invites/accept'), call(bob, 'POST', '/api/groups/{groupId}/invites/accept'), 204],
      [key('post', '/api/groups/{groupId}/invites/accept'), call(bob, 'POST', '/api/groups/{groupId}/invites/accept'), 404],
      [key('post', '/api/groups/{groupId}/invites/decline'), call(carol, 'POST', '/api/groups/{groupId}/invites/decline'), 204],
      [key('post', '/api/groups/{groupId}/invites/decline'), call(carol, 'POST', '/api/groups/{groupId}/invites/decline'), 404],
      [key('get', '/api/groups/{groupId}/members'), call(alice, 'GET', '/api/groups/{groupId}/members'), 200],
      [key('get', '/api/groups/{groupId}/members'), call(eve, 'GET', '/api/groups/{groupId}/members'), 404],
      [key('patch', '/api/groups/{groupId}'), call(bob, 'PATCH', '/api/groups/{groupId}', { name: 'Mine' }), 403],
      [key('post', '/api/groups/{groupId}/members'), call(alice, 'POST', '/api/groups/{groupId}/members', { userIds: [carol.id] }), 200],
      [key('post', '/api/groups/{groupId}/members'), call(bob, 'POST', '/api/groups/{groupId}/members', { userIds: [eve.id] }), 403],
      [key('get', '/api/group-invites'), () => rest.call('GET', '/api/group-invites', { token: carol.token }), 200],
      [key('get', '/api/groups/{groupId}/invites'), call(alice, 'GET', '/api/groups/{groupId}/invites'), 200],
      [key('get', '/api/groups/{groupId}/invites'), call(bob, 'GET', '/api/groups/{groupId}/invites'), 403],
      [key('delete', '/api/groups/{groupId}/invites/{userId}'), () => rest.call('DELETE', `${at('/api/groups/{groupId}')}/invites/${carol.id}`, { token: alice.token }), 204],
      [key('delete', '/api/groups/{groupId}/invites/{userId}'), () => rest.call('DELETE', `${at('/api/groups/{groupId}')}/invites/${carol.id}`, { token: alice.token }), 404],
      [key('post', '/api/groups/{groupId}/requests'), call(eve, 'POST', '/api/groups/{groupId}/requests', { memo: 'hi' }), 200],
      [key('post', '/api/groups/{groupId}/requests'), call(bob, 'POST', '/api/groups/{groupId}/requests', {}), 409],
      [key('get', '/api/groups/{groupId}/requests'), call(alice, 'GET', '/api/groups/{groupId}/requests'), 200],
      [key('get', '/api/groups/{groupId}/requests'), call(bob, 'GET', '/api/groups/{groupId}/requests'), 403],
      [key('post', '/api/groups/{groupId}/requests/{userId}/decline'), () => rest.call('POST', `${at('/api/groups/{groupId}')}/requests/${eve.id}/decline`, { token: alice.token }), 204],
      [key('post', '/api/groups/{groupId}/requests/{userId}/decline'), () => rest.call('POST', `${at('/api/groups/{groupId}')}/requests/${eve.id}/decline`, { token: alice.token }), 404],
      [key('post', '/api/groups/{groupId}/requests'), call(eve, 'POST', '/api/groups/{groupId}/requests', {}), 200],
      [key('delete', '/api/groups/{groupId}/requests'), call(eve, 'DELETE', '/api/groups/{groupId}/requests'), 204],
      [key('delete', '/api/groups/{groupId}/requests'), call(eve, 'DELETE', '/api/groups/{groupId}/requests'), 404],
      [key('post', '/api/groups/{groupId}/requests'), call(eve, 'POST', '/api/groups/{groupId}/requests', {}), 200],
      [key('post', '/api/groups/{groupId}/requests/{userId}/approve'), () => rest.call('POST', `${at('/api/groups/{groupId}')}/requests/${eve.id}/approve`, { token: alice.token }), 204],
      [key('post', '/api/groups/{groupId}/requests/{userId}/approve'), () => rest.call('POST', `${at('/api/groups/{groupId}')}/requests/${eve.id}/approve`, { token: alice.token }), 404],
      [key('put', '/api/groups/{groupId}/members/{userId}/role'), () => rest.call('PUT', `${at('/api/groups/{groupId}')}/members/${bob.id}/role`, { token: alice.token, body: { role: 'admin' } }), 204],
      [key('put', '/api/groups/{groupId}/members/{userId}/role'), () => rest.call('PUT', `${at('/api/groups/{groupId}')}/members/${eve.id}/role`, { token: bob.token, body: { role: 'admin' } }), 403],
      [key('get', '/api/conversations/{conversationId}/read-by'), () => rest.call('GET', `/api/conversations/${encodeURIComponent(g)}/read-by?seq=1`, { token: alice.token }), 200],
      [key('get', '/api/conversations/{conversationId}/read-by'), () => rest.call('GET', `/api/conversations/${encodeURIComponent(g)}/read-by?seq=999`, { token: alice.token }), 404],
      [key('delete', '/api/groups/{groupId}/members/{userId}'), () => rest.call('DELETE', `${at('/api/groups/{groupId}')}/members/${eve.id}`, { token: alice.token }), 204],
      [key('delete', '/api/groups/{groupId}/members/{userId}'), () => rest.call('DELETE', `${at('/api/groups/{groupId}')}/members/${eve.id}`, { token: alice.token }), 404],
      [key('post', '/api/groups/{groupId}/transfer'), call(alice, 'POST', '/api/groups/{groupId}/transfer', { userId: bob.id }), 204],
      [key('post', '/api/groups/{groupId}/transfer'), call(alice, 'POST', '/api/groups/{groupId}/transfer', { userId: bob.id }), 403],
      [key('post', '/api/groups/{groupId}/leave'), call(alice, 'POST', '/api/groups/{groupId}/leave'), 204],
      [key('post', '/api/groups/{groupId}/leave'), call(alice, 'POST', '/api/groups/{groupId}/leave'), 404],
      [key('delete', '/api/groups/{groupId}'), call(bob, 'DELETE', '/api/groups/{groupId}'), 204],
      [key('delete', '/api/groups/{groupId}'), call(bob, 'DELETE', '/api/groups/{groupId}'), 404],
    ];
  };

  /** Probes of the file routes: alice uploads to her DM with bob (friends at that point), links to it, cancels it. */
  const fileProbes = (): [string, () => Promise<RestResult>, number][] => {
    let id = 'f_notyet00';
    const uploadTo = (conversationId: string) => () =>
      rest.call('POST', `/api/uploads?conversationId=${encodeURIComponent(conversationId)}&name=probe.txt`, { token: alice.token, rawBody: 'probe', headers: { 'content-type': 'application/octet-stream' } });
    return [
      ['post /api/uploads', async () => {
        const res = await uploadTo(dmConversationId(alice.id, bob.id))();
        id = res.body.attachment.id;
        return res;
      }, 201],
      ['post /api/uploads', uploadTo(dmConversationId(carol.id, dave.id)), 404],
      ['get /api/files/{id}/link', () => rest.call('GET', `/api/files/${id}/link`, { token: alice.token }), 200],
      ['get /api/files/{id}/link', () => rest.call('GET', `/api/files/${id}/link`, { token: bob.token }), 404],
      ['delete /api/uploads/{id}', () => rest.call('DELETE', `/api/uploads/${id}`, { token: alice.token }), 204],
      ['delete /api/uploads/{id}', () => rest.call('DELETE', `/api/uploads/${id}`, { token: alice.token }), 404],
    ];
  };

  it('every documented operation exists and answers with a status it documents', async () => {
    const unknownUser = 'u_doesnotexist0000';
    const erinPassword = 'erin password 123';
    const probes: [key: string, call: () => Promise<RestResult>, status: number][] = [
      ['post /api/auth/register', () => rest.call('POST', '/api/auth/register', { body: { handle: 'erin', displayName: 'Erin', password: erinPassword } }), 201],
      ['post /api/auth/register', () => rest.call('POST', '/api/auth/register', { body: { handle: 'erin', displayName: 'Erin', password: erinPassword } }), 409],
      ['post /api/auth/login', () => rest.call('POST', '/api/auth/login', { body: { handle: 'alice', password: alice.password } }), 200],
      ['post /api/auth/login', () => rest.call('POST', '/api/auth/login', { body: { handle: 'alice', password: 'wrong password!' } }), 401],
      ['post /api/auth/refresh', () => rest.call('POST', '/api/auth/refresh', { body: { refreshToken: dave.refreshToken } }), 200],
      ['post /api/auth/refresh', () => rest.call('POST', '/api/auth/refresh', { body: { refreshToken: dave.refreshToken } }), 401],
      ['post /api/auth/logout', () => rest.call('POST', '/api/auth/logout', { body: { refreshToken: 'not-a-known-token' } }), 204],
      ['post /api/auth/logout', () => rest.call('POST', '/api/auth/logout', { body: { refreshToken: 'x'.repeat(100_000) } }), 413],
      ['get /api/me', () => rest.call('GET', '/api/me', { token: alice.token }), 200],
      ['patch /api/me', () => rest.call('PATCH', '/api/me', { token: alice.token, body: { displayName: 'Alice A' } }), 200],
      ['patch /api/me', () => rest.call('PATCH', '/api/me', { token: alice.token, body: {} }), 400],
      ['get /api/users/by-handle/{handle}', () => rest.call('GET', '/api/users/by-handle/bob', { token: alice.token }), 200],
      ['get /api/users/by-handle/{handle}', () => rest.call('GET', '/api/users/by-handle/nobody_here', { token: alice.token }), 404],
      ['get /api/users/{userId}', () => rest.call('GET', `/api/users/${bob.id}`, { token: alice.token }), 200],
      ['get /api/users/{userId}', () => rest.call('GET', `/api/users/${unknownUser}`, { token: alice.token }), 404],
      ['post /api/friend-requests', () => rest.call('POST', '/api/friend-requests', { token: alice.token, body: { userId: bob.id, memo: 'hi' } }), 200],
      ['post /api/friend-requests', () => rest.call('POST', '/api/friend-requests', { token: alice.token, body: { userId: unknownUser } }), 404],
      ['get /api/friend-requests/outgoing', () => rest.call('GET', '/api/friend-requests/outgoing', { token: alice.token }), 200],
      ['get /api/friend-requests/incoming', () => rest.call('GET', '/api/friend-requests/incoming', { token: bob.token }), 200],
      ['post /api/friend-requests/{userId}/accept', () => rest.call('POST', `/api/friend-requests/${alice.id}/accept`, { token: bob.token }), 200],
      ['post /api/friend-requests/{userId}/accept', () => rest.call('POST', `/api/friend-requests/${carol.id}/accept`, { token: bob.token }), 404],
      ['get /api/friends', () => rest.call('GET', '/api/friends', { token: alice.token }), 200],
      ['get /api/conversations', () => rest.call('GET', '/api/conversations', { token: alice.token }), 200],
      ['get /api/search', () => rest.call('GET', '/api/search?q=hello', { token: alice.token }), 200],
      ['get /api/search', () => rest.call('GET', '/api/search?q=', { token: alice.token }), 400],
      ['get /api/search', () => rest.call('GET', `/api/search?q=hi&conversationId=${encodeURIComponent('g:nosuch')}`, { token: alice.token }), 404],
      ['get /api/turn-credentials', () => rest.call('GET', '/api/turn-credentials', { token: alice.token }), 200],
      ['get /api/conversations/{conversationId}/messages', async () => {
        // A conversation exists once it has a message.
        const client = await RawClient.connect(t.wsUrl, alice.token);
        client.send({ type: 'send', id: 1, conversationId: dmConversationId(alice.id, bob.id), clientMsgId: 'm1', content: { type: 'text', text: 'hi' } });
        await client.next((f) => f.type === 'ack');
        await client.close();
        return rest.call('GET', `/api/conversations/${dmConversationId(alice.id, bob.id)}/messages?limit=10`, { token: alice.token });
      }, 200],
      ['get /api/conversations/{conversationId}/messages', () => rest.call('GET', `/api/conversations/${dmConversationId(carol.id, dave.id)}/messages`, { token: alice.token }), 404],
      ['get /api/conversations/{conversationId}/messages', () => rest.call('GET', '/api/conversations/nonsense/messages', { token: alice.token }), 400],
      ...fileProbes(),
      ['delete /api/friends/{userId}', () => rest.call('DELETE', `/api/friends/${bob.id}`, { token: alice.token }), 204],
      ['post /api/friend-requests', () => rest.call('POST', '/api/friend-requests', { token: alice.token, body: { userId: carol.id } }), 200],
      ['post /api/friend-requests/{userId}/decline', () => rest.call('POST', `/api/friend-requests/${alice.id}/decline`, { token: carol.token }), 204],
      ['post /api/friend-requests/{userId}/decline', () => rest.call('POST', `/api/friend-requests/${alice.id}/decline`, { token: carol.token }), 404],
      ['post /api/friend-requests', () => rest.call('POST', '/api/friend-requests', { token: alice.token, body: { userId: dave.id } }), 200],
      ['delete /api/friend-requests/{userId}', () => rest.call('DELETE', `/api/friend-requests/${dave.id}`, { token: alice.token }), 204],
      ['delete /api/friend-requests/{userId}', () => rest.call('DELETE', `/api/friend-requests/${dave.id}`, { token: alice.token }), 404],
      ['put /api/blocks/{userId}', () => rest.call('PUT', `/api/blocks/${carol.id}`, { token: alice.token }), 204],
      ['put /api/blocks/{userId}', () => rest.call('PUT', `/api/blocks/${unknownUser}`, { token: alice.token }), 404],
      ['get /api/blocks', () => rest.call('GET', '/api/blocks', { token: alice.token }), 200],
      ['delete /api/blocks/{userId}', () => rest.call('DELETE', `/api/blocks/${carol.id}`, { token: alice.token }), 204],
      ...groupProbes(),
    ];
    expect(new Set(probes.map(([key]) => key))).toEqual(new Set(opsOf(doc)));
    for (const [key, call, status] of probes) {
      const res = await call();
      const o = op(key);
      expect(isNoRoute(res), key).toBe(false);
      expect(res.status, `${key}: ${JSON.stringify(res.body)}`).toBe(status);
      expect(Object.keys(o.responses), `${key} returned an undocumented ${status}`).toContain(String(status));
      const schema = o.responses[String(status)]!.content?.['application/json']?.schema;
      if (status === 204) {
        expect(schema, key).toBeUndefined();
        expect(res.body, key).toBeUndefined();
      } else if (schema?.required) {
        for (const field of schema.required) expect(res.body, `${key} ${status} lacks ${field}`).toHaveProperty(field);
      }
    }
  });

  it('documented paths answer no undocumented methods', async () => {
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const method of ['get', 'post', 'put', 'patch', 'delete']) {
        const concrete = fill(path);
        // Skip when another documented template of this method matches (DELETE /api/friend-requests/incoming is {userId}).
        if (Object.entries(doc.paths).some(([other, o]) => o[method] && templateRegex(other).test(concrete))) continue;
        const res = await rest.call(method.toUpperCase(), concrete, { token: alice.token });
        expect(isNoRoute(res), `${method} ${concrete} answered ${res.status} ${JSON.stringify(res.body)}`).toBe(true);
      }
    }
  });
});

describe('OpenAPI document without built-in accounts', () => {
  let t: TestServer;
  afterAll(async () => {
    await t?.stop();
  });

  it('omits the auth operations, which are not served either', async () => {
    t = await startTestServer({ auth: { builtinAccounts: false, external: { issuer: 'https://idp.example', audience: 'app', algorithm: 'HS256', key: 'k'.repeat(40) } } });
    const rest = new Rest(t.url);
    const doc = (await rest.call<OpenApiDoc>('GET', '/api/openapi.json')).body;
    expect(opsOf(doc).sort()).toEqual([...OTHER_OPS].sort());
    for (const key of AUTH_OPS) {
      const res = await rest.call('POST', key.split(' ')[1]!, { body: { handle: 'alice', displayName: 'A', password: 'long enough pw', refreshToken: 'x' } });
      expect(isNoRoute(res), key).toBe(true);
    }
  });
});
