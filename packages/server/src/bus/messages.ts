/**
 * Everything that crosses the bus, as one union. Subscribers receive these typed objects; a bus
 * that moves them between processes serializes them, with the origin node, with
 * `encodeBusEnvelope` and validates them with `decodeBusEnvelope` (bus/codec.ts) on arrival, so no
 * subscriber parses or trusts raw text.
 */
export type BusMessage = FrameDelivery | Revocation | RelationsChanged | GroupFrame | GroupLeaving | GroupLeft | MembershipChanged | GroupChanged | CallForward | CallSessionClosed;

/** The kinds of {@link BusMessage}. */
export type BusMessageKind = BusMessage['kind'];

/**
 * A serialized server frame to forward verbatim to a user's sessions: all of them, or only the
 * one named by `to` (a reply that belongs to one socket, such as an `ack`, or call signaling).
 */
export interface FrameDelivery {
  kind: 'frame';
  /** The frame, already serialized once for every recipient. */
  json: string;
  /** A session id: deliver to that session only (on whichever node holds it). */
  to?: string;
  /** A session id: deliver to every session of the user but that one (a call's other devices). */
  except?: string;
}

/**
 * Ends a user's sessions: those signed in with the refresh-token family `familyId` (logout,
 * refresh-token reuse), or all of them when it is absent.
 */
export interface Revocation {
  kind: 'revoke';
  familyId?: string;
}

/** Relations (friendships or blocks) changed between these unordered pairs of users. */
export interface RelationsChanged {
  kind: 'relations';
  pairs: [string, string][];
}

/**
 * A serialized frame for every member of a group whose sessions this node holds, published once
 * on the group's topic whatever the group's size. `except` (the sender) is skipped: their copy
 * travels on their own topic, in order with their `ack`.
 */
export interface GroupFrame {
  kind: 'group-frame';
  json: string;
  except?: string;
  /** The seq of the stored message or entry the frame carries (absent for receipts and typing). */
  seq?: number;
}

/**
 * Members are about to leave a group (removed, leaving, or the group dissolved: `userIds` null
 * means every member). Published on the group's topic, and confirmed by the bus, BEFORE the change
 * is committed, so every node hears it before any frame of a message committed after the change,
 * whichever node publishes that one. Nodes hold the group's frames for those members until the
 * matching {@link GroupLeft}. See docs/decisions/0012-redis-bus-and-resync.md.
 */
export interface GroupLeaving {
  kind: 'group-leaving';
  userIds: string[] | null;
}

/**
 * The change announced by {@link GroupLeaving} is settled: those members saw the group up to
 * `atSeq` (the seq of their removal's notice: held frames at or below it are delivered, later ones
 * dropped, and routing stops). `atSeq` null: the outcome is unknown here (the change failed, or
 * may have committed before an error); each node asks the store whether they are still members.
 */
export interface GroupLeft {
  kind: 'group-left';
  userIds: string[] | null;
  atSeq: number | null;
}

/**
 * The user joined (`joined: true`) or stopped being a member of a group: the nodes holding their
 * sessions start or stop routing the group's frames to them. On the user's topic, so it is
 * ordered with their other frames.
 */
export interface MembershipChanged {
  kind: 'membership';
  conversationId: string;
  joined: boolean;
}

/** A group's settings or membership changed: every node drops what it cached about it. */
export interface GroupChanged {
  kind: 'group-changed';
  conversationId: string;
}

/**
 * A `call` or `signal` frame a session sent to a node that does not run the call, forwarded to
 * the node that does (its owner; see docs/decisions/0011-call-state.md). `json` is the client's
 * frame as parsed and validated on arrival; the owner validates it again.
 */
export interface CallForward {
  kind: 'call-forward';
  userId: string;
  sessionId: string;
  json: string;
}

/** A session bound to a call run on another node closed: the owner starts that side's rejoin grace. */
export interface CallSessionClosed {
  kind: 'call-session-closed';
  userId: string;
  sessionId: string;
  callId: string;
}
