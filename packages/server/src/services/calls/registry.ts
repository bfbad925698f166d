/** What {@link CallRegistry.engage} found. */
export type Engagement = 'engaged' | 'caller_busy' | 'callee_busy';

/**
 * Who is in a call, for the whole deployment: the one answer to "busy". A user is engaged from
 * the moment a call to or from them rings until it ends, so they can be in one call at a time.
 * The call's state machine and timers live on its owner node (the node that took the invite);
 * this registry is what every node must agree on (see docs/decisions/0011-call-state.md). The
 * default is this process's memory; a multi-node deployment implements it on Redis (`SET NX`).
 */
export interface CallRegistry {
  /**
   * Atomically marks both users as in `callId`, unless either already is in a call: then nothing
   * changes and the answer says who is busy (the caller is checked first).
   */
  engage(callId: string, callerId: string, calleeId: string): Promise<Engagement>;
  /** Frees these users from `callId` (a user engaged in another call meanwhile is left alone). */
  release(callId: string, userIds: readonly string[]): Promise<void>;
}

/** {@link CallRegistry} in this process's memory: exact for a single node. */
export class LocalCallRegistry implements CallRegistry {
  private readonly callOf = new Map<string, string>();

  engage(callId: string, callerId: string, calleeId: string): Promise<Engagement> {
    if (this.callOf.has(callerId)) return Promise.resolve('caller_busy');
    if (this.callOf.has(calleeId)) return Promise.resolve('callee_busy');
    this.callOf.set(callerId, callId);
    this.callOf.set(calleeId, callId);
    return Promise.resolve('engaged');
  }

  release(callId: string, userIds: readonly string[]): Promise<void> {
    for (const userId of userIds) if (this.callOf.get(userId) === callId) this.callOf.delete(userId);
    return Promise.resolve();
  }
}
