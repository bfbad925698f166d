import { ErrorCode, outranks, type JoinRequestResponse, type MembershipOutcome, type MyInvitesResponse, type PendingJoin } from '@quickchat/protocol';
import { AppError, notFound } from '../../errors.js';
import { KeyedRateLimiter } from '../../limits/token-bucket.js';
import type { GroupRecord, NewUserEvent, PendingKind, PendingRecord } from '../../store/types.js';
import type { ConversationAccess } from '../access/access.js';
import type { ServiceContext } from '../context.js';
import type { GroupCommitter } from './commit.js';
import { groupBrief, groupEvent, systemMessage } from './notices.js';
import { toGroupInfo, toPendingJoins } from './view.js';

/** How users named by a create or add request are treated. */
export interface SortedInvitees {
  /** The actor's mutual friends: added at once. */
  added: string[];
  /** Anyone else who exists and is not blocked either way: invited. */
  invited: string[];
  /** No such user, or blocked either way. */
  refused: string[];
}

/** Most invites listed by `GET /api/group-invites`. */
const MY_INVITES_LIMIT = 200;

/**
 * Who joins and leaves a group: adding and inviting, invites answered, join requests made,
 * withdrawn and answered, removal and leaving. Each change is one store transaction with its
 * system notice and user events (see {@link GroupCommitter}); each role check goes through the
 * conversation-access seam.
 */
export class MembershipService {
  /** Invites per user per hour, across groups. */
  private readonly invites: KeyedRateLimiter;

  constructor(
    private readonly ctx: ServiceContext,
    private readonly access: ConversationAccess,
    private readonly committer: GroupCommitter,
  ) {
    const perHour = ctx.config.limits.groupInvitesPerHour;
    this.invites = new KeyedRateLimiter(perHour / 3600, perHour, ctx.now);
  }

  /** Adds the actor's friends and invites anyone else. Who may: see `minimumRole('add')`. */
  add(actorId: string, conversationId: string, userIds: readonly string[]): Promise<MembershipOutcome> {
    return this.committer.serialized(conversationId, async () => {
      const { group, member } = await this.access.requireGroupRole(actorId, conversationId, 'add');
      const skipped: string[] = [];
      const requested: string[] = [];
      const candidates: string[] = [];
      for (const userId of userIds) {
        if (userId === actorId || (await this.ctx.store.getMember(conversationId, userId))) skipped.push(userId);
        else {
          const pending = await this.ctx.store.getPending(conversationId, userId);
          if (pending?.kind === 'invite') skipped.push(userId);
          else if (pending?.kind === 'request') requested.push(userId);
          else candidates.push(userId);
        }
      }
      const sorted = await this.sortInvitees(actorId, candidates, new Set());
      this.spendInvites(actorId, sorted.invited.length);
      // Asking to join was their consent: an add answers a pending request like an approval.
      const added = [...sorted.added, ...requested];
      const at = this.ctx.now();
      const after = { ...group, memberCount: group.memberCount + added.length };
      const admins = requested.length ? await this.ctx.store.listAdminIds(conversationId) : [];
      const events: NewUserEvent[] = [
        ...added.map((u) => groupEvent(u, conversationId, 'joined', actorId, u, at, { role: 'member', group: groupBrief(after, 'member') })),
        ...sorted.invited.map((u) => groupEvent(u, conversationId, 'invited', actorId, u, at, { group: groupBrief(after, null) })),
        ...requested.flatMap((u) => admins.map((a) => groupEvent(a, conversationId, 'request_approved', actorId, u, at))),
      ];
      if (added.length || sorted.invited.length) {
        await this.committer.apply(
          {
            conversationId,
            add: added.map((userId) => ({ userId, role: 'member' as const })),
            putPending: sorted.invited.map((u) => pendingEntry(conversationId, u, 'invite', actorId, null, at)),
            dropPending: requested,
            ...(added.length ? { message: systemMessage(conversationId, actorId, { action: 'added', targetIds: added }, at) } : {}),
            events,
            maxMembers: this.ctx.config.limits.maxGroupMembers,
            expect: { roles: { [actorId]: member.role, ...nobody(added) }, pending: { ...kinds(requested, 'request'), ...kinds(sorted.invited, null) } },
            at,
          },
          { joined: added },
        );
      }
      return { added, invited: sorted.invited, skipped, refused: sorted.refused };
    });
  }

  /** The invitee joins. */
  acceptInvite(userId: string, conversationId: string): Promise<void> {
    return this.committer.serialized(conversationId, async () => {
      const { group, pending } = await this.access.requireGroupRelation(userId, conversationId);
      if (pending?.kind !== 'invite') throw notFound('invite');
      await this.join(userId, group, pending);
    });
  }

  /** The invitee says no; their other devices are told. */
  declineInvite(userId: string, conversationId: string): Promise<void> {
    return this.committer.serialized(conversationId, async () => {
      const { pending } = await this.access.requireGroupRelation(userId, conversationId);
      if (pending?.kind !== 'invite') throw notFound('invite');
      const at = this.ctx.now();
      await this.committer.apply({
        conversationId,
        dropPending: [userId],
        events: [groupEvent(userId, conversationId, 'invite_declined', userId, userId, at)],
        expect: { pending: { [userId]: 'invite' } },
        at,
      });
    });
  }

  /** Withdraws an invite: owners and admins, or whoever sent it. */
  cancelInvite(actorId: string, conversationId: string, targetId: string): Promise<void> {
    return this.committer.serialized(conversationId, async () => {
      const pending = await this.ctx.store.getPending(conversationId, targetId);
      const { member } = await this.access.requireGroupRole(actorId, conversationId, pending?.actorId === actorId ? 'participate' : 'moderate');
      if (pending?.kind !== 'invite') throw notFound('invite');
      const at = this.ctx.now();
      await this.committer.apply({
        conversationId,
        dropPending: [targetId],
        events: [groupEvent(targetId, conversationId, 'invite_cancelled', actorId, targetId, at)],
        expect: { roles: { [actorId]: member.role }, pending: { [targetId]: 'invite' } },
        at,
      });
    });
  }

  /**
   * Asks to join a group whose join mode is `request`, with a memo for its owner and admins. One
   * holding an invite joins at once. Any other group (and a missing one) reads as not found.
   */
  requestToJoin(userId: string, conversationId: string, memo: string | undefined): Promise<JoinRequestResponse> {
    return this.committer.serialized(conversationId, async () => {
      const group = await this.access.readGroup(conversationId);
      if (!group) throw notFound('group');
      if (await this.ctx.store.getMember(conversationId, userId)) throw new AppError(ErrorCode.Conflict, 'you are already a member');
      const pending = await this.ctx.store.getPending(conversationId, userId);
      if (pending?.kind === 'invite') {
        await this.join(userId, group, pending);
        return { status: 'joined' };
      }
      if (group.joinMode !== 'request') throw notFound('group');
      if (pending?.kind === 'request') return { status: 'requested' };
      const cap = this.ctx.config.limits.maxPendingJoinRequests;
      if ((await this.ctx.store.countPending(conversationId, 'request')) >= cap) {
        throw new AppError(ErrorCode.Conflict, `this group has ${cap} join requests waiting, the most allowed; try again later`);
      }
      const at = this.ctx.now();
      const admins = await this.ctx.store.listAdminIds(conversationId);
      const details = { ...(memo ? { memo } : {}), group: groupBrief(group, null) };
      await this.committer.apply({
        conversationId,
        putPending: [pendingEntry(conversationId, userId, 'request', userId, memo ?? null, at)],
        events: [userId, ...admins].map((owner) => groupEvent(owner, conversationId, 'requested', userId, userId, at, details)),
        expect: { roles: { [userId]: null }, pending: { [userId]: null } },
        at,
      });
      return { status: 'requested' };
    });
  }

  /** The requester withdraws their request. */
  cancelRequest(userId: string, conversationId: string): Promise<void> {
    return this.answerRequest(userId, conversationId, userId, 'request_cancelled');
  }

  /** Approves a join request: owners and admins. */
  approve(actorId: string, conversationId: string, targetId: string): Promise<void> {
    return this.committer.serialized(conversationId, async () => {
      const { group, member } = await this.access.requireGroupRole(actorId, conversationId, 'moderate');
      const pending = await this.ctx.store.getPending(conversationId, targetId);
      if (pending?.kind !== 'request') throw notFound('join request');
      const admins = await this.ctx.store.listAdminIds(conversationId);
      await this.join(targetId, group, pending, { actorId, actorRole: member.role, admins });
    });
  }

  /** Declines a join request: owners and admins. */
  decline(actorId: string, conversationId: string, targetId: string): Promise<void> {
    return this.answerRequest(actorId, conversationId, targetId, 'request_declined');
  }

  /** Pending join requests (owners and admins), oldest first. */
  async requests(actorId: string, conversationId: string): Promise<PendingJoin[]> {
    await this.access.requireGroupRole(actorId, conversationId, 'moderate');
    return this.withUsers(await this.ctx.store.listPending(conversationId, 'request', this.ctx.config.limits.maxPendingJoinRequests));
  }

  /** Pending invites (owners and admins), oldest first. */
  async invitesOf(actorId: string, conversationId: string): Promise<PendingJoin[]> {
    await this.access.requireGroupRole(actorId, conversationId, 'moderate');
    return this.withUsers(await this.ctx.store.listPending(conversationId, 'invite', this.ctx.config.limits.maxGroupMembers));
  }

  /** The viewer's pending invites, newest first. */
  async myInvites(userId: string): Promise<MyInvitesResponse['items']> {
    const entries = await this.ctx.store.listInvitesOf(userId, MY_INVITES_LIMIT);
    const items: MyInvitesResponse['items'] = [];
    for (const e of entries) {
      const group = await this.access.readGroup(e.conversationId);
      if (group) items.push({ group: toGroupInfo(group, null), inviterId: e.actorId, at: e.createdAt });
    }
    return items;
  }

  /** Removes a member of a lower role (owners remove admins and members; admins remove members). A member removing themself leaves. */
  remove(actorId: string, conversationId: string, targetId: string): Promise<void> {
    if (actorId === targetId) return this.leave(actorId, conversationId);
    return this.committer.serialized(conversationId, async () => {
      const { member } = await this.access.requireGroupRole(actorId, conversationId, 'remove');
      const target = await this.ctx.store.getMember(conversationId, targetId);
      if (!target) throw notFound('member');
      if (!outranks(member.role, target.role)) {
        throw new AppError(ErrorCode.Forbidden, target.role === 'owner' ? 'the owner cannot be removed' : 'only the owner may remove an admin');
      }
      const at = this.ctx.now();
      await this.committer.apply(
        {
          conversationId,
          remove: [targetId],
          message: systemMessage(conversationId, actorId, { action: 'removed', targetIds: [targetId] }, at),
          events: [groupEvent(targetId, conversationId, 'removed', actorId, targetId, at)],
          expect: { roles: { [actorId]: member.role, [targetId]: target.role } },
          at,
        },
        { left: [targetId] },
      );
    });
  }

  /** Leaves the group; the owner must transfer ownership first. */
  leave(userId: string, conversationId: string): Promise<void> {
    return this.committer.serialized(conversationId, async () => {
      const { member } = await this.access.requireGroupRole(userId, conversationId, 'leave');
      const at = this.ctx.now();
      await this.committer.apply(
        {
          conversationId,
          remove: [userId],
          message: systemMessage(conversationId, userId, { action: 'left' }, at),
          events: [groupEvent(userId, conversationId, 'left', userId, userId, at)],
          expect: { roles: { [userId]: member.role } },
          at,
        },
        { left: [userId] },
      );
    });
  }

  /**
   * Sorts named users for a create or add by `actorId`: mutual friends are added, anyone else who
   * exists and is not blocked either way is invited, the rest refused (a user who blocks the actor
   * reads exactly like one who does not exist).
   */
  async sortInvitees(actorId: string, userIds: readonly string[], skip: ReadonlySet<string>): Promise<SortedInvitees> {
    const sorted: SortedInvitees = { added: [], invited: [], refused: [] };
    const existing = new Set((await this.ctx.store.getUsers(userIds)).map((u) => u.id));
    for (const userId of userIds) {
      if (skip.has(userId)) continue;
      const { store } = this.ctx;
      if (!existing.has(userId) || (await store.isBlocked(userId, actorId)) || (await store.isBlocked(actorId, userId))) {
        sorted.refused.push(userId);
        continue;
      }
      const [mine, theirs] = await Promise.all([store.getFriendship(actorId, userId), store.getFriendship(userId, actorId)]);
      if (mine?.status === 'friends' && theirs?.status === 'friends') sorted.added.push(userId);
      else sorted.invited.push(userId);
    }
    return sorted;
  }

  /** Spends `count` of the actor's hourly invites, all or none; refuses past the limit. */
  spendInvites(actorId: string, count: number): void {
    if (count === 0) return;
    const wait = this.invites.take(actorId, count);
    if (wait === 0) return;
    const perHour = this.ctx.config.limits.groupInvitesPerHour;
    if (!Number.isFinite(wait)) throw new AppError(ErrorCode.RateLimited, `at most ${perHour} invites per hour`);
    throw new AppError(ErrorCode.RateLimited, `at most ${perHour} invites per hour; try again later`, wait);
  }

  /**
   * Makes `userId` a member by their pending entry: an accepted invite (they are the actor) or an
   * approved request (`approval` names the approver).
   */
  private async join(userId: string, group: GroupRecord, pending: PendingRecord, approval?: { actorId: string; actorRole: string; admins: readonly string[] }): Promise<void> {
    const conversationId = group.id;
    const at = this.ctx.now();
    const actorId = approval?.actorId ?? userId;
    const brief = groupBrief({ ...group, memberCount: group.memberCount + 1 }, 'member');
    const events = [groupEvent(userId, conversationId, 'joined', actorId, userId, at, { role: 'member', group: brief })];
    if (approval) events.push(...approval.admins.map((a) => groupEvent(a, conversationId, 'request_approved', actorId, userId, at)));
    await this.committer.apply(
      {
        conversationId,
        add: [{ userId, role: 'member' }],
        dropPending: [userId],
        message: approval
          ? systemMessage(conversationId, actorId, { action: 'approved', targetIds: [userId] }, at)
          : systemMessage(conversationId, userId, { action: 'joined' }, at),
        events,
        maxMembers: this.ctx.config.limits.maxGroupMembers,
        expect: { roles: { [userId]: null, ...(approval ? { [approval.actorId]: approval.actorRole as 'owner' | 'admin' } : {}) }, pending: { [userId]: pending.kind } },
        at,
      },
      { joined: [userId] },
    );
  }

  /** Drops a join request: withdrawn by the requester, or declined by an owner or admin. */
  private answerRequest(actorId: string, conversationId: string, targetId: string, change: 'request_cancelled' | 'request_declined'): Promise<void> {
    return this.committer.serialized(conversationId, async () => {
      let actorRole: 'owner' | 'admin' | 'member' | null = null;
      if (change === 'request_declined') actorRole = (await this.access.requireGroupRole(actorId, conversationId, 'moderate')).member.role;
      else await this.access.requireGroupRelation(actorId, conversationId);
      const pending = await this.ctx.store.getPending(conversationId, targetId);
      if (pending?.kind !== 'request') throw notFound('join request');
      const at = this.ctx.now();
      const admins = await this.ctx.store.listAdminIds(conversationId);
      await this.committer.apply({
        conversationId,
        dropPending: [targetId],
        events: [targetId, ...admins].map((owner) => groupEvent(owner, conversationId, change, actorId, targetId, at)),
        expect: { ...(actorRole ? { roles: { [actorId]: actorRole } } : {}), pending: { [targetId]: 'request' } },
        at,
      });
    });
  }

  private async withUsers(entries: PendingRecord[]): Promise<PendingJoin[]> {
    return toPendingJoins(entries, await this.ctx.store.getUsers(entries.map((e) => e.userId)));
  }
}

function pendingEntry(conversationId: string, userId: string, kind: PendingKind, actorId: string, memo: string | null, at: number): PendingRecord {
  return { conversationId, userId, kind, actorId, memo, createdAt: at };
}

/** `expect.roles` entries saying none of `userIds` is a member. */
function nobody(userIds: readonly string[]): Record<string, null> {
  return Object.fromEntries(userIds.map((u) => [u, null]));
}

/** `expect.pending` entries saying each of `userIds` has a pending entry of `kind` (null: none). */
function kinds(userIds: readonly string[], kind: PendingKind | null): Record<string, PendingKind | null> {
  return Object.fromEntries(userIds.map((u) => [u, kind]));
}
