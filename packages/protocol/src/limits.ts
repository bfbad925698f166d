/**
 * Hard caps that are part of the protocol: a frame breaking one is invalid on every server.
 * Servers may configure tighter limits (see `ServerLimits` in the server package) and
 * announce them in the `ready` frame.
 */
export const PROTOCOL_LIMITS = {
  /** Largest frame, in bytes, a server must accept. Servers close with 1009 above their cap. */
  maxFrameBytes: 64 * 1024,
  /** Longest message text, in UTF-16 code units. */
  maxTextLength: 16_000,
  /** Longest `clientMsgId`. */
  maxClientMsgIdLength: 64,
  /** Longest display name. */
  maxDisplayNameLength: 64,
  /** Longest profile signature. */
  maxSignatureLength: 280,
  /** Longest friend-request memo. */
  maxMemoLength: 200,
  /** Longest avatar URL. */
  maxUrlLength: 2048,
  /** Most conversations a single `sync` may list cursors for. */
  maxSyncCursors: 5000,
  /** Largest page of messages in a sync or a history request. */
  maxPageSize: 100,
  /** Page of history a request gets when it names no `limit`. */
  defaultPageSize: 50,
  /** Longest group name. */
  maxGroupNameLength: 64,
  /** Longest group description. */
  maxGroupDescriptionLength: 500,
  /** Most users one create or add request may name. */
  maxUsersPerGroupRequest: 100,
  /** Largest page of group members. */
  maxMembersPageSize: 200,
  /** Most files one message may carry (servers may allow fewer: `ready.limits.messages.maxAttachments`). */
  maxAttachmentsPerMessage: 10,
  /** Most members one message may mention. */
  maxMentionsPerMessage: 50,
  /** Longest reaction (one emoji, in UTF-16 code units; the longest ZWJ sequences are about 35). */
  maxReactionEmojiLength: 64,
  /** Longest file name. */
  maxFileNameLength: 255,
  /** Longest search query. */
  maxSearchQueryLength: 200,
  /** Largest page of search results. */
  maxSearchPageSize: 50,
  /** Most users one `presence` frame may subscribe to or drop. */
  maxPresenceUsersPerFrame: 500,
  /** Largest token accepted in an `auth` frame or header. */
  maxTokenLength: 8192,
} as const;
