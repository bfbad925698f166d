/**
 * Where the cross-node state lives in Redis: every key and channel name, in one place, under one
 * prefix (default `quickchat:`), so several deployments can share a Redis and an operator can
 * find (or `SCAN`) everything quickchat keeps. Only the bus's own channels are named elsewhere.
 *
 * The scripts touch keys they derive from these names, so this layout is for a single Redis (or a
 * primary with replicas, or Sentinel), not Redis Cluster.
 */
export const DEFAULT_PREFIX = 'quickchat:';

/** The key names of one deployment (one prefix). */
export class RedisKeys {
  constructor(readonly prefix: string = DEFAULT_PREFIX) {}

  /** String with a TTL: present while node `nodeId` is alive (its heartbeat). */
  node(nodeId: string): string {
    return `${this.prefix}node:${nodeId}`;
  }
  /** Sorted set of the nodes known to be registered (member = node id, score = last beat, ms). */
  get nodes(): string {
    return `${this.prefix}nodes`;
  }
  /** Sorted set of the nodes declared gone (member = node id, score = last beat, ms), kept a week. */
  get nodesGone(): string {
    return `${this.prefix}nodes-gone`;
  }

  /** Hash per user: field = node id, value = how many of the user's sessions that node has. */
  presence(userId: string): string {
    return `${this.prefix}presence:${userId}`;
  }
  /** Set per node: the users with a field of that node in their presence hash (swept when it is gone). */
  presenceOfNode(nodeId: string): string {
    return `${this.prefix}presence-node:${nodeId}`;
  }
  /** Set of the node ids that hold presence fields (what the sweep checks for gone nodes). */
  get presenceNodes(): string {
    return `${this.prefix}presence-nodes`;
  }
  /** Sorted set of pending offlines (member = user id, score = when the grace ends, ms). */
  get presencePending(): string {
    return `${this.prefix}presence-pending`;
  }
  /** Hash per user with a long TTL: `visible` ('1' | '0'), `seen` (lastSeenAt), `left` (while in grace). */
  presenceMeta(userId: string): string {
    return `${this.prefix}presence-meta:${userId}`;
  }
  /** Pub/sub channel of presence changes (JSON `PresenceRecord`s). */
  get presenceChannel(): string {
    return `${this.prefix}presence-changes`;
  }

  /** String with a TTL: `<callId>|<ownerNode>` while the user is engaged in that call. */
  callOfUser(userId: string): string {
    return `${this.prefix}call-user:${userId}`;
  }
  /** String with a TTL: the owner node of a live call. */
  call(callId: string): string {
    return `${this.prefix}call:${callId}`;
  }
}
