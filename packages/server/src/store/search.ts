/**
 * The search part of the storage seam: full-text search over the messages a user can read.
 * Composed into `Store` (see `types.ts`) and proven by `test/store-contract/search.ts`.
 */
export interface SearchStore {
  /**
   * Messages matching every word of `request.query`, only in conversations `userId` is a member
   * of and only above their floor, as the messages are now (an edit is found by its new text, a
   * deleted message not at all). Newest first within a conversation; `next` continues after the
   * page (null on the last one).
   */
  searchMessages(userId: string, request: SearchRequest): Promise<SearchPage>;
}

/** What to search for, and which page. */
export interface SearchRequest {
  /** The words as the user typed them (already trimmed and length-capped). */
  query: string;
  /** Only this conversation. */
  conversationId?: string;
  /** The previous page's `next`. */
  cursor?: string;
  /** At most this many hits (already capped). */
  limit: number;
}

/** One page of hits: the matching messages' text, for the caller to make snippets of. */
export interface SearchPage {
  hits: StoredHit[];
  next: string | null;
}

/** A matching message. */
export interface StoredHit {
  conversationId: string;
  seq: number;
  senderId: string;
  createdAt: number;
  text: string;
}
