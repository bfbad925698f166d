import type { Bus, Subscription } from '../bus/types.js';
import { groupTopic } from '../bus/topics.js';
import type { GroupFrame } from '../bus/messages.js';

interface RoutedGroup {
  /** Members of the group with at least one session on this node. */
  members: Set<string>;
  subscription: Subscription;
}

/**
 * This node's routing table for groups: for each group with a member connected here, which of
 * its members those are. The node subscribes to a group's topic while it holds at least one of
 * its members, and forwards each group frame (serialized once, by whoever published it, and
 * encoded to UTF-8 once here) to those members' sessions: no per-member JSON, no per-member
 * encoding, no per-member publish.
 */
export class GroupRouting {
  private readonly groups = new Map<string, RoutedGroup>();

  constructor(
    private readonly bus: Bus,
    /** Writes a frame's UTF-8 bytes to every session of a user on this node. */
    private readonly deliver: (userId: string, bytes: Buffer) => void,
  ) {}

  /** Routes the group's frames to `userId` from now on; resolves once the group's subscription is live. */
  join(userId: string, conversationId: string): Promise<void> {
    let routed = this.groups.get(conversationId);
    if (!routed) {
      const members = new Set<string>();
      const subscription = this.bus.subscribe(groupTopic(conversationId), (message) => this.forward(members, message));
      routed = { members, subscription };
      this.groups.set(conversationId, routed);
    }
    routed.members.add(userId);
    return routed.subscription.ready;
  }

  /** Stops routing the group's frames to `userId` at once; unsubscribes when no member is left here. */
  leave(userId: string, conversationId: string): void {
    const routed = this.groups.get(conversationId);
    if (!routed?.members.delete(userId) || routed.members.size > 0) return;
    routed.subscription.unsubscribe();
    this.groups.delete(conversationId);
  }

  /** Groups with a member on this node (for tests and the status page). */
  get size(): number {
    return this.groups.size;
  }

  /** Encodes the frame once on this node; every local member's sockets send the same bytes. */
  private forward(members: Set<string>, message: GroupFrame): void {
    const bytes = Buffer.from(message.json);
    for (const userId of members) {
      if (userId !== message.except) this.deliver(userId, bytes);
    }
  }
}
