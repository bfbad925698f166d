import { z } from 'zod';
import { PROTOCOL_LIMITS as L } from '../limits.js';
import * as p from './primitives.js';
import { ErrorCode } from '../codes.js';
import { messageContent, quote, reactionCount, sendableContent } from './content.js';
import { callEventFrame, callFrame, signalEventFrame, signalFrame } from './calls.js';

// ---------- client → server ----------

/** First frame on every socket: proves identity. Nothing else is accepted before it. */
export const authFrame = z.object({
  type: z.literal('auth'),
  token: z.string().min(1).max(L.maxTokenLength),
  /**
   * The protocol version the client speaks (absent: 1). Any non-negative integer is well-formed;
   * whether the server speaks it is decided by version negotiation, which refuses versions older
   * than its minimum with `protocol_unsupported` (versions start at 1, so 0 is always refused).
   */
  protocol: p.nonNegativeInt.optional(),
});

/** Send a message. The server assigns sender, seq and time; any such fields sent are ignored. */
export const sendFrame = z.object({
  type: z.literal('send'),
  id: p.requestId.optional(),
  conversationId: p.conversationId,
  clientMsgId: p.clientMsgId,
  /**
   * Only what clients may author: text, or an edit, delete or reaction of an earlier message
   * (each its own entry in the log, acked like a message). A `system` notice is refused here.
   */
  content: sendableContent,
});

/** Ask for everything since the client's cursors. */
export const syncFrame = z.object({
  type: z.literal('sync'),
  id: p.requestId.optional(),
  /** Last seq the client holds, per conversation. */
  cursors: z
    .record(p.conversationId, p.seq)
    .refine((r) => Object.keys(r).length <= L.maxSyncCursors, `at most ${L.maxSyncCursors} cursors`)
    .optional(),
  /** Last user-event seq the client holds. Absent on a client's very first sync. */
  eventsAfter: p.seq.optional(),
  /** Messages per conversation in this reply (default and cap: 100). */
  limit: z.int().min(1).max(L.maxPageSize).optional(),
});

/** Advance this user's delivered and/or read cursor in a conversation. Cursors never move back. */
export const receiptFrame = z
  .object({
    type: z.literal('receipt'),
    id: p.requestId.optional(),
    conversationId: p.conversationId,
    delivered: p.seq.optional(),
    read: p.seq.optional(),
  })
  .refine((f) => f.delivered !== undefined || f.read !== undefined, 'needs delivered or read');

/** Typing indicator. Ephemeral: relayed to the conversation's online members, never stored. */
export const typingFrame = z.object({
  type: z.literal('typing'),
  id: p.requestId.optional(),
  conversationId: p.conversationId,
  active: z.boolean(),
});

/**
 * Follow (or stop following) the presence of users the viewer may see, beyond those pushed
 * unasked (friends, and members of groups up to `presenceMaxGroupMembers`): for the members of
 * a large group on screen. Answered with a `presence` frame holding their current state.
 */
export const presenceFrame = z.object({
  type: z.literal('presence'),
  id: p.requestId.optional(),
  subscribe: z.array(p.userId).max(L.maxPresenceUsersPerFrame).optional(),
  unsubscribe: z.array(p.userId).max(L.maxPresenceUsersPerFrame).optional(),
});

/** Application-level liveness check (browsers cannot see WebSocket pings). */
export const pingFrame = z.object({ type: z.literal('ping'), id: p.requestId.optional() });

/** Every frame a client may send. */
export const clientFrame = z.discriminatedUnion('type', [
  authFrame,
  sendFrame,
  syncFrame,
  receiptFrame,
  typingFrame,
  presenceFrame,
  pingFrame,
  callFrame,
  signalFrame,
]);

// ---------- server → client ----------

/** A stored message as every member sees it. */
export const message = z.object({
  id: z.string(),
  conversationId: z.string(),
  seq: p.seq,
  senderId: z.string(),
  clientMsgId: z.string(),
  content: messageContent,
  /** Server time, ms since the epoch. */
  createdAt: z.number(),
  /**
   * The seq of the newest edit, delete or reaction entry already applied to this message (absent
   * when none): a client skips entries at or below it, so each is applied exactly once.
   */
  updatedSeq: p.seq.optional(),
  /** When its text was last edited. */
  editedAt: z.number().optional(),
  /** With a reply (`content.replyTo`): the quoted message as it is now. */
  quote: quote.optional(),
  /** In history and sync pages: reactions per emoji, with whether the viewer is among them. */
  reactions: z.array(reactionCount).optional(),
});

/** A member's delivered and read cursors in a conversation. */
export const memberCursor = z.object({ userId: z.string(), delivered: p.seq, read: p.seq });

/** A user's public profile. Never includes credentials. */
export const publicUser = z.object({
  id: z.string(),
  handle: z.string().nullable(),
  displayName: z.string(),
  avatarUrl: z.string().nullable(),
  signature: z.string(),
});

/** Relation from the viewer to a peer. `removed`: the peer removed the viewer (one-way). */
export const friendshipStatus = z.enum(['none', 'outgoing', 'incoming', 'friends', 'removed']);

/** What a conversation list needs of a group: shown beside DMs without another round trip. */
export const groupBrief = z.object({
  name: z.string(),
  avatarUrl: z.string().nullable(),
  memberCount: z.int().nonnegative(),
  /** The viewer's role; null when the viewer is not a member (an invitee). */
  role: p.groupRole.nullable(),
});

/**
 * What happened to the viewer about a group (the group's own history holds the system notices):
 * - to the subject: `invited`, `joined` (accepted, approved or added), `left`, `removed`, `role`
 *   (their new role), `request_declined`, `dissolved`; and on their other devices `requested`,
 *   `request_cancelled`, `invite_declined`;
 * - to the group's owner and admins: `requested` (with the memo), `request_cancelled`,
 *   `request_approved`, `request_declined`, so every admin's inbox stays current;
 * - to an invitee whose invite was withdrawn: `invite_cancelled`.
 */
export const groupChange = z.enum([
  'invited',
  'invite_declined',
  'invite_cancelled',
  'requested',
  'request_cancelled',
  'request_approved',
  'request_declined',
  'joined',
  'left',
  'removed',
  'role',
  'dissolved',
]);

/** Stored per-user events, replayed by sync. A union so new kinds slot in. */
export const userEvent = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('friendship'),
    seq: p.seq,
    at: z.number(),
    peerId: z.string(),
    status: friendshipStatus,
    memo: z.string().optional(),
    /** Who caused the change (the viewer or the peer). */
    actorId: z.string(),
  }),
  z.object({
    kind: z.literal('block'),
    seq: p.seq,
    at: z.number(),
    peerId: z.string(),
    blocked: z.boolean(),
    actorId: z.string(),
  }),
  /** A user the viewer can see (a friend, a pending request, or the viewer on another device) changed their profile. */
  z.object({
    kind: z.literal('profile'),
    seq: p.seq,
    at: z.number(),
    user: publicUser,
  }),
  /** A change about the viewer in a group (see {@link groupChange}). */
  z.object({
    kind: z.literal('group'),
    seq: p.seq,
    at: z.number(),
    conversationId: z.string(),
    change: groupChange,
    /** Who caused it. */
    actorId: z.string(),
    /** Whom it is about (the viewer, or a requester for admins). */
    subjectId: z.string(),
    /** With `role` and `joined`: the subject's role now. */
    role: p.groupRole.optional(),
    /** With `requested`: the requester's memo. */
    memo: z.string().optional(),
    /** With `invited`, `joined` and `requested`: the group as it is now. */
    group: groupBrief.optional(),
  }),
]);

/** Summary and catch-up of one conversation in a `synced` reply. */
export const conversationSync = z.object({
  conversationId: z.string(),
  kind: z.enum(['dm', 'group']),
  /** For DMs: the other member. */
  peerId: z.string().optional(),
  /** For groups: name, avatar, member count and the viewer's role. */
  group: groupBrief.optional(),
  lastSeq: p.seq,
  /**
   * The viewer sees only messages with seq > floor (0 in DMs; in a group, where the viewer joined
   * unless its history is visible to new members). Nothing at or below it is ever sent; clients
   * must not try to fetch it.
   */
  floor: p.seq,
  /** Messages after the client's cursor, ascending, at most `limit`. */
  messages: z.array(message),
  /** True when more messages exist after the last one returned: backfill over REST. */
  limited: z.boolean(),
  unread: z.int().nonnegative(),
  /** Messages after the viewer's read cursor that mention the viewer. */
  mentions: z.int().nonnegative(),
  cursors: z.array(memberCursor),
  lastMessage: message.nullable(),
});

export const readyFrame = z.object({
  type: z.literal('ready'),
  /** The protocol version the server speaks on this socket. */
  protocol: z.int().min(1),
  userId: z.string(),
  sessionId: z.string(),
  serverTime: z.number(),
  heartbeatMs: z.int(),
  limits: z.object({
    maxFrameBytes: z.int(),
    maxTextLength: z.int(),
    messagesPerSecond: z.number(),
    /** Group caps, and the sizes above which typing and live read receipts are switched off. */
    groups: z.object({
      maxMembers: z.int(),
      maxOwned: z.int(),
      maxPendingRequests: z.int(),
      invitesPerHour: z.int(),
      typingMaxMembers: z.int(),
      liveReceiptsMaxMembers: z.int(),
      /** Above this many members, a group's presence is sent only to those who subscribe. */
      presenceMaxMembers: z.int(),
    }),
    /** Rich messages: files per message and their size, the edit window, reactions per message. */
    messages: z.object({
      maxAttachments: z.int(),
      maxUploadBytes: z.int(),
      /** How long after sending its author may edit a message, in ms; null: no limit. */
      editWindowMs: z.int().nullable(),
      /** Most different emoji on one message. */
      maxReactions: z.int(),
    }),
    /** 1:1 calls: how long an unanswered call rings, how long a dropped side may rejoin, invites allowed per minute. */
    calls: z.object({
      ringTimeoutMs: z.int(),
      graceMs: z.int(),
      invitesPerMinute: z.int(),
      /** `signal` frames per second on one socket (a budget of their own, apart from `messagesPerSecond`). */
      signalsPerSecond: z.number(),
    }),
  }),
});
export const ackFrame = z.object({
  type: z.literal('ack'),
  id: p.requestId.optional(),
  clientMsgId: z.string(),
  conversationId: z.string(),
  messageId: z.string(),
  seq: p.seq,
  createdAt: z.number(),
  /** True when this clientMsgId was already stored: nothing new was written. */
  duplicate: z.boolean(),
});
export const messageFrame = z.object({ type: z.literal('message'), message });
export const receiptEventFrame = z.object({
  type: z.literal('receipt'),
  conversationId: z.string(),
  userId: z.string(),
  delivered: p.seq,
  read: p.seq,
});
export const typingEventFrame = z.object({
  type: z.literal('typing'),
  conversationId: z.string(),
  userId: z.string(),
  active: z.boolean(),
});
/** A user's presence as the viewer may see it: `unknown` when they hide it (no "last seen" then either). */
export const presenceState = z.object({
  userId: z.string(),
  status: z.enum(['online', 'offline', 'unknown']),
  /** With `offline`: when their last device went away (ms since the epoch), if known. */
  lastSeenAt: z.number().optional(),
});
/** Presence changes, coalesced: several users per frame. */
export const presenceEventFrame = z.object({ type: z.literal('presence'), id: p.requestId.optional(), users: z.array(presenceState) });
export const eventFrame = z.object({ type: z.literal('event'), event: userEvent });
export const syncedFrame = z.object({
  type: z.literal('synced'),
  id: p.requestId.optional(),
  conversations: z.array(conversationSync),
  events: z.array(userEvent),
  /** Pass as `eventsAfter` next time. */
  eventsCursor: p.seq,
  /** True when more events exist than were sent: refetch friend lists over REST. */
  eventsLimited: z.boolean(),
});
export const pongFrame = z.object({ type: z.literal('pong'), id: p.requestId.optional() });
/**
 * Sync now, as after a reconnect: the server may have missed routing frames to this socket (its
 * node lost the link to the other nodes and got it back). Sent at most once per such outage.
 */
export const resyncFrame = z.object({ type: z.literal('resync') });
export const errorFrame = z.object({
  type: z.literal('error'),
  id: p.requestId.optional(),
  code: z.enum(Object.values(ErrorCode) as [ErrorCode, ...ErrorCode[]]),
  message: z.string(),
  retryAfterMs: z.int().optional(),
});

/** Every frame a server may send. */
export const serverFrame = z.discriminatedUnion('type', [
  readyFrame,
  ackFrame,
  messageFrame,
  receiptEventFrame,
  typingEventFrame,
  presenceEventFrame,
  eventFrame,
  syncedFrame,
  pongFrame,
  resyncFrame,
  errorFrame,
  callEventFrame,
  signalEventFrame,
]);
