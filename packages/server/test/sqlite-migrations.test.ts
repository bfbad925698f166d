import { describe, expect, it } from 'vitest';
import { dmConversationId } from '@quickchat/protocol';
import { useSqliteFile } from './support/sqlite-file.js';
import { EVERY } from './store-contract/support.js';
import { LATEST_SCHEMA_VERSION, MIGRATIONS } from '../src/store/sqlite/migrations.js';
import type { SqliteStore } from '../src/store/sqlite/sqlite-store.js';
import type { NewMessage } from '../src/store/types.js';

describe('SQLite schema migrations', () => {
  const AB = dmConversationId('u_a', 'u_b');
  const msg = (clientMsgId: string, conversationId = AB): NewMessage => ({
    id: `m_${clientMsgId}`,
    conversationId,
    senderId: 'u_a',
    clientMsgId,
    content: { type: 'text', text: clientMsgId },
    createdAt: 1000,
  });

  const sqlite = useSqliteFile('quickchat-migrate-');
  const open = (synchronous?: 'NORMAL' | 'FULL'): SqliteStore => sqlite.open({ synchronous });
  const { raw, pragma } = sqlite;
  /** Unread by its definition (as version 1 counted it), per member, straight from the rows. */
  const countedUnread = () =>
    raw((db) =>
      db
        .prepare(
          `SELECT m.conversation_id, m.user_id, (SELECT COUNT(*) FROM messages x
             WHERE x.conversation_id = m.conversation_id AND x.seq > m.read AND x.sender_id <> m.user_id) AS unread
           FROM conversation_members m ORDER BY 1, 2`,
        )
        .all() as { conversation_id: string; user_id: string; unread: number }[],
    );


  it('numbers migrations 1..n and records the latest in user_version', () => {
    expect(MIGRATIONS.map((m) => m.version)).toEqual(MIGRATIONS.map((_, i) => i + 1));
    expect(LATEST_SCHEMA_VERSION).toBe(MIGRATIONS.length);
    open();
    expect(pragma('user_version')).toBe(LATEST_SCHEMA_VERSION);
  });

  it('reopens a migrated file without re-running migrations', async () => {
    const first = open();
    await first.createUser({ id: 'u_a', handle: 'alice', displayName: 'A', passwordHash: 'h', createdAt: 1 });
    await first.close();
    const second = open('FULL');
    expect(pragma('user_version')).toBe(LATEST_SCHEMA_VERSION);
    expect((await second.getUser('u_a'))?.handle).toBe('alice');
  });

  it('refuses a database from a newer schema version', () => {
    raw((db) => db.pragma(`user_version = ${LATEST_SCHEMA_VERSION + 1}`));
    expect(() => open()).toThrow(/newer/);
  });

  it('migrates a version-1 database with every row intact, the new idempotency key and backfilled unread', async () => {
    const AC = dmConversationId('u_a', 'u_c');
    const G = 'g:team';
    raw((db) => {
      db.exec(MIGRATIONS[0]!.up);
      db.pragma('user_version = 1');
      db.prepare(`INSERT INTO users VALUES ('u_a', 'alice', 'Alice', NULL, 'hi', 'h', 1)`).run();
      db.prepare(`INSERT INTO refresh_tokens VALUES ('t1', 'f1', 'u_a', 1, 99, NULL, NULL)`).run();
      db.prepare(`INSERT INTO friendships VALUES ('u_a', 'u_b', 'friends', 'memo', 2)`).run();
      db.prepare(`INSERT INTO blocks VALUES ('u_a', 'u_c')`).run();
      db.prepare(`INSERT INTO user_events VALUES ('u_a', 1, 'friendship', 2, '{"peerId":"u_b"}')`).run();
      const conversation = db.prepare('INSERT INTO conversations VALUES (?, ?, ?, 1)');
      const member = db.prepare('INSERT INTO conversation_members VALUES (?, ?, ?, ?)');
      const message = db.prepare('INSERT INTO messages VALUES (?, ?, ?, ?, ?, ?, ?)');
      const senders: Record<string, string[]> = {
        [AB]: ['u_a', 'u_b', 'u_b', 'u_a', 'u_a', 'u_b', 'u_a'],
        [AC]: ['u_c', 'u_a'],
        [G]: ['u_a', 'u_c', 'u_b', 'u_a', 'u_c'],
      };
      const reads: Record<string, Record<string, number>> = {
        [AB]: { u_a: 2, u_b: 5 },
        [AC]: { u_a: 0, u_c: 2 },
        [G]: { u_a: 1, u_b: 0, u_c: 3 },
      };
      let n = 0;
      for (const [id, list] of Object.entries(senders)) {
        conversation.run(id, id.startsWith('dm:') ? 'dm' : 'group', list.length);
        for (const [userId, read] of Object.entries(reads[id]!)) member.run(id, userId, read + 1 > list.length ? read : read + 1, read);
        list.forEach((sender, i) => message.run(id, i + 1, `m${++n}`, sender, `k${n}`, JSON.stringify({ type: 'text', text: `héllo ${n} ✓` }), 100 + n));
      }
    });
    const dump = () =>
      raw((db) =>
        Object.fromEntries(
          // Every column version 1 had, except conversations.last_seq (derived since version 3).
          [
            ['users', 'id, handle, display_name, avatar_url, signature, password_hash, created_at'],
            ['refresh_tokens', '*'],
            ['friendships', '*'],
            ['blocks', '*'],
            ['user_events', '*'],
            ['conversations', 'id, kind, created_at'],
            ['messages', 'conversation_id, seq, id, sender_id, client_msg_id, content, created_at'],
          ].map(([table, columns]) => [table, db.prepare(`SELECT ${columns} FROM ${table} ORDER BY 1, 2`).all()]),
        ),
      );
    const oldMembers = raw((db) => db.prepare('SELECT * FROM conversation_members ORDER BY 1, 2').all());
    const before = dump();
    const expectedUnread = countedUnread();
    expect(before['messages']).toHaveLength(14);

    const store = open();
    expect(pragma('user_version')).toBe(LATEST_SCHEMA_VERSION);
    expect(dump()).toEqual(before);
    const members = raw((db) => db.prepare('SELECT conversation_id, user_id, delivered, read FROM conversation_members ORDER BY 1, 2').all());
    expect(members).toEqual(oldMembers);
    for (const { conversation_id, user_id, unread } of expectedUnread) {
      expect((await store.getConversation(conversation_id, user_id, EVERY))?.unread, `${user_id} in ${conversation_id}`).toBe(unread);
    }
    expect(expectedUnread.map((u) => u.unread)).toEqual([2, 1, 1, 0, 3, 4, 1]);
    const schema = raw((db) => db.prepare(`SELECT sql FROM sqlite_master WHERE name = 'messages'`).pluck().get() as string);
    expect(schema).toMatch(/UNIQUE \(conversation_id, sender_id, client_msg_id\)/);
    expect(schema).toMatch(/PRIMARY KEY \(conversation_id, seq\)/);
    expect(schema).toMatch(/WITHOUT ROWID/);

    // k1 is u_a's key in AB: a repeat there is a duplicate, the same key in G is a new message.
    const results = await store.appendMessages([
      { ...msg('k1'), id: 'm_again' },
      { ...msg('k1', G), id: 'm_new' },
    ]);
    expect(results).toMatchObject([
      { status: 'duplicate', message: { id: 'm1', seq: 1, conversationId: AB } },
      { status: 'stored', message: { id: 'm_new', seq: 6, conversationId: G } },
    ]);
    expect((await store.getConversation(G, 'u_c', EVERY))?.unread).toBe(2);
  });

  it('migrates a version-2 database to single-b-tree appends: rows intact, DM sender counts backfilled, unread unchanged', async () => {
    const AC = dmConversationId('u_a', 'u_c');
    const G = 'g:team';
    const senders: Record<string, string[]> = {
      [AB]: ['u_a', 'u_b', 'u_b', 'u_a', 'u_a', 'u_b', 'u_a'],
      [AC]: ['u_c', 'u_c', 'u_a'],
      [G]: ['u_a', 'u_c', 'u_b', 'u_a', 'u_c'],
    };
    const reads: Record<string, Record<string, number>> = {
      [AB]: { u_a: 2, u_b: 5 },
      [AC]: { u_a: 0, u_c: 3 },
      [G]: { u_a: 1, u_b: 0, u_c: 3 },
    };
    raw((db) => {
      for (const step of MIGRATIONS.slice(0, 2)) db.exec(step.up);
      db.pragma('user_version = 2');
      const conversation = db.prepare('INSERT INTO conversations (id, kind, last_seq, created_at) VALUES (?, ?, ?, 1)');
      const member = db.prepare('INSERT INTO conversation_members (conversation_id, user_id, delivered, read, own_after_read) VALUES (?, ?, ?, ?, ?)');
      const message = db.prepare('INSERT INTO messages (conversation_id, seq, id, sender_id, client_msg_id, content, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)');
      let n = 0;
      for (const [id, list] of Object.entries(senders)) {
        conversation.run(id, id.startsWith('dm:') ? 'dm' : 'group', list.length);
        for (const [userId, read] of Object.entries(reads[id]!)) {
          const own = list.filter((sender, i) => i + 1 > read && sender === userId).length;
          member.run(id, userId, read, read, own);
        }
        list.forEach((sender, i) => message.run(id, i + 1, `m${++n}`, sender, `k${n}`, JSON.stringify({ type: 'text', text: `héllo ${n} ✓` }), 100 + n));
      }
    });
    const columns = 'conversation_id, seq, id, sender_id, client_msg_id, content, created_at';
    const before = raw((db) => db.prepare(`SELECT ${columns} FROM messages ORDER BY 1, 2`).all());
    const expectedUnread = countedUnread();
    expect(expectedUnread.map((u) => u.unread)).toEqual([2, 1, 2, 0, 3, 4, 1]);

    const store = open();
    expect(pragma('user_version')).toBe(LATEST_SCHEMA_VERSION);
    expect(raw((db) => db.prepare(`SELECT ${columns} FROM messages ORDER BY 1, 2`).all())).toEqual(before);
    // In a DM, each row counts its sender's messages so far; groups keep members' counters instead.
    const counts = raw((db) => db.prepare('SELECT conversation_id, sender_count FROM messages ORDER BY conversation_id, seq').all()) as { conversation_id: string; sender_count: number }[];
    const of = (id: string) => counts.filter((c) => c.conversation_id === id).map((c) => c.sender_count);
    expect(of(AB)).toEqual([1, 1, 2, 2, 3, 3, 4]);
    expect(of(AC)).toEqual([1, 2, 1]);
    expect(of(G)).toEqual([0, 0, 0, 0, 0]);
    // What a commit no longer writes: no id index, no last_seq column.
    const unique = raw((db) => db.prepare(`SELECT name FROM pragma_index_list('messages') WHERE origin = 'u'`).pluck().all() as string[]);
    expect(unique).toHaveLength(1);
    expect(raw((db) => db.prepare(`SELECT name FROM pragma_index_info(?)`).pluck().all(unique[0]))).toEqual(['conversation_id', 'sender_id', 'client_msg_id']);
    expect(raw((db) => db.prepare(`SELECT name FROM pragma_table_info('conversations')`).pluck().all())).not.toContain('last_seq');

    for (const { conversation_id, user_id, unread } of expectedUnread) {
      const state = await store.getConversation(conversation_id, user_id, EVERY);
      expect(state?.unread, `${user_id} in ${conversation_id}`).toBe(unread);
      expect(state?.lastSeq).toBe(senders[conversation_id]!.length);
    }
    // Appends continue the seqs and the counts.
    const results = await store.appendMessages([
      { ...msg('new1'), senderId: 'u_b' },
      { ...msg('new2', AC), senderId: 'u_c' },
      { ...msg('k1'), id: 'm_again' },
    ]);
    expect(results).toMatchObject([
      { status: 'stored', message: { seq: 8 } },
      { status: 'stored', message: { seq: 4 } },
      { status: 'duplicate', message: { id: 'm1', seq: 1 } },
    ]);
    expect(raw((db) => db.prepare('SELECT sender_count FROM messages WHERE id IN (?, ?) ORDER BY seq').pluck().all('m_new1', 'm_new2'))).toEqual([3, 4]);
    expect((await store.getConversation(AB, 'u_a', EVERY))?.unread).toBe(3);
    expect((await store.getConversation(AC, 'u_a', EVERY))?.unread).toBe(3);
    expect((await store.getConversation(AC, 'u_c', EVERY))?.unread).toBe(0);
  });

  it('migrates a version-4 database to groups: every row intact, new columns defaulted, DMs and old group conversations work', async () => {
    const G = 'g:old';
    const senders: Record<string, string[]> = { [AB]: ['u_a', 'u_b', 'u_a'], [G]: ['u_a', 'u_c', 'u_b', 'u_c'] };
    const reads: Record<string, Record<string, number>> = { [AB]: { u_a: 1, u_b: 3 }, [G]: { u_a: 2, u_b: 0, u_c: 4 } };
    raw((db) => {
      for (const step of MIGRATIONS.slice(0, 4)) db.exec(step.up);
      db.pragma('user_version = 4');
      db.prepare(`INSERT INTO users VALUES ('u_a', 'alice', 'Alice', NULL, 'hi', 'h', 1)`).run();
      db.prepare(`INSERT INTO friendships VALUES ('u_a', 'u_b', 'friends', NULL, 2)`).run();
      db.prepare(`INSERT INTO user_events VALUES ('u_a', 1, 'friendship', 2, '{"peerId":"u_b"}')`).run();
      const conversation = db.prepare('INSERT INTO conversations (id, kind, created_at) VALUES (?, ?, 1)');
      const member = db.prepare('INSERT INTO conversation_members (conversation_id, user_id, delivered, read, own_after_read) VALUES (?, ?, ?, ?, ?)');
      const message = db.prepare(
        'INSERT INTO messages (conversation_id, seq, id, sender_id, client_msg_id, content, created_at, sender_count) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      );
      let n = 0;
      for (const [id, list] of Object.entries(senders)) {
        const dm = id.startsWith('dm:');
        conversation.run(id, dm ? 'dm' : 'group');
        for (const [userId, read] of Object.entries(reads[id]!)) {
          const own = dm ? 0 : list.filter((sender, i) => i + 1 > read && sender === userId).length;
          member.run(id, userId, read, read, own);
        }
        list.forEach((sender, i) => {
          const count = dm ? list.slice(0, i + 1).filter((s) => s === sender).length : 0;
          message.run(id, i + 1, `m${++n}`, sender, `k${n}`, JSON.stringify({ type: 'text', text: `héllo ${n}` }), 100 + n, count);
        });
      }
    });
    // The columns version 4 had (later versions add some).
    const tables: [string, string][] = [
      ['users', 'id, handle, display_name, avatar_url, signature, password_hash, created_at'],
      ['friendships', '*'],
      ['user_events', '*'],
      ['conversations', 'id, kind, created_at'],
      ['messages', 'conversation_id, seq, id, sender_id, client_msg_id, content, created_at, sender_count'],
    ];
    const dump = () => raw((db) => Object.fromEntries(tables.map(([table, columns]) => [table, db.prepare(`SELECT ${columns} FROM ${table} ORDER BY 1, 2`).all()])));
    const memberColumns = 'conversation_id, user_id, delivered, read, own_after_read';
    const members = () => raw((db) => db.prepare(`SELECT ${memberColumns} FROM conversation_members ORDER BY 1, 2`).all());
    const before = dump();
    const membersBefore = members();
    const expectedUnread = countedUnread();
    expect(expectedUnread.map((u) => u.unread)).toEqual([1, 0, 2, 3, 0]);

    const store = open();
    expect(pragma('user_version')).toBe(LATEST_SCHEMA_VERSION);
    expect(dump()).toEqual(before);
    expect(members()).toEqual(membersBefore);
    // New member columns: no role, floor 0, joined at 0. No group rows are invented for old group conversations.
    expect(raw((db) => db.prepare('SELECT DISTINCT role, floor, joined_at FROM conversation_members').all())).toEqual([{ role: null, floor: 0, joined_at: 0 }]);
    expect(raw((db) => db.prepare('SELECT COUNT(*) FROM groups').pluck().get())).toBe(0);
    const indexes = raw((db) => db.prepare(`SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL ORDER BY name`).pluck().all());
    expect(indexes).toEqual(expect.arrayContaining(['conversation_members_admins', 'group_pending_by_kind', 'group_pending_by_user', 'groups_by_owner']));

    for (const { conversation_id, user_id, unread } of expectedUnread) {
      const state = await store.getConversation(conversation_id, user_id, EVERY);
      expect(state, `${user_id} in ${conversation_id}`).toMatchObject({ unread, floor: 0, group: null, lastSeq: senders[conversation_id]!.length });
    }
    // DMs work as before; the old group conversation now refuses non-members.
    expect(await store.appendMessages([msg('dm4'), { ...msg('g5', G), senderId: 'u_b' }, { ...msg('g6', G), senderId: 'u_x' }, { ...msg('k1'), id: 'm_again' }])).toMatchObject([
      { status: 'stored', message: { seq: 4 } },
      { status: 'stored', message: { seq: 5 } },
      { status: 'not_member' },
      { status: 'duplicate', message: { id: 'm1', seq: 1 } },
    ]);
    expect((await store.getConversation(AB, 'u_b', EVERY))?.unread).toBe(1);
    expect((await store.getConversation(G, 'u_c', EVERY))?.unread).toBe(1);
    expect((await store.listConversations('u_a', EVERY)).map((c) => c.conversationId).sort()).toEqual([AB, G].sort());
    // Groups can be created beside them.
    const created = await store.createGroup({
      id: 'g:new', name: 'New', avatarUrl: null, description: '', joinMode: 'invite', historyVisible: false, ownerId: 'u_a', members: ['u_b'],
      pending: [], events: [], createdAt: 5, message: { ...msg('created', 'g:new'), content: { type: 'system', action: 'created', actorId: 'u_a' } },
    });
    expect(created).toMatchObject({ status: 'applied', message: { seq: 1 }, group: { memberCount: 2 } });
    expect(await store.listGroupsOf('u_a')).toEqual(['g:new']);
  });

  it('migrates a version-5 database to rich messages: conversations get search keys and old messages become searchable at open', async () => {
    raw((db) => {
      for (const step of MIGRATIONS.slice(0, 5)) db.exec(step.up);
      db.pragma('user_version = 5');
      const conversation = db.prepare('INSERT INTO conversations (id, kind, created_at) VALUES (?, ?, ?)');
      conversation.run(AB, 'dm', 2);
      conversation.run('g:old', 'group', 1);
      const member = db.prepare('INSERT INTO conversation_members (conversation_id, user_id) VALUES (?, ?)');
      for (const [c, u] of [[AB, 'u_a'], [AB, 'u_b'], ['g:old', 'u_a']]) member.run(c, u);
      const message = db.prepare('INSERT INTO messages (conversation_id, seq, id, sender_id, client_msg_id, content, created_at, sender_count) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
      message.run(AB, 1, 'm1', 'u_a', 'k1', JSON.stringify({ type: 'text', text: 'old pancake recipe' }), 10, 1);
      message.run(AB, 2, 'm2', 'u_b', 'k2', JSON.stringify({ type: 'text', text: '旧的煎饼食谱' }), 11, 1);
      message.run('g:old', 1, 'm3', 'u_a', 'k3', JSON.stringify({ type: 'system', action: 'created', actorId: 'u_a' }), 12, 0);
    });
    const store = open();
    expect(pragma('user_version')).toBe(LATEST_SCHEMA_VERSION);
    // Numbered by creation time; the next conversation continues.
    expect(raw((db) => db.prepare('SELECT id, num, indexed_seq FROM conversations ORDER BY num').all())).toEqual([
      { id: 'g:old', num: 1, indexed_seq: 1 },
      { id: AB, num: 2, indexed_seq: 2 },
    ]);
    const where = async (query: string) => (await store.searchMessages('u_b', { query, limit: 5 })).hits.map((h) => h.seq);
    expect(await where('pancake')).toEqual([1]);
    expect(await where('煎饼')).toEqual([2]);
    await store.createConversation({ id: dmConversationId('u_a', 'u_c'), kind: 'dm', members: ['u_a', 'u_c'], createdAt: 3 });
    expect(raw((db) => db.prepare('SELECT num FROM conversations WHERE id = ?').pluck().get(dmConversationId('u_a', 'u_c')))).toBe(3);
  });
});
