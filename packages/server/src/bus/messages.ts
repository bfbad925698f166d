/**
 * Everything that crosses the bus, as one union. Subscribers receive these typed objects; a bus
 * that moves them between processes serializes them with `encodeBusMessage` and validates them
 * with `decodeBusMessage` (bus/codec.ts) on arrival, so no subscriber parses or trusts raw text.
 */
export type BusMessage = FrameDelivery | Revocation | RelationsChanged;

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
