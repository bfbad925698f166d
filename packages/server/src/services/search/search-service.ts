import type { SearchQuery, SearchResponse } from '@quickchat/protocol';
import { PROTOCOL_LIMITS } from '@quickchat/protocol';
import type { ConversationAccess } from '../access/access.js';
import type { ServiceContext } from '../context.js';
import { snippetOf } from './snippet.js';

/** The page size a search gets when it names none. */
const DEFAULT_SEARCH_PAGE = 20;

/**
 * Full-text search of a user's own conversations. The store answers only from conversations the
 * user is a member of and above their floor; a named conversation is first checked at the
 * access seam, so searching one you can't read is the same `not_found` as reading it.
 */
export class SearchService {
  constructor(
    private readonly ctx: ServiceContext,
    private readonly access: ConversationAccess,
  ) {}

  /** One page of hits with snippets; see `GET /api/search` in docs/messages.md. */
  async search(userId: string, query: SearchQuery): Promise<SearchResponse> {
    if (query.conversationId !== undefined) await this.access.requireReadable(userId, query.conversationId);
    const limit = Math.min(query.limit ?? DEFAULT_SEARCH_PAGE, PROTOCOL_LIMITS.maxSearchPageSize);
    const page = await this.ctx.store.searchMessages(userId, {
      query: query.q,
      limit,
      ...(query.conversationId !== undefined ? { conversationId: query.conversationId } : {}),
      ...(query.cursor !== undefined ? { cursor: query.cursor } : {}),
    });
    const items = page.hits.map(({ text, ...hit }) => ({ ...hit, ...snippetOf(text, query.q) }));
    return { items, next: page.next };
  }
}
