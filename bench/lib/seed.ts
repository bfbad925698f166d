// Seeds a quickchat data directory for the read benchmarks (P6 history, P6b conversation list)
// through the store's own API (openSqliteStore: createUser, createConversation, appendMessages),
// so the rows are exactly what the server writes, whatever the schema version. Runs in the
// parent before the server child starts on the same directory.
import { join } from 'node:path';
import { dmConversationId } from '@quickchat/protocol';
import { hashPassword } from '../../packages/server/src/auth/passwords.js';
import { openSqliteStore, type SqliteStore } from '../../packages/server/src/store/sqlite/sqlite-store.js';
import type { NewMessage } from '../../packages/server/src/store/types.js';
import { payloadText } from './stats.js';

/** The password of every seeded account that signs in. */
export const SEED_PASSWORD = 'benchmark password';
/** Messages per `appendMessages` call (one transaction each). */
const BATCH = 10_000;
/** Name of the database file in a data directory (as the server names it). */
export const DB_FILE = 'quickchat.db';

/** A signed-in account of a seeded data directory. */
export interface SeededUser {
  id: string;
  handle: string;
}

/** Opens the store of `dataDir`, runs `work`, and closes it (which also indexes what it wrote for search). */
export async function withStore<T>(dataDir: string, work: (store: SqliteStore) => Promise<T>): Promise<T> {
  const store = openSqliteStore({ file: join(dataDir, DB_FILE), synchronous: 'NORMAL' });
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}

/** Creates a signed-in account `u_<handle>` with the seed password's hash. */
export async function createAccount(store: SqliteStore, handle: string, passwordHash: string, now: number): Promise<SeededUser> {
  const id = `u_${handle}`;
  await store.createUser({ id, handle, displayName: handle, passwordHash, createdAt: now });
  return { id, handle };
}

/** Appends `count` messages to `conversationId`, alternating senders, in batches; returns the last seq. */
async function appendMany(store: SqliteStore, conversationId: string, senders: readonly string[], count: number, text: string, tag: string, now: number): Promise<void> {
  const content = { type: 'text' as const, text };
  const contentJson = JSON.stringify(content);
  for (let from = 0; from < count; from += BATCH) {
    const batch: NewMessage[] = [];
    for (let i = from; i < Math.min(count, from + BATCH); i++) {
      const senderId = senders[i % senders.length]!;
      batch.push({ id: `m_${tag}_${i}`, conversationId, senderId, clientMsgId: `${tag}-${i}`, content, contentJson, createdAt: now - count + i });
    }
    const results = await store.appendMessages(batch);
    const refused = results.find((r) => r.status !== 'stored');
    if (refused) throw new Error(`seed: append refused (${refused.status})`);
  }
}

/** One DM of `messages` messages between two accounts (P6). */
export interface HistorySeed {
  reader: SeededUser;
  conversationId: string;
  messages: number;
}

/** Seeds P6: two friends, one DM with `messages` messages of `payloadBytes` bytes. */
export async function seedHistory(dataDir: string, messages: number, payloadBytes: number): Promise<HistorySeed> {
  return withStore(dataDir, async (store) => {
    const now = Date.now();
    const hash = await hashPassword(SEED_PASSWORD);
    const reader = await createAccount(store, 'reader', hash, now);
    const writer = await createAccount(store, 'writer', hash, now);
    const conversationId = dmConversationId(reader.id, writer.id);
    await store.createConversation({ id: conversationId, kind: 'dm', members: [reader.id, writer.id], createdAt: now - messages - 1 });
    await appendMany(store, conversationId, [writer.id, reader.id], messages, payloadText(payloadBytes), 'h', now);
    return { reader, conversationId, messages };
  });
}

/** A user with many conversations and an unread backlog (P6b). */
export interface InboxSeed {
  owner: SeededUser;
  conversations: number;
  backlog: number;
}

/**
 * Seeds P6b: one user in `conversations` DMs whose peers sent `backlog` messages in all, spread
 * evenly, none of them read.
 */
export async function seedInbox(dataDir: string, conversations: number, backlog: number, payloadBytes: number): Promise<InboxSeed> {
  return withStore(dataDir, async (store) => {
    const now = Date.now();
    const hash = await hashPassword(SEED_PASSWORD);
    const owner = await createAccount(store, 'owner', hash, now);
    const text = payloadText(payloadBytes);
    const perConversation = Math.ceil(backlog / conversations);
    for (let c = 0; c < conversations; c++) {
      const peer = await createAccount(store, `peer${c}`, hash, now);
      const conversationId = dmConversationId(owner.id, peer.id);
      await store.createConversation({ id: conversationId, kind: 'dm', members: [owner.id, peer.id], createdAt: now - backlog - 1 });
      await appendMany(store, conversationId, [peer.id], Math.min(perConversation, backlog - c * perConversation), text, `i${c}`, now - c);
    }
    return { owner, conversations, backlog };
  });
}

/** Creates a group through the store, as the server would (its `created` notice is seq 1). */
async function createGroup(store: SqliteStore, id: string, ownerId: string, members: readonly string[], at: number): Promise<void> {
  const content = { type: 'system' as const, action: 'created' as const, actorId: ownerId, changes: { name: id } };
  const result = await store.createGroup({
    id,
    ownerId,
    name: id,
    avatarUrl: null,
    description: '',
    joinMode: 'invite',
    historyVisible: false,
    members,
    pending: [],
    message: { id: `m_${id}_created`, conversationId: id, senderId: ownerId, clientMsgId: `created-${id}`, content, contentJson: JSON.stringify(content), createdAt: at },
    events: [],
    createdAt: at,
  });
  if (result.status !== 'applied') throw new Error(`seed: group ${id} not created (${result.status})`);
}

/** Seeds P6g: a group of `members` members whose history has `messages` messages; `reader` is a member. */
export async function seedGroupHistory(dataDir: string, messages: number, members: number, payloadBytes: number): Promise<HistorySeed> {
  return withStore(dataDir, async (store) => {
    const now = Date.now();
    const hash = await hashPassword(SEED_PASSWORD);
    const reader = await createAccount(store, 'reader', hash, now);
    const others = Array.from({ length: members - 1 }, (_, i) => `u_member${i}`);
    const conversationId = 'g:history';
    await createGroup(store, conversationId, reader.id, others, now - messages - 1);
    // Ten members do the talking, as in most groups.
    await appendMany(store, conversationId, others.slice(0, 10), messages - 1, payloadText(payloadBytes), 'gh', now);
    return { reader, conversationId, messages };
  });
}

/**
 * Seeds P6s: one user in `groups` groups of `members` members each, whose other members sent
 * `backlog` messages in all, spread evenly, none of them read.
 */
export async function seedGroupInbox(dataDir: string, groups: number, members: number, backlog: number, payloadBytes: number): Promise<InboxSeed> {
  return withStore(dataDir, async (store) => {
    const now = Date.now();
    const hash = await hashPassword(SEED_PASSWORD);
    const owner = await createAccount(store, 'owner', hash, now);
    const text = payloadText(payloadBytes);
    const others = Array.from({ length: members - 1 }, (_, i) => `u_member${i}`);
    const perGroup = Math.ceil(backlog / groups);
    for (let g = 0; g < groups; g++) {
      const id = `g:inbox${g}`;
      await createGroup(store, id, others[0]!, [owner.id, ...others.slice(1)], now - backlog - 1);
      await appendMany(store, id, others.slice(0, 5), Math.min(perGroup, backlog - g * perGroup), text, `gi${g}`, now - g);
    }
    return { owner, conversations: groups, backlog };
  });
}
