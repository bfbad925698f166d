import { z } from 'zod';
import { PROTOCOL_LIMITS as L } from '../limits.js';
import * as p from './primitives.js';
import { ErrorCode } from '../codes.js';
import { message, memberCursor, friendshipStatus, groupBrief, publicUser } from './frames.js';

// ---------- request bodies ----------

/** POST /api/auth/register */
export const registerBody = z.object({ handle: p.handle, displayName: p.displayName, password: p.password });
/** POST /api/auth/login */
export const loginBody = z.object({ handle: p.handle, password: z.string().min(1).max(256) });
/** POST /api/auth/refresh and POST /api/auth/logout */
export const refreshBody = z.object({ refreshToken: z.string().min(1).max(512) });
/**
 * PATCH /api/me: any subset of the profile fields. `showPresence: false` hides your online state
 * and last seen from everyone (they see `unknown`).
 */
export const profilePatchBody = z
  .object({ displayName: p.displayName.optional(), avatarUrl: p.avatarUrl.optional(), signature: p.signature.optional(), showPresence: z.boolean().optional() })
  .refine((b) => Object.keys(b).length > 0, 'needs at least one field');
/** POST /api/friend-requests */
export const friendRequestBody = z.object({ userId: p.userId, memo: p.memo.optional() });

/** Query of GET /api/conversations/:id/messages. At most one of before/after; default: newest page. */
export const historyQuery = z
  .object({
    before: p.queryNumber(p.seq).optional(),
    after: p.queryNumber(p.seq).optional(),
    limit: p.queryNumber(z.int().min(1).max(L.maxPageSize)).optional(),
  })
  .refine((q) => q.before === undefined || q.after === undefined, 'use before or after, not both');

// ---------- response bodies ----------

/** Tokens issued by login, register and refresh. Times are ms since the epoch. */
export const authTokens = z.object({
  accessToken: z.string(),
  accessTokenExpiresAt: z.number(),
  refreshToken: z.string(),
  refreshTokenExpiresAt: z.number(),
});
export const authResponse = z.object({ user: publicUser, tokens: authTokens });

/** One entry in the friend, incoming and outgoing lists. */
export const friendEntry = z.object({
  user: publicUser,
  status: friendshipStatus,
  memo: z.string().nullable(),
  since: z.number(),
});
/** Reply to a friend request or accept: the viewer's resulting status. */
export const friendRequestStatusResponse = z.object({ status: friendshipStatus });
export const friendListResponse = z.object({ items: z.array(friendEntry) });
export const blockListResponse = z.object({ items: z.array(publicUser) });

/** GET /api/conversations */
export const conversationSummary = z.object({
  conversationId: z.string(),
  kind: z.enum(['dm', 'group']),
  peerId: z.string().optional(),
  group: groupBrief.optional(),
  lastSeq: p.seq,
  /** See `conversationSync.floor`. */
  floor: p.seq,
  unread: z.int().nonnegative(),
  /** See `conversationSync.mentions`. */
  mentions: z.int().nonnegative(),
  cursors: z.array(memberCursor),
  lastMessage: message.nullable(),
});
export const conversationListResponse = z.object({ items: z.array(conversationSummary) });

/** GET /api/conversations/:id/messages: ascending by seq. */
export const historyResponse = z.object({ messages: z.array(message), hasMore: z.boolean() });

/** Every REST error: `{ error: { code, message } }` with the matching HTTP status. */
export const errorBody = z.object({
  error: z.object({
    code: z.enum(Object.values(ErrorCode) as [ErrorCode, ...ErrorCode[]]),
    message: z.string(),
    retryAfterMs: z.int().optional(),
  }),
});
