import { z } from 'zod';
import { PROTOCOL_LIMITS as L } from '../limits.js';
import * as p from './primitives.js';

/**
 * Query of GET /api/search: full-text search of the viewer's own conversations (only those they
 * are in, only above their floor, text as it is now). `q` is words to find, all of them, each
 * whole (Chinese, Japanese and Korean text matches anywhere inside words). `cursor` is the previous page's `next`.
 */
export const searchQuery = z.object({
  q: z
    .string()
    .trim()
    .min(1)
    .max(L.maxSearchQueryLength),
  conversationId: p.conversationId.optional(),
  cursor: z.string().regex(/^\d{1,20}$/, 'must be a cursor from a previous page').optional(),
  limit: p.queryNumber(z.int().min(1).max(L.maxSearchPageSize)).optional(),
});

/** A stretch of a snippet's text that matched, as `[start, end)` UTF-16 offsets. */
export const highlight = z.tuple([p.nonNegativeInt, p.nonNegativeInt]);

/** One search result: where the message is, and a snippet of its text with the matches marked. */
export const searchHit = z.object({
  conversationId: z.string(),
  seq: p.seq,
  senderId: z.string(),
  createdAt: z.number(),
  /** Up to about 160 characters around the first match, plain text (never markup). */
  snippet: z.string(),
  highlights: z.array(highlight),
});

/** GET /api/search: results newest first within a conversation; `next` is null on the last page. */
export const searchResponse = z.object({ items: z.array(searchHit), next: z.string().nullable() });
