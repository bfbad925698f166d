/**
 * Which server nodes of a deployment are alive: what a node asks before it trusts that another
 * node still runs something (a call it owns, the sessions it counts), and what tells it that a
 * node is gone so that node's leftovers can be cleaned up.
 *
 * {@link LocalNodes} is the one-node answer (the default). `@quickchat/bus-redis` implements it
 * with heartbeat keys that expire (`RedisNodes`): a crashed node is declared gone within its
 * heartbeat TTL plus one sweep interval, and exactly one survivor hears of each gone node.
 */
export interface NodeDirectory {
  /** This node's id (`ServiceContext.nodeId`). */
  readonly nodeId: string;
  /** Whether `nodeId` is a node that is running now (this node always is, until closed). */
  isAlive(nodeId: string): Promise<boolean>;
  /**
   * When `nodeId` was last known alive (ms since the epoch: its last heartbeat, or now for this
   * node), or null when unknown. What the record of a gone node's call uses as its end.
   */
  lastAliveAt(nodeId: string): Promise<number | null>;
  /**
   * Calls `listener` with the id of each node found gone (it stopped refreshing its liveness);
   * across the deployment exactly one surviving node hears of each, so its cleanup runs once.
   * Returns the unsubscribe function.
   */
  onNodeGone(listener: (nodeId: string) => void): () => void;
  /** Stops refreshing and watching (server shutdown); listeners are dropped. */
  close(): void;
}

/** {@link NodeDirectory} of a single node: only itself is alive, and no node ever goes. */
export class LocalNodes implements NodeDirectory {
  private closed = false;

  /** @param now clock of {@link lastAliveAt} for this node */
  constructor(
    readonly nodeId: string,
    private readonly now: () => number = Date.now,
  ) {}

  isAlive(nodeId: string): Promise<boolean> {
    return Promise.resolve(!this.closed && nodeId === this.nodeId);
  }

  lastAliveAt(nodeId: string): Promise<number | null> {
    return Promise.resolve(nodeId === this.nodeId ? this.now() : null);
  }

  onNodeGone(_listener: (nodeId: string) => void): () => void {
    return () => {};
  }

  close(): void {
    this.closed = true;
  }
}
