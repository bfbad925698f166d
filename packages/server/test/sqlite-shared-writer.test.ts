import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { dmConversationId, type SendableContent, type SystemContent } from '@quickchat/protocol';
import { useSqliteFile } from './support/sqlite-file.js';
import { seededRandom } from './support/seeded-random.js';
import { storeViolations } from './support/store-invariants.js';
import { LATEST_SCHEMA_VERSION, migrate } from '../src/store/sqlite/migrations.js';
import type { SqliteStore } from '../src/store/sqlite/sqlite-store.js';
import type { GroupChange, MessageRules, NewMessage, NewUserEvent } from '../src/store/types.js';

/**
 * Shared-writer mode (`sharedWriter: true`, docs/server.md): several stores, in several processes
 * in production, write one SQLite file. Here two stores in one process, so every interleaving is
 * chosen by the test; `sqlite-shared-writer-processes.test.ts` runs two real processes at once.
 */
describe('SQLite shared-writer mode: two stores on one file in one process', () => {
  const sqlite = useSqliteFile('quickchat-shared-writer-');
  const [U1, U2, U3, U4] = ['u_one', 'u_two', 'u_three', 'u_four'];
  const DM = dmConversationId(U1, U2);
  const G = 'g:shared';
  const RULES: MessageRules = { editWindowMs: null, maxReactions: 5, moderation: { owner: ['admin', 'member'], admin: ['member'], member: [] } };

  /** Two stores on the test's file, opened in the given mode. */
  const pair = (sharedWriter: boolean): [SqliteStore, SqliteStore] => [sqlite.open({ sharedWriter }), sqlite.open({ sharedWriter })];

  /** Item builders for one store: message ids and notice keys carry its tag, as two nodes' would differ. */
  const writer = (tag: string) => {
    let n = 0;
    const text = (conversationId: string, senderId: string, clientMsgId: string, body = clientMsgId): NewMessage => ({
      id: `m_${tag}_${++n}`,
      conversationId,
      senderId,
      clientMsgId,
      content: { type: 'text', text: body },
      createdAt: 1000 + n,
    });
    const rich = (conversationId: string, senderId: string, clientMsgId: string, content: SendableContent): NewMessage => ({
      ...text(conversationId, senderId, clientMsgId),
      content,
      rules: RULES,
    });
    const notice = (conversationId: string, actorId: string, action: SystemContent['action'], extra: Partial<SystemContent> = {}): NewMessage => ({
      ...text(conversationId, actorId, `sys:${tag}:${n + 1}`),
      content: { type: 'system', action, actorId, ...extra },
    });
    return { text, rich, notice };
  };

  const event = (userId: string, subjectId: string, at = 5): NewUserEvent => ({ userId, kind: 'group', at, conversationId: G, change: 'joined', actorId: subjectId, subjectId });

  async function seed(store: SqliteStore): Promise<void> {
    await store.createConversation({ id: DM, kind: 'dm', members: [U1, U2], createdAt: 1 });
    const w = writer('seed');
    const created = await store.createGroup({
      id: G,
      name: 'Both nodes',
      avatarUrl: null,
      description: '',
      joinMode: 'request',
      historyVisible: true,
      ownerId: U1,
      members: [U2, U3],
      pending: [],
      message: w.notice(G, U1, 'created', { changes: { name: 'Both nodes' } }),
      events: [],
      createdAt: 1,
    });
    expect(created.status).toBe('applied');
  }

  it.each([
    ['single-writer', false],
    ['shared-writer', true],
  ])('%s: interleaved appends, rich items, group changes, cursors and events from both stores keep every invariant', async (_mode, sharedWriter) => {
    const [a, b] = pair(sharedWriter);
    await seed(a);
    const writers = [writer('a'), writer('b')] as const;
    const stores = [a, b] as const;
    const random = seededRandom(14);
    const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
    const stored = new Map<string, { seq: number; id: string }>();
    const sent: { conversationId: string; sender: string; key: string }[] = [];
    let groupMembers = new Set([U1, U2, U3]);
    const done = { stored: 0, duplicate: 0, rich: 0, groupChanges: 0, cursors: 0, events: 0 };
    for (let step = 0; step < 400; step++) {
      const side = step % 2;
      const store = stores[side]!;
      const w = writers[side]!;
      const roll = random();
      if (roll < 0.45) {
        // A plain message, sometimes one the other store already took (a resend after a failover).
        const inGroup = random() < 0.5;
        const resend = sent.length > 0 && random() < 0.3 ? pick(sent) : null;
        const conversationId = resend?.conversationId ?? (inGroup ? G : DM);
        const sender = resend?.sender ?? (inGroup ? pick([...groupMembers]) : pick([U1, U2]));
        const key = resend?.key ?? `k${step}`;
        if (!resend) sent.push({ conversationId, sender, key });
        const [result] = await store.appendMessages([w.text(conversationId, sender, key)]);
        const known = stored.get(`${conversationId}/${sender}/${key}`);
        if (result!.status === 'stored' || result!.status === 'duplicate') {
          const { seq, id } = result!.message;
          if (known) expect({ status: result!.status, seq, id }).toEqual({ status: 'duplicate', ...known });
          else stored.set(`${conversationId}/${sender}/${key}`, { seq, id });
          done[result!.status] += 1;
        } else {
          expect(result!.status).toBe('not_member');
        }
      } else if (roll < 0.6) {
        // A reply to, or a reaction on, the newest message the other store wrote.
        const page = await store.getMessages(DM, { limit: 1 });
        const last = page.messages[0];
        if (last && last.content.type === 'text') {
          const sender = pick([U1, U2]);
          const content: SendableContent = random() < 0.5 ? { type: 'text', text: 'a reply', replyTo: last.seq } : { type: 'reaction', target: last.seq, emoji: '👍', active: true };
          const [result] = await store.appendMessages([w.rich(DM, sender, `r${step}`, content)]);
          expect(['stored', 'refused']).toContain(result!.status);
          if (result!.status === 'stored') done.rich += 1;
        }
      } else if (roll < 0.75) {
        // U4 joins or leaves the group, guarded by what the store holds now.
        const joined = groupMembers.has(U4);
        const change: GroupChange = joined
          ? { conversationId: G, remove: [U4], message: w.notice(G, U4, 'left'), events: [event(U4, U4)], expect: { roles: { [U4]: 'member' } }, at: 10 + step }
          : { conversationId: G, add: [{ userId: U4, role: 'member' }], message: w.notice(G, U4, 'joined'), events: [event(U4, U4), event(U1, U4)], expect: { roles: { [U4]: null } }, at: 10 + step };
        expect((await store.applyGroupChange(change)).status).toBe('applied');
        groupMembers = new Set(joined ? [U1, U2, U3] : [U1, U2, U3, U4]);
        done.groupChanges += 1;
      } else if (roll < 0.9) {
        const conversationId = random() < 0.5 ? DM : G;
        const user = conversationId === DM ? pick([U1, U2]) : pick([...groupMembers]);
        const last = (await store.getConversation(conversationId, user, 10))?.lastSeq ?? 0;
        await store.advanceCursor(conversationId, user, { read: Math.floor(random() * (last + 1)) });
        done.cursors += 1;
      } else {
        await store.appendUserEvents([event(pick([U1, U2, U3, U4]), U1), event(pick([U1, U2]), U2)]);
        done.events += 1;
      }
    }
    // The seeded run covers every kind of write, from both stores.
    for (const [kind, count] of Object.entries(done)) expect(count, kind).toBeGreaterThan(10);
    expect(await storeViolations(a, sqlite.path)).toEqual([]);
    expect(await storeViolations(b, sqlite.path)).toEqual([]);
    // Both stores answer the same, whichever wrote last.
    for (const conversationId of [DM, G]) {
      expect(await a.getMessages(conversationId, { limit: 1000 })).toEqual(await b.getMessages(conversationId, { limit: 1000 }));
    }
    expect(await a.listMembers(G, null, 10)).toEqual(await b.listMembers(G, null, 10));
    expect((await a.getGroup(G))!.memberCount).toBe(groupMembers.size);
  });

  it('single-writer: a search on one store misses what the other store just committed (why the mode exists)', async () => {
    const [a, b] = pair(false);
    await seed(a);
    await a.appendMessages([writer('a').text(DM, U1, 'k1', 'kumquat from the first store')]);
    // The first store indexes its messages ~200 ms after their commit; the second knows nothing of them.
    expect((await b.searchMessages(U2, { query: 'kumquat', limit: 10 })).hits).toEqual([]);
  });

  it('shared-writer: a search finds what the other store just committed, and sees its edits, once each', async () => {
    const [a, b] = pair(true);
    await seed(a);
    const wa = writer('a');
    const wb = writer('b');
    const [first] = await a.appendMessages([wa.text(DM, U1, 'k1', 'kumquat from the first store')]);
    await b.appendMessages([wb.text(G, U3, 'k2', 'kumquat in the group, from the second')]);
    const search = async (store: SqliteStore, user: string, query: string, conversationId?: string) =>
      (await store.searchMessages(user, { query, limit: 10, ...(conversationId ? { conversationId } : {}) })).hits.map((h) => [h.conversationId, h.seq]);
    // Newest conversation first (the group was made after the DM).
    expect(await search(b, U2, 'kumquat')).toEqual([[G, 2], [DM, 1]]);
    expect(await search(a, U3, 'kumquat')).toEqual([[G, 2]]);
    expect(await search(b, U1, 'kumquat', DM)).toEqual([[DM, 1]]);
    // The author edits it through the other store (their socket moved to the other node).
    const seq = first!.status === 'stored' ? first!.message.seq : 0;
    expect((await b.appendMessages([wb.rich(DM, U1, 'e1', { type: 'edit', target: seq, text: 'persimmon now' })]))[0]!.status).toBe('stored');
    expect(await search(a, U2, 'kumquat', DM)).toEqual([]);
    expect(await search(a, U2, 'persimmon')).toEqual([[DM, 1]]);
    // Each message is in the index once, whichever store indexed it.
    const entries = sqlite.raw((db) => db.prepare('SELECT COUNT(*) FROM message_search').pluck().get());
    const texts = sqlite.raw((db) => db.prepare("SELECT COUNT(*) FROM messages WHERE target IS NULL AND json_extract(content, '$.type') = 'text'").pluck().get());
    expect(entries).toBe(texts);
  });

  it('shared-writer: the call journal does not claim to know when "the previous run" last wrote', async () => {
    const single = sqlite.open();
    await single.openCall({ callId: 'c_1', conversationId: DM, callerId: U1, calleeId: U2, media: { audio: true, video: false }, startedAt: 1, ownerNode: 'n_1' });
    const shared = sqlite.open({ sharedWriter: true });
    const { calls, lastWriteAt } = await shared.listOpenCalls();
    expect(calls.map((c) => [c.callId, c.ownerNode])).toEqual([['c_1', 'n_1']]);
    // The file's times are moved by every live writer, so they bound nothing about one of them.
    expect(lastWriteAt).toBeNull();
  });

  it('migrations: a step another process applied while this one waited for the write lock is skipped, not run twice', () => {
    const other = new Database(sqlite.path);
    const db = new Database(sqlite.path);
    try {
      db.pragma('journal_mode = WAL');
      // This connection reads version 0; before it takes the write lock, the other one migrates everything.
      let first = true;
      const racing = new Proxy(db, {
        get(target, property, receiver) {
          if (property !== 'pragma') return Reflect.get(target, property, receiver) as unknown;
          return (source: string, options?: { simple?: boolean }) => {
            const result = target.pragma(source, options);
            if (first && source === 'user_version') {
              first = false;
              migrate(other);
            }
            return result;
          };
        },
      });
      expect(() => migrate(racing)).not.toThrow();
      expect(db.pragma('user_version', { simple: true })).toBe(LATEST_SCHEMA_VERSION);
    } finally {
      db.close();
      other.close();
    }
  });
});
