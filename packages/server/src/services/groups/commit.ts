import { ErrorCode, type UserEvent } from '@quickchat/protocol';
import { AppError, notFound } from '../../errors.js';
import type { GroupChange, GroupChangeResult, GroupRecord, NewGroup } from '../../store/types.js';
import type { ConversationAccess } from '../access/access.js';
import type { ServiceContext } from '../context.js';
import { messageFrameJson } from '../frame-json.js';
import { publishJsonToGroup, publishMembership, publishToUsers } from '../publish.js';
import { groupTopic } from '../../bus/topics.js';
import { KeyedLock } from '../keyed-lock.js';

/** Who starts and stops receiving the group's frames because of a change. */
export interface RoutingChange {
  joined?: readonly string[];
  left?: readonly string[];
}

/**
 * Applies group changes and announces them, for every group operation: changes to one group run
 * one at a time on this node (the store's `expect` guards races across nodes); after each, the
 * access seam drops what it cached, then, in this order, joiners are routed, the system notice is
 * published once on the group's topic (so a removed member still sees their removal), leavers
 * are unrouted, and each user event goes to its owner's sessions.
 */
export class GroupCommitter {
  private readonly locks = new KeyedLock();

  constructor(
    private readonly ctx: ServiceContext,
    private readonly access: ConversationAccess,
  ) {}

  /** Runs `fn` after every earlier change to the same group on this node has finished. */
  serialized<T>(conversationId: string, fn: () => Promise<T>): Promise<T> {
    return this.locks.run(conversationId, fn);
  }


  /** Creates a group and announces it. */
  async create(group: NewGroup, routing: RoutingChange): Promise<GroupRecord> {
    return this.announce(group.id, await this.ctx.store.createGroup(group), group.events.map((e) => e.userId), routing);
  }

  /**
   * Applies a change and announces it; store refusals become clear errors. A change that makes
   * members leave (`routing.left`, or a dissolution) is first announced on the group's topic and
   * confirmed by the bus, so that no node delivers them a message committed after it, whichever
   * node commits that message (see `gateway/group-routing.ts`); then settled with the seq of its
   * notice, or, when it failed, left for each node to check in the store.
   */
  async apply(change: GroupChange, routing: RoutingChange = {}): Promise<GroupRecord> {
    const leaving = change.dissolve ? null : routing.left?.length ? [...routing.left] : undefined;
    const topic = groupTopic(change.conversationId);
    if (leaving !== undefined) await this.ctx.bus.publishConfirmed(topic, { kind: 'group-leaving', userIds: leaving });
    let result: GroupChangeResult;
    try {
      result = await this.ctx.store.applyGroupChange(change);
    } catch (err) {
      if (leaving !== undefined) this.ctx.bus.publish(topic, { kind: 'group-left', userIds: leaving, atSeq: null });
      throw err;
    } finally {
      // Even after a failure: the change may have committed before the error surfaced.
      this.access.groupChanged(change.conversationId);
    }
    if (result.status !== 'applied' && leaving !== undefined) this.ctx.bus.publish(topic, { kind: 'group-left', userIds: leaving, atSeq: null });
    return this.announce(change.conversationId, result, (change.events ?? []).map((e) => e.userId), routing, leaving);
  }

  private announce(conversationId: string, result: GroupChangeResult, eventOwners: readonly string[], routing: RoutingChange, leaving?: string[] | null): GroupRecord {
    if (result.status === 'no_group') throw notFound('group');
    if (result.status === 'full') throw new AppError(ErrorCode.Conflict, `the group is full (at most ${this.ctx.config.limits.maxGroupMembers} members)`);
    if (result.status === 'stale') throw new AppError(ErrorCode.Conflict, 'the group changed meanwhile; reload it and retry');
    const { bus } = this.ctx;
    for (const userId of routing.joined ?? []) publishMembership(bus, userId, conversationId, true);
    const notice = result.message;
    if (notice) publishJsonToGroup(bus, conversationId, messageFrameJson(notice, JSON.stringify(notice.content)), { seq: notice.seq });
    if (leaving !== undefined) bus.publish(groupTopic(conversationId), { kind: 'group-left', userIds: leaving, atSeq: notice?.seq ?? null });
    for (const userId of routing.left ?? []) publishMembership(bus, userId, conversationId, false);
    result.events.forEach((event: UserEvent, i) => {
      const owner = eventOwners[i];
      if (owner !== undefined) publishToUsers(bus, [owner], { type: 'event', event });
    });
    return result.group;
  }
}
