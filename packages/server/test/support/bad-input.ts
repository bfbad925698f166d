import { expect } from 'vitest';
import Database from 'better-sqlite3';
import { dmConversationId, type AckFrame, type ErrorFrame, type MessageFrame, type ServerFrame } from '@quickchat/protocol';
import type { ServerOptions } from '../../src/config.js';
import { startTestServer, type TestServer } from './server.js';
import { Rest, type TestUser } from './rest.js';
import { RawClient } from './ws-client.js';

/**
 * The scene every bad-input case plays in: alice (the misbehaving client) and bob are friends,
 * carol and dave are friends and stay connected as bystanders, and one message is already
 * stored in each conversation so "the data is intact" can be checked afterwards.
 */
export interface Scene {
  t: TestServer;
  rest: Rest;
  alice: TestUser;
  bob: TestUser;
  carol: TestUser;
  dave: TestUser;
  /** alice's authenticated socket. */
  a: RawClient;
  /** Bystanders: carol's and dave's authenticated sockets. */
  c: RawClient;
  d: RawClient;
  ab: string;
  cd: string;
  baseline: { ab: AckFrame; cd: AckFrame };
  /** Every client opened through the scene, closed by `teardown`. */
  clients: RawClient[];
  connect(u: TestUser): Promise<RawClient>;
  /** Opens an unauthenticated socket. */
  open(): Promise<RawClient>;
}

let counter = 0;
const nextId = (prefix: string) => `${prefix}${++counter}`;

export async function setupScene(overrides: Partial<ServerOptions> = {}): Promise<Scene> {
  // Bad-input cases make many login/register attempts; the per-IP auth limit is tested elsewhere.
  const t = await startTestServer({ ...overrides, limits: { authAttemptsPerMinute: 10_000, ...overrides.limits } });
  const rest = new Rest(t.url);
  const alice = await rest.register('alice');
  const bob = await rest.register('bob');
  const carol = await rest.register('carol');
  const dave = await rest.register('dave');
  await rest.befriend(alice, bob);
  await rest.befriend(carol, dave);
  const clients: RawClient[] = [];
  const connect = async (u: TestUser) => {
    const client = await RawClient.connect(t.wsUrl, u.token);
    clients.push(client);
    return client;
  };
  const open = async () => {
    const client = await RawClient.open(t.wsUrl);
    clients.push(client);
    return client;
  };
  const a = await connect(alice);
  const c = await connect(carol);
  const d = await connect(dave);
  const ab = dmConversationId(alice.id, bob.id);
  const cd = dmConversationId(carol.id, dave.id);
  const baselineAb = await sendText(a, ab, 'baseline from alice');
  const baselineCd = (await exchange(c, d, cd, 'baseline from carol')).ack;
  return { t, rest, alice, bob, carol, dave, a, c, d, ab, cd, baseline: { ab: baselineAb, cd: baselineCd }, clients, connect, open };
}

export async function teardown(scene: Scene | null): Promise<void> {
  if (!scene) return;
  for (const client of scene.clients) client.ws.terminate();
  await scene.t.stop();
}

/** First frame matching `match`, waiting for it; does not depend on what earlier `next` calls consumed. */
export async function frame<T extends ServerFrame>(client: RawClient, match: (f: ServerFrame) => boolean, timeoutMs = 10_000): Promise<T> {
  return (await client.waitForCount(match, 1, timeoutMs))[0] as T;
}

/** Sends a text message and waits for its ack. */
export async function sendText(from: RawClient, conversationId: string, text: string): Promise<AckFrame> {
  const clientMsgId = nextId('m');
  from.send({ type: 'send', id: clientMsgId, conversationId, clientMsgId, content: { type: 'text', text } });
  return frame<AckFrame>(from, (f) => f.type === 'ack' && f.clientMsgId === clientMsgId);
}

/** Sends a DM and waits for the ack and for the recipient's copy. */
export async function exchange(from: RawClient, to: RawClient, conversationId: string, text: string): Promise<{ ack: AckFrame; message: MessageFrame }> {
  const ack = await sendText(from, conversationId, text);
  const message = await frame<MessageFrame>(to, (f) => f.type === 'message' && f.message.id === ack.messageId);
  expect(message.message.content).toEqual({ type: 'text', text });
  return { ack, message };
}

/** Sends a frame (object or raw text) carrying request id `id` and waits for the error frame with that id. */
export async function errorFor(client: RawClient, id: string | number, payload: Record<string, unknown> | string): Promise<ErrorFrame> {
  client.send(payload);
  return frame<ErrorFrame>(client, (f) => f.type === 'error' && f.id === id);
}

/** Row counts of every table, read from the database file by a separate connection. */
export function tableCounts(scene: Scene): Record<string, number> {
  const db = new Database(scene.t.dbFile, { readonly: true });
  try {
    // The search index is derived and written after commits (see `snapshot`): not counted.
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'message\\_search%' ESCAPE '\\' ORDER BY name").all() as { name: string }[];
    return Object.fromEntries(tables.map(({ name }) => [name, (db.prepare(`SELECT COUNT(*) AS n FROM "${name}"`).get() as { n: number }).n]));
  } finally {
    db.close();
  }
}

/**
 * Every row of every table: "nothing stored, nothing changed" compares two of these. The search
 * index (the `message_search` tables, and how far it got: `conversations.indexed_seq`) is left
 * out: it is derived from the messages and written shortly after their commit, so it may move
 * between two snapshots without anything having changed.
 */
export function snapshot(scene: Scene): Record<string, unknown[]> {
  const tables = query<{ name: string }>(scene, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'message\\_search%' ESCAPE '\\' ORDER BY name");
  return Object.fromEntries(
    tables.map(({ name }) => [name, query<Record<string, unknown>>(scene, `SELECT * FROM "${name}" ORDER BY 1, 2`).map(({ indexed_seq: _derived, ...row }) => row)]),
  );
}

/** Runs a query against the database file (read-only). */
export function query<T>(scene: Scene, sql: string, ...params: unknown[]): T[] {
  const db = new Database(scene.t.dbFile, { readonly: true });
  try {
    return db.prepare(sql).all(...params) as T[];
  } finally {
    db.close();
  }
}

/**
 * After a bad-input case: the server is up, the bystanders' sessions work (round trip and a
 * delivered DM), the baseline messages are intact, and nothing is polluted.
 */
export async function expectUnharmed(scene: Scene): Promise<void> {
  const health = await fetch(`${scene.t.url}/healthz`);
  expect(health.status).toBe(200);
  await scene.c.roundTrip();
  await scene.d.roundTrip();
  const text = `still chatting ${nextId('n')}`;
  await exchange(scene.c, scene.d, scene.cd, text);
  for (const [conv, token, ack, body] of [
    [scene.ab, scene.bob.token, scene.baseline.ab, 'baseline from alice'],
    [scene.cd, scene.dave.token, scene.baseline.cd, 'baseline from carol'],
  ] as const) {
    const history = await scene.rest.call('GET', `/api/conversations/${conv}/messages?after=0&limit=1`, { token });
    expect(history.status).toBe(200);
    expect(history.body.messages[0]).toMatchObject({ id: ack.messageId, seq: 1, content: { type: 'text', text: body } });
  }
  expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  expect(Object.prototype.hasOwnProperty.call(Object.prototype, 'polluted')).toBe(false);
}

/** Expects a REST error with the given status and stable code. */
export function expectRestError(res: { status: number; body: unknown; headers: Headers }, status: number, code: string): void {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type') ?? '').toMatch(/^application\/json/);
  expect(res.body).toEqual({ error: { code, message: expect.any(String) } });
}
