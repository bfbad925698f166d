import type { Bus, Subscription } from '../bus/types.js';
import { groupTopic, type GroupTopicMessage } from '../bus/topics.js';
import type { GroupFrame } from '../bus/messages.js';

/** Frames held for a member whose leaving was announced, until it is settled. */
interface Hold {
  /** At most {@link MAX_HELD}; later ones are dropped (the member's client fills gaps from history). */
  frames: GroupFrame[];
  timer: NodeJS.Timeout;
}

interface RoutedGroup {
  /** Members of the group with at least one session on this node. */
  members: Set<string>;
  /** Members whose leaving was announced and is not settled yet: their frames wait here. */
  holds: Map<string, Hold>;
  subscription: Subscription;
}

/** What the routing needs from the session registry. */
export interface GroupRoutingDeps {
  /** Writes a frame's UTF-8 bytes to every session of a user on this node. */
  deliver(userId: string, bytes: Buffer): void;
  /** A member's leaving was settled here: the registry forgets that group for them. */
  left(userId: string, conversationId: string): void;
  /** Whether `userId` is (still) a member of the group, from the store. */
  isMember(userId: string, conversationId: string): Promise<boolean>;
}

/** Most frames held for one leaving member; past it the rest are dropped (and gap-filled). */
const MAX_HELD = 1000;
/** How long a leaving is waited for before the store is asked (its node may have died meanwhile). */
const HOLD_TIMEOUT_MS = 10_000;

/**
 * This node's routing table for groups: for each group with a member connected here, which of
 * its members those are. The node subscribes to a group's topic while it holds at least one of
 * its members, and forwards each group frame (serialized once, by whoever published it, and
 * encoded to UTF-8 once here) to those members' sessions: no per-member JSON, no per-member
 * encoding, no per-member publish.
 *
 * Leaving is ordered with messages across nodes: a node removing members first publishes
 * `group-leaving` on the group's topic and waits for the bus to confirm it, then commits, then
 * publishes `group-left` with the seq of the removal's notice. In between, this node holds the
 * group's frames for those members; at `group-left` it delivers the held frames up to that seq and
 * drops the rest, so a removed member never receives a message committed after their removal,
 * whichever node committed it (docs/decisions/0012-redis-bus-and-resync.md).
 */
export class GroupRouting {
  private readonly groups = new Map<string, RoutedGroup>();

  constructor(
    private readonly bus: Bus,
    private readonly deps: GroupRoutingDeps,
  ) {}

  /** Routes the group's frames to `userId` from now on; resolves once the group's subscription is live. */
  join(userId: string, conversationId: string): Promise<void> {
    let routed = this.groups.get(conversationId);
    if (!routed) {
      const group: RoutedGroup = { members: new Set(), holds: new Map(), subscription: null as unknown as Subscription };
      group.subscription = this.bus.subscribe(groupTopic(conversationId), (message) => this.onMessage(conversationId, group, message));
      routed = group;
      this.groups.set(conversationId, routed);
    }
    routed.members.add(userId);
    return routed.subscription.ready;
  }

  /** Stops routing the group's frames to `userId` at once; unsubscribes when no member is left here. */
  leave(userId: string, conversationId: string): void {
    const routed = this.groups.get(conversationId);
    if (!routed?.members.delete(userId)) return;
    this.dropHold(routed, userId);
    if (routed.members.size > 0) return;
    routed.subscription.unsubscribe();
    this.groups.delete(conversationId);
  }

  /** Groups with a member on this node (for tests and the status page). */
  get size(): number {
    return this.groups.size;
  }

  private onMessage(conversationId: string, group: RoutedGroup, message: GroupTopicMessage): void {
    if (message.kind === 'group-frame') return this.forward(group, message);
    const userIds = message.userIds ?? [...group.members];
    for (const userId of userIds) {
      if (!group.members.has(userId)) continue;
      if (message.kind === 'group-leaving') this.hold(conversationId, group, userId);
      else if (message.atSeq === null) this.settleFromStore(conversationId, group, userId);
      else this.settle(conversationId, group, userId, message.atSeq);
    }
  }

  /** Encodes the frame once on this node; every local member's sockets send the same bytes. */
  private forward(group: RoutedGroup, message: GroupFrame): void {
    let bytes: Buffer | null = null;
    for (const userId of group.members) {
      if (userId === message.except) continue;
      const hold = group.holds.get(userId);
      if (hold) {
        if (hold.frames.length < MAX_HELD) hold.frames.push(message);
        continue;
      }
      this.deps.deliver(userId, (bytes ??= Buffer.from(message.json)));
    }
  }

  private hold(conversationId: string, group: RoutedGroup, userId: string): void {
    if (group.holds.has(userId)) return;
    const timer = setTimeout(() => this.settleFromStore(conversationId, group, userId), HOLD_TIMEOUT_MS);
    timer.unref();
    group.holds.set(userId, { frames: [], timer });
  }

  /** The member saw the group up to `atSeq`: held frames up to it go out, later ones are dropped, routing stops. */
  private settle(conversationId: string, group: RoutedGroup, userId: string, atSeq: number): void {
    const hold = group.holds.get(userId);
    for (const frame of hold?.frames ?? []) {
      if (frame.seq !== undefined && frame.seq <= atSeq && frame.except !== userId) this.deps.deliver(userId, Buffer.from(frame.json));
    }
    this.leave(userId, conversationId);
    this.deps.left(userId, conversationId);
  }

  /** The outcome is unknown here: the store says whether the member stayed (frames released) or left. */
  private settleFromStore(conversationId: string, group: RoutedGroup, userId: string): void {
    const hold = group.holds.get(userId);
    if (!hold) return;
    clearTimeout(hold.timer);
    void this.deps.isMember(userId, conversationId).then(
      (member) => {
        if (group.holds.get(userId) !== hold) return;
        if (!member) return this.settle(conversationId, group, userId, -1);
        group.holds.delete(userId);
        for (const frame of hold.frames) if (frame.except !== userId) this.deps.deliver(userId, Buffer.from(frame.json));
      },
      () => this.settle(conversationId, group, userId, -1), // unknown and unreadable: stop routing; a rejoin routes again
    );
  }

  private dropHold(group: RoutedGroup, userId: string): void {
    const hold = group.holds.get(userId);
    if (!hold) return;
    clearTimeout(hold.timer);
    group.holds.delete(userId);
  }
}
