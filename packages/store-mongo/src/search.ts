import type { SearchStore } from '@quickchat/server';
import type { MessageContent } from '@quickchat/protocol';
import type { Ctx } from './context.js';
import { all, filters, inStrings, int, lt, str } from './filters.js';
import type { MemberDoc, MessageDoc } from './schemas.js';
import { matchesAll, requiredTerms, toPhrases } from './search-text.js';

type SearchRequest = Parameters<SearchStore['searchMessages']>[1];
type SearchPage = Awaited<ReturnType<SearchStore['searchMessages']>>;
type StoredHit = SearchPage['hits'][number];

/** Candidates read per round: the index narrows by every term; the exact phrase check rarely drops many. */
const ROUND = 200;

/** Where a page ends: the conversation's `num` and the seq, as `num:seq` in `next`. */
interface Position { num: number; seq: number; }

/** The position a cursor names; null when it is not one this store made. */
export function parseCursor(cursor: string): Position | null {
  const m = /^(\d{1,15}):(\d{1,15})$/.exec(cursor);
  return m ? { num: Number(m[1]), seq: Number(m[2]) } : null;
}

/**
 * {@link SearchStore} on MongoDB. Each text message keeps its search tokens in `terms` (see
 * `search-text.ts`: words folded as the SQLite store's FTS5 index folds them, and each Chinese,
 * Japanese or Korean character with its neighbour pairs), kept in step by edits and deletes in
 * their own transaction. A search walks the `messages_search` index (terms, then newest
 * conversation and seq first) with every query term required, keeps the hits in the searcher's
 * conversations above their floor, and checks each phrase exactly on the message's current text.
 * A MongoDB `$text` index is not used: it has no CJK tokenizer and stems words, which would not
 * match the SQLite store's meaning.
 */
export class MongoSearch implements SearchStore {
  constructor(private readonly ctx: Ctx) {}

  async searchMessages(userId: string, request: SearchRequest): Promise<SearchPage> {
    const user = str(userId, 'user id');
    const limit = int(request.limit, 'limit');
    const phrases = toPhrases(str(request.query, 'query'));
    const empty: SearchPage = { hits: [], next: null };
    if (phrases.length === 0 || limit <= 0) return empty;
    let position: Position | null = null;
    if (request.cursor !== undefined) {
      position = parseCursor(str(request.cursor, 'cursor'));
      if (position === null) return empty;
    }
    const only = request.conversationId !== undefined ? str(request.conversationId, 'conversation id') : null;
    const memberships = await this.ctx.models.members
      .find(only === null ? { userId: user } : filters.member(only, user), { _id: 0, conversationId: 1, floor: 1 })
      .lean<Pick<MemberDoc, 'conversationId' | 'floor'>[]>();
    if (memberships.length === 0) return empty;
    const floors = new Map(memberships.map((m) => [m.conversationId, m.floor]));
    const terms = requiredTerms(phrases);

    const hits: (StoredHit & Position)[] = [];
    for (;;) {
      const before = position === null ? {} : { $or: [{ num: lt(position.num) }, { num: position.num, seq: lt(position.seq) }] };
      const docs = await this.ctx.models.messages
        .find({ terms: all(terms), conversationId: inStrings([...floors.keys()]), ...before }, { _id: 0, conversationId: 1, seq: 1, senderId: 1, createdAt: 1, content: 1, num: 1 })
        .sort({ num: -1, seq: -1 })
        .limit(ROUND)
        .lean<Pick<MessageDoc, 'conversationId' | 'seq' | 'senderId' | 'createdAt' | 'content' | 'num'>[]>();
      for (const d of docs) {
        position = { num: d.num, seq: d.seq };
        if (d.seq <= (floors.get(d.conversationId) ?? Number.MAX_SAFE_INTEGER)) continue;
        const content = JSON.parse(d.content) as MessageContent;
        if (content.type !== 'text' || !matchesAll(content.text, phrases)) continue;
        hits.push({ conversationId: d.conversationId, seq: d.seq, senderId: d.senderId, createdAt: d.createdAt, text: content.text, num: d.num });
        if (hits.length > limit) break;
      }
      if (hits.length > limit || docs.length < ROUND) break;
    }
    const more = hits.length > limit;
    const page = more ? hits.slice(0, limit) : hits;
    const last = page.at(-1);
    return {
      hits: page.map(({ num: _num, ...hit }) => hit),
      next: more && last ? `${last.num}:${last.seq}` : null,
    };
  }
}
