// Baseline for P6 and P6b: a bare `node:http` server on the same SQLite file, with no auth,
// validation or framework. It runs the same SQL as the store (packages/server/src/store/sqlite/
// conversations.ts: keep the two in step) and returns the same JSON as quickchat's REST routes.
//   GET /api/conversations/<id>/messages?before=<seq>&limit=<n>&floor=<seq>   (history page, P6, P6g)
//   GET /api/conversations?userId=<id>                                         (conversation list, P6b, P6s)
// Usage: read-http.ts --db=<file>. Prints `PORT <n>` once listening.
import Database from 'better-sqlite3';
import { serveJson } from '../lib/json-server.js';

const file = process.argv.find((a) => a.startsWith('--db='))?.slice('--db='.length);
if (!file) throw new Error('read-http: --db=<file> is required');
const db = new Database(file, { readonly: true, fileMustExist: true });

const COLS = 'id, conversation_id, seq, sender_id, client_msg_id, content, created_at';
interface Row { id: string; conversation_id: string; seq: number; sender_id: string; client_msg_id: string; content: string; created_at: number }
const before = db.prepare<[string, number, number, number], Row>(`SELECT ${COLS} FROM messages WHERE conversation_id = ? AND seq > ? AND seq < ? ORDER BY seq DESC LIMIT ?`);
/** Every member's cursors only in conversations of at most this many members (the server's default `liveReceiptsMaxGroupMembers`). */
const ALL_CURSORS_UP_TO = 100;
/** A conversation's member count without reading its member rows (see SIZE in the store). */
const SIZE = `CASE WHEN c.kind = 'dm' THEN 2 ELSE COALESCE(g.member_count, (SELECT COUNT(*) FROM conversation_members x WHERE x.conversation_id = c.id)) END`;
/** The newest message that is not a mutation entry, at most 1,000 entries back (lastMessageUpTo in the store). */
const lastMessageUpTo = db.prepare<[string, number, number], Row>(
  `SELECT ${COLS} FROM messages WHERE conversation_id = ? AND seq <= ? AND seq > ? - 1000 AND target IS NULL ORDER BY seq DESC LIMIT 1`,
);
const members = db.prepare<[string, number], { conversation_id: string; user_id: string; delivered: number; read: number }>(
  `SELECT o.conversation_id, o.user_id, o.delivered, o.read
   FROM conversation_members m
   JOIN conversations c ON c.id = m.conversation_id
   LEFT JOIN groups g ON g.id = c.id
   JOIN conversation_members o ON o.conversation_id = m.conversation_id
   WHERE m.user_id = ? AND ${SIZE} <= ?
   ORDER BY m.conversation_id, o.user_id`,
);
/** A DM member's own messages up to row `r` (see dmOwn in the store). */
const dmOwn = (r: string) => `COALESCE(CASE WHEN ${r}.sender_id = m.user_id THEN ${r}.sender_count ELSE ${r}.seq - ${r}.sender_count END, 0)`;
interface ListRow {
  id: string;
  kind: 'dm' | 'group';
  last_seq: number;
  unread: number;
  mentions: number;
  user_id: string;
  delivered: number;
  read: number;
  floor: number;
  role: string | null;
  group_name: string | null;
  group_avatar_url: string | null;
  group_member_count: number | null;
}
const conversations = db.prepare<[string], ListRow>(
  `SELECT c.id, c.kind, COALESCE(lm.seq, 0) AS last_seq,
     CASE WHEN c.kind = 'dm'
       THEN COALESCE(lm.seq, 0) - m.read - ${dmOwn('lm')} + ${dmOwn('rm')}
       ELSE COALESCE(lm.seq, 0) - m.read - m.own_after_read END
     - (SELECT COUNT(*) FROM messages q WHERE q.conversation_id = c.id AND q.target IS NOT NULL AND q.seq > m.read AND q.sender_id <> m.user_id) AS unread,
     (SELECT COUNT(*) FROM mentions x WHERE x.user_id = m.user_id AND x.conversation_id = c.id AND x.seq > m.read) AS mentions,
     m.user_id, m.delivered, m.read, m.floor, m.role,
     g.name AS group_name, g.avatar_url AS group_avatar_url, g.member_count AS group_member_count
   FROM conversation_members m
   JOIN conversations c ON c.id = m.conversation_id
   LEFT JOIN groups g ON g.id = c.id
   LEFT JOIN messages lm ON lm.conversation_id = c.id AND lm.seq = (SELECT MAX(seq) FROM messages WHERE conversation_id = c.id)
   LEFT JOIN messages rm ON c.kind = 'dm' AND rm.conversation_id = c.id AND rm.seq = m.read
   WHERE m.user_id = ? ORDER BY COALESCE(lm.created_at, c.created_at) DESC, c.id`,
);
const snapshot = db.transaction(<T>(read: () => T): T => read());

const toMessage = (r: Row) => ({ id: r.id, conversationId: r.conversation_id, seq: r.seq, senderId: r.sender_id, clientMsgId: r.client_msg_id, content: JSON.parse(r.content) as unknown, createdAt: r.created_at });

function history(conversationId: string, upper: number, limit: number, floor: number) {
  const rows = before.all(conversationId, floor, upper, limit + 1).reverse();
  const hasMore = rows.length > limit;
  return { messages: (hasMore ? rows.slice(1) : rows).map(toMessage), hasMore };
}

function list(userId: string) {
  return snapshot(() => {
    const cursors = new Map<string, { userId: string; delivered: number; read: number }[]>();
    for (const m of members.all(userId, ALL_CURSORS_UP_TO)) {
      const entry = { userId: m.user_id, delivered: m.delivered, read: m.read };
      const list = cursors.get(m.conversation_id);
      if (list) list.push(entry);
      else cursors.set(m.conversation_id, [entry]);
    }
    return {
      items: conversations.all(userId).map((c) => {
        const last = c.last_seq > 0 ? lastMessageUpTo.get(c.id, c.last_seq, c.last_seq) : undefined;
        const [a, b] = c.id.slice(3).split('~') as [string, string];
        const peerId = c.kind === 'dm' ? (a === userId ? b : a) : null;
        const group = c.group_name === null ? null : { name: c.group_name, avatarUrl: c.group_avatar_url, memberCount: c.group_member_count ?? 0, role: c.role };
        const own = [{ userId: c.user_id, delivered: c.delivered, read: c.read }];
        return {
          conversationId: c.id,
          kind: c.kind,
          ...(peerId ? { peerId } : {}),
          ...(group ? { group } : {}),
          lastSeq: c.last_seq,
          floor: c.floor,
          unread: c.unread,
          mentions: c.mentions,
          cursors: cursors.get(c.id) ?? own,
          lastMessage: last ? toMessage(last) : null,
        };
      }),
    };
  });
}

serveJson((url) => {
  const match = /^\/api\/conversations\/([^/]+)\/messages$/.exec(url.pathname);
  if (match) {
    const param = (name: string, fallback: number) => Number(url.searchParams.get(name) ?? fallback);
    return history(decodeURIComponent(match[1]!), param('before', Number.MAX_SAFE_INTEGER), param('limit', 50), param('floor', 0));
  }
  if (url.pathname === '/api/conversations') return list(url.searchParams.get('userId') ?? '');
  return undefined;
}, () => db.close());
