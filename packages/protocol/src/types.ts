/**
 * Wire types, derived from the schemas with type-only imports: importing these
 * pulls no validator into a bundle.
 */
import type { z } from 'zod';
import type * as S from './validate/schemas.js';

type Out<T extends z.ZodType> = z.output<T>;

/** Stored message content: what clients send, plus the server's system notices. */
export type MessageContent = Out<typeof S.messageContent>;
/** Content a client may send (never a system notice). */
export type SendableContent = Out<typeof S.sendableContent>;
/** A text message as stored (with its reply target, mentions and files). */
export type TextContent = Out<typeof S.textContent>;
/** An edit entry: new text for the message at `target`. */
export type EditContent = Out<typeof S.editContent>;
/** A delete entry: the message at `target` was deleted. */
export type DeleteContent = Out<typeof S.deleteContent>;
/** A reaction entry: `emoji` added or taken back on the message at `target`. */
export type ReactionContent = Out<typeof S.reactionContent>;
/** The entries that change an earlier message in place. */
export type MutationContent = EditContent | DeleteContent | ReactionContent;
/** A file attached to a message. */
export type Attachment = Out<typeof S.attachment>;
/** A reply's quoted message, as it is now. */
export type Quote = Out<typeof S.quote>;
/** One emoji's reactions on a message. */
export type ReactionCount = Out<typeof S.reactionCount>;
/** A call record: what every call leaves in its DM when it ends (server-authored only). */
export type CallRecordContent = Out<typeof S.callRecordContent>;
/** What one side of a call sends: audio and/or video. */
export type CallMedia = Out<typeof S.callMedia>;
/** Where a call is in its lifecycle. */
export type CallState = Out<typeof S.callState>;
/** How an ended call ended. */
export type CallOutcome = Out<typeof S.callOutcome>;
/** A user's presence as the viewer may see it. */
export type PresenceState = Out<typeof S.presenceState>;
/** A server-authored notice in a group's history (membership and settings changes). */
export type SystemContent = Out<typeof S.systemContent>;
/** A member's role in a group. */
export type GroupRole = Out<typeof S.groupRole>;
/** How people join a group. */
export type JoinMode = Out<typeof S.joinMode>;
/** What happened to the viewer about a group, in a `group` user event. */
export type GroupChange = Out<typeof S.groupChange>;
/** A group as a conversation list shows it. */
export type GroupBrief = Out<typeof S.groupBrief>;
/** A stored message. */
export type Message = Out<typeof S.message>;
/** A member's delivered/read cursors. */
export type MemberCursor = Out<typeof S.memberCursor>;
/** The viewer's relation to a peer. */
export type FriendshipStatus = Out<typeof S.friendshipStatus>;
/** A stored per-user event replayed by sync. */
export type UserEvent = Out<typeof S.userEvent>;
/** One conversation in a `synced` reply. */
export type ConversationSync = Out<typeof S.conversationSync>;

export type AuthFrame = Out<typeof S.authFrame>;
export type SendFrame = Out<typeof S.sendFrame>;
export type SyncFrame = Out<typeof S.syncFrame>;
export type ReceiptFrame = Out<typeof S.receiptFrame>;
export type TypingFrame = Out<typeof S.typingFrame>;
export type PingFrame = Out<typeof S.pingFrame>;
export type PresenceFrame = Out<typeof S.presenceFrame>;
/** A call lifecycle request (invite, accept, decline, cancel, hangup, connected, rejoin). */
export type CallFrame = Out<typeof S.callFrame>;
/** SDP or ICE for the other side of an accepted call. */
export type SignalFrame = Out<typeof S.signalFrame>;
/** Any client→server frame. */
export type ClientFrame = Out<typeof S.clientFrame>;

export type ReadyFrame = Out<typeof S.readyFrame>;
export type AckFrame = Out<typeof S.ackFrame>;
export type MessageFrame = Out<typeof S.messageFrame>;
export type ReceiptEventFrame = Out<typeof S.receiptEventFrame>;
export type TypingEventFrame = Out<typeof S.typingEventFrame>;
export type EventFrame = Out<typeof S.eventFrame>;
export type PresenceEventFrame = Out<typeof S.presenceEventFrame>;
export type SyncedFrame = Out<typeof S.syncedFrame>;
export type PongFrame = Out<typeof S.pongFrame>;
/** Sync now, as after a reconnect (the server may have missed routing frames to this socket). */
export type ResyncFrame = Out<typeof S.resyncFrame>;
export type ErrorFrame = Out<typeof S.errorFrame>;
/** A call's state as one session sees it. */
export type CallEventFrame = Out<typeof S.callEventFrame>;
/** Signaling relayed from the other side of a call. */
export type SignalEventFrame = Out<typeof S.signalEventFrame>;
/** Any server→client frame. */
export type ServerFrame = Out<typeof S.serverFrame>;

export type RegisterBody = z.input<typeof S.registerBody>;
export type LoginBody = z.input<typeof S.loginBody>;
export type RefreshBody = Out<typeof S.refreshBody>;
export type ProfilePatchBody = Out<typeof S.profilePatchBody>;
export type FriendRequestBody = Out<typeof S.friendRequestBody>;
export type HistoryQuery = Out<typeof S.historyQuery>;
export type PublicUser = Out<typeof S.publicUser>;
export type AuthTokens = Out<typeof S.authTokens>;
export type AuthResponse = Out<typeof S.authResponse>;
export type FriendEntry = Out<typeof S.friendEntry>;
export type FriendListResponse = Out<typeof S.friendListResponse>;
export type BlockListResponse = Out<typeof S.blockListResponse>;
export type ConversationSummary = Out<typeof S.conversationSummary>;
export type ConversationListResponse = Out<typeof S.conversationListResponse>;
export type HistoryResponse = Out<typeof S.historyResponse>;
export type ErrorBody = Out<typeof S.errorBody>;
export type CreateGroupBody = z.input<typeof S.createGroupBody>;
export type EditGroupBody = z.input<typeof S.editGroupBody>;
export type GroupInfo = Out<typeof S.groupInfo>;
export type MembershipOutcome = Out<typeof S.membershipOutcome>;
export type CreateGroupResponse = Out<typeof S.createGroupResponse>;
export type GroupMember = Out<typeof S.groupMember>;
export type GroupMembersResponse = Out<typeof S.groupMembersResponse>;
export type PendingJoin = Out<typeof S.pendingJoin>;
export type JoinRequestsResponse = Out<typeof S.joinRequestsResponse>;
export type MyInvitesResponse = Out<typeof S.myInvitesResponse>;
export type ReadByResponse = Out<typeof S.readByResponse>;
export type JoinRequestResponse = Out<typeof S.joinRequestResponse>;
export type SearchQuery = Out<typeof S.searchQuery>;
export type SearchHit = Out<typeof S.searchHit>;
export type SearchResponse = Out<typeof S.searchResponse>;
export type UploadQuery = Out<typeof S.uploadQuery>;
export type UploadResponse = Out<typeof S.uploadResponse>;
export type FileLinkResponse = Out<typeof S.fileLinkResponse>;
/** One ICE server for `RTCPeerConnection` (STUN, or TURN with short-lived credentials). */
export type IceServer = Out<typeof S.iceServer>;
/** GET /api/turn-credentials: ICE servers with TURN REST credentials, or STUN only and a note. */
export type TurnCredentialsResponse = Out<typeof S.turnCredentialsResponse>;
