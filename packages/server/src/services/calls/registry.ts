/** What {@link CallRegistry.engage} found. */
export type Engagement = 'engaged' | 'caller_busy' | 'callee_busy';

/** The call a user is in, and the node that runs it ({@link CallRegistry.callOf}). */
export interface UserCall {
  callId: string;
  /** The node id of the call's owner, which holds its state machine and timers. */
  ownerNode: string;
}

/**
 * Who is in a call, for the whole deployment: the one answer to "busy", and where each live call
 * runs. A user is engaged from the moment a call to or from them rings until it ends, so they can
 * be in one call at a time. The call's state machine and timers live on its owner node (the node
 * that took the invite and called {@link engage}); this registry is what every node must agree on
 * (see docs/decisions/0011-call-state.md), so a node that gets a frame about a call it does not
 * run can find the owner to forward it to. The default is this process's memory; a multi-node
 * deployment implements it on Redis (`SET NX` with a TTL the owner refreshes, so a crashed owner
 * frees its users).
 */
export interface CallRegistry {
  /**
   * Atomically marks both users as in `callId`, owned by this node, unless either already is in a
   * call: then nothing changes and the answer says who is busy (the caller is checked first).
   */
  engage(callId: string, callerId: string, calleeId: string): Promise<Engagement>;
  /**
   * `callId` is over: its owner entry goes, and these users are freed from it (a user engaged in
   * another call meanwhile is left alone).
   */
  release(callId: string, userIds: readonly string[]): Promise<void>;
  /** The node running `callId`, or null when no such call is live. */
  ownerOf(callId: string): Promise<string | null>;
  /** The call `userId` is engaged in and its owner, or null when the user is free. */
  callOf(userId: string): Promise<UserCall | null>;
}

/** {@link CallRegistry} in this process's memory: exact for a single node, which owns every call. */
export class LocalCallRegistry implements CallRegistry {
  /** userId → callId. */
  private readonly byUser = new Map<string, string>();
  /** The calls engaged and not yet released. */
  private readonly live = new Set<string>();

  /** @param nodeId this node's id (`ServiceContext.nodeId`): the owner of every call engaged here. */
  constructor(private readonly nodeId: string) {}

  engage(callId: string, callerId: string, calleeId: string): Promise<Engagement> {
    if (this.byUser.has(callerId)) return Promise.resolve('caller_busy');
    if (this.byUser.has(calleeId)) return Promise.resolve('callee_busy');
    this.byUser.set(callerId, callId);
    this.byUser.set(calleeId, callId);
    this.live.add(callId);
    return Promise.resolve('engaged');
  }

  release(callId: string, userIds: readonly string[]): Promise<void> {
    this.live.delete(callId);
    for (const userId of userIds) if (this.byUser.get(userId) === callId) this.byUser.delete(userId);
    return Promise.resolve();
  }

  ownerOf(callId: string): Promise<string | null> {
    return Promise.resolve(this.live.has(callId) ? this.nodeId : null);
  }

  callOf(userId: string): Promise<UserCall | null> {
    const callId = this.byUser.get(userId);
    return Promise.resolve(callId === undefined ? null : { callId, ownerNode: this.nodeId });
  }
}
