// Baseline for S1: a bare `node:http` server on the same SQLite file running the store's own
// search SQL (packages/server/src/store/sqlite/search.ts, imported so the two cannot drift) and
// building the same JSON, snippets included, with no auth, validation, framework or access
// checks. GET /api/search?userId=<id>&q=<words>&limit=<n>. Prints `PORT <n>` once listening.
import Database from 'better-sqlite3';
import { serveJson } from '../lib/json-server.js';
import { ROWID_END, SEARCH_SQL, toMatchExpression } from '../../packages/server/src/store/sqlite/search.js';
import { snippetOf } from '../../packages/server/src/services/search/snippet.js';

const file = process.argv.find((a) => a.startsWith('--db='))?.slice('--db='.length);
if (!file) throw new Error('search-http: --db=<file> is required');
const db = new Database(file, { readonly: true, fileMustExist: true });
const search = db.prepare<Record<string, unknown>, { k: string; conversation_id: string; seq: number; sender_id: string; created_at: number; text: string }>(SEARCH_SQL);

serveJson((url) => {
  if (url.pathname !== '/api/search') return undefined;
  const q = url.searchParams.get('q') ?? '';
  const limit = Number(url.searchParams.get('limit') ?? 20);
  const match = toMatchExpression(q);
  const rows = match === null ? [] : search.all({ user: url.searchParams.get('userId') ?? '', match, lo: 0n, hi: ROWID_END, limit: limit + 1 });
  const page = rows.slice(0, limit);
  const items = page.map((r) => ({ conversationId: r.conversation_id, seq: r.seq, senderId: r.sender_id, createdAt: r.created_at, ...snippetOf(r.text, q) }));
  return { items, next: rows.length > limit ? page.at(-1)!.k : null };
}, () => db.close());
