/**
 * Query-operator injection (issue 14, docs/guarantees.md): objects such as `{"$ne": null}` sent
 * where the protocol expects a string or a number, through every REST route (path, query and each
 * body field) and every client frame, never reach the Store. The Store here is the real SQLite
 * store, observed by a proxy that records every argument of every call; any object key starting
 * with `$` in any argument fails the test. A document store (MongoDB) would read such an object as
 * a query operator; this holds whichever backend is plugged in, because validation refuses them
 * before any store call, and `@quickchat/store-mongo` also sanitizes filters as a backstop.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type QuickchatServer } from '../src/app.js';
import { openSqliteStore } from '../src/store/sqlite/sqlite-store.js';
import type { Store } from '../src/store/types.js';
import { Rest, type TestUser } from './support/rest.js';
import { RawClient } from './support/ws-client.js';

/** Operator objects a NoSQL injection would try. */
const OPERATORS: unknown[] = [{ $ne: null }, { $gt: '' }, { $regex: '.*' }, { $where: 'return true' }, { $in: ['x'] }, [{ $ne: null }]];

/** Every `$`-key found anywhere in a value (objects, arrays, nested), as paths. */
function operatorKeys(value: unknown, path = ''): string[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => operatorKeys(v, `${path}[${i}]`));
  if (value === null || typeof value !== 'object' || value instanceof Uint8Array) return [];
  return Object.entries(value).flatMap(([k, v]) => [...(k.startsWith('$') ? [`${path}.${k}`] : []), ...operatorKeys(v, `${path}.${k}`)]);
}

/** Wraps a store so that every argument of every method call is kept for inspection. */
function observed(store: Store): { store: Store; calls: { method: string; args: unknown[] }[] } {
  const calls: { method: string; args: unknown[] }[] = [];
  const proxy = new Proxy(store, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        calls.push({ method: String(prop), args });
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { store: proxy, calls };
}

interface OpenApi {
  paths: Record<string, Record<string, { parameters?: { name: string; in: string }[]; requestBody?: { content: Record<string, { schema?: { properties?: Record<string, unknown> } }> } }>>;
}

describe('operator objects never reach the Store, through any route or frame', () => {
  let dataDir: string;
  let server: QuickchatServer;
  let url: string;
  let calls: { method: string; args: unknown[] }[];
  let alice: TestUser;
  let bob: TestUser;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'quickchat-operators-'));
    const watched = observed(openSqliteStore({ file: join(dataDir, 'quickchat.db') }));
    calls = watched.calls;
    server = createServer({ port: 0, dataDir, store: watched.store, logLevel: 'silent', allowNoOrigin: true, limits: { authAttemptsPerMinute: 10_000, messagesPerSecond: 10_000, messageBurst: 10_000 } });
    url = (await server.start()).url;
    const rest = new Rest(url);
    alice = await rest.register('alice');
    bob = await rest.register('bob');
    await rest.befriend(alice, bob);
  });
  afterAll(async () => {
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const injected = () => calls.flatMap((c) => operatorKeys(c.args).map((key) => `${c.method}${key}`));

  it('the check itself finds an operator wherever it hides in a store call', () => {
    expect(operatorKeys(['u_1', { id: 'x', where: [{ handle: { $ne: null } }] }])).toEqual(['[1].where[0].handle.$ne']);
  });

  it('REST: every route of the OpenAPI document, with operators in each path parameter, query parameter and body field', async () => {
    const api = (await (await fetch(`${url}/api/openapi.json`)).json()) as OpenApi;
    let requests = 0;
    for (const [template, methods] of Object.entries(api.paths)) {
      for (const [method, op] of Object.entries(methods)) {
        const params = op.parameters ?? [];
        const bodyFields = Object.keys(op.requestBody?.content['application/json']?.schema?.properties ?? {});
        for (const operator of OPERATORS) {
          const json = JSON.stringify(operator);
          const path = template.replace(/\{(\w+)\}/g, () => encodeURIComponent(json));
          const query = params.filter((p) => p.in === 'query').map((p) => `${p.name}[$ne]=x&${p.name}=${encodeURIComponent(json)}`).join('&');
          const bodies = bodyFields.length ? bodyFields.map((field) => ({ [field]: operator })) : [operator];
          for (const body of [...bodies, ...(bodyFields.length ? [Object.fromEntries(bodyFields.map((f) => [f, operator]))] : [])]) {
            const res = await fetch(`${url}${path}${query ? `?${query}` : ''}`, {
              method: method.toUpperCase(),
              headers: { authorization: `Bearer ${alice.token}`, 'content-type': 'application/json' },
              ...(method === 'get' || method === 'head' ? {} : { body: JSON.stringify(body) }),
            });
            await res.body?.cancel();
            expect(res.status, `${method.toUpperCase()} ${template} with ${json}`).toBeLessThan(500);
            requests++;
          }
        }
      }
    }
    expect(requests).toBeGreaterThan(100);
    expect(injected()).toEqual([]);
    // The server is unharmed and the store was really reached by the valid traffic around it.
    expect((await new Rest(url).call('GET', '/api/me', { token: alice.token })).status).toBe(200);
    expect(calls.length).toBeGreaterThan(0);
  });

  it('socket: every client frame type, with operators in each field, on an authenticated socket and in `auth` itself', async () => {
    const dm = `dm:${[alice.id, bob.id].sort().join('~')}`;
    const frames: Record<string, unknown>[] = [
      { type: 'send', id: 's', conversationId: dm, clientMsgId: 'c1', content: { type: 'text', text: 'x' } },
      { type: 'sync', id: 'y', cursors: { [dm]: 0 }, eventsAfter: 0, limit: 10 },
      { type: 'receipt', conversationId: dm, delivered: 1, read: 1 },
      { type: 'typing', conversationId: dm, active: true },
      { type: 'presence', id: 'p', subscribe: [bob.id] },
      { type: 'call', id: 'k', action: 'invite', peerId: bob.id, media: { audio: true, video: false } },
      { type: 'call', id: 'k2', action: 'accept', callId: 'c_x', media: { audio: true, video: false } },
      { type: 'signal', callId: 'c_x', data: { type: 'offer', sdp: 'v=0' } },
      { type: 'ping', id: 'g' },
    ];
    const socket = await RawClient.connect(`${url.replace('http', 'ws')}/ws`, alice.token);
    let sent = 0;
    for (const frame of frames) {
      for (const field of Object.keys(frame).filter((k) => k !== 'type')) {
        for (const operator of OPERATORS) {
          socket.send(JSON.stringify({ ...frame, [field]: operator }));
          sent++;
        }
      }
      // Nested places too: the content's text and type, a cursor's value, a media flag.
      for (const operator of OPERATORS) {
        if (frame.type === 'send') {
          socket.send(JSON.stringify({ ...frame, content: { type: 'text', text: operator } }));
          socket.send(JSON.stringify({ ...frame, quote: operator, replyTo: operator }));
        }
        if (frame.type === 'sync') socket.send(JSON.stringify({ ...frame, cursors: { [dm]: operator } }));
        if (frame.type === 'call') socket.send(JSON.stringify({ ...frame, media: { audio: operator, video: false } }));
      }
    }
    await socket.roundTrip();
    expect(sent).toBeGreaterThan(80);
    expect(injected()).toEqual([]);
    // `auth` with an operator for a token: refused, and nothing reaches the store.
    const raw = await RawClient.open(`${url.replace('http', 'ws')}/ws`);
    raw.send(JSON.stringify({ type: 'auth', token: { $ne: null } }));
    expect((await raw.closed).code).toBeGreaterThanOrEqual(4000);
    expect(injected()).toEqual([]);
    await socket.close();
  });
});
