import { randomBytes } from 'node:crypto';
import { ErrorCode, PROTOCOL_LIMITS, type CreateGroupResponse, type GroupInfo, type GroupMembersResponse, type SystemContent } from '@quickchat/protocol';
import type { z } from 'zod';
import type { schemas } from '@quickchat/protocol/validate';
import { AppError, notFound } from '../../errors.js';
import type { GroupSettings, NewUserEvent } from '../../store/types.js';
import type { ConversationAccess } from '../access/access.js';
import type { ServiceContext } from '../context.js';
import { toPublicUser } from '../users.js';
import type { GroupCommitter } from './commit.js';
import type { MembershipService } from './membership.js';
import { groupBrief, groupEvent, systemMessage } from './notices.js';
import { toGroupInfo } from './view.js';

type CreateBody = z.output<typeof schemas.createGroupBody>;
type EditBody = z.output<typeof schemas.editGroupBody>;

/**
 * A group's life: creation, settings, roles, ownership, dissolution, and reading its info and
 * members. Every check of the actor's role goes through the conversation-access seam; who joins
 * and leaves is `MembershipService`'s.
 */
export class GroupService {
  constructor(
    private readonly ctx: ServiceContext,
    private readonly access: ConversationAccess,
    private readonly committer: GroupCommitter,
    private readonly membership: MembershipService,
  ) {}

  /**
   * Creates a group owned by `ownerId`. Named users who are the owner's friends become members;
   * anyone else is invited (each invite counts against the owner's hourly invites).
   */
  async create(ownerId: string, body: CreateBody): Promise<CreateGroupResponse> {
    const { limits } = this.ctx.config;
    if ((await this.ctx.store.countOwnedGroups(ownerId)) >= limits.maxOwnedGroups) {
      throw new AppError(ErrorCode.Conflict, `you already own ${limits.maxOwnedGroups} groups, the most allowed`);
    }
    const named = (body.members ?? []).filter((id) => id !== ownerId);
    const sorted = await this.membership.sortInvitees(ownerId, named, new Set());
    if (1 + sorted.added.length > limits.maxGroupMembers) throw new AppError(ErrorCode.Conflict, `a group holds at most ${limits.maxGroupMembers} members`);
    this.membership.spendInvites(ownerId, sorted.invited.length);
    const at = this.ctx.now();
    const id = `g:${randomBytes(12).toString('base64url')}`;
    const settings: GroupSettings = {
      name: body.name,
      avatarUrl: body.avatarUrl ?? null,
      description: body.description ?? '',
      joinMode: body.joinMode ?? 'invite',
      historyVisible: body.historyVisible ?? false,
    };
    const memberCount = 1 + sorted.added.length;
    const brief = (role: 'owner' | 'member' | null) => ({ name: settings.name, avatarUrl: settings.avatarUrl, memberCount, role });
    const events: NewUserEvent[] = [
      groupEvent(ownerId, id, 'joined', ownerId, ownerId, at, { role: 'owner', group: brief('owner') }),
      ...sorted.added.map((u) => groupEvent(u, id, 'joined', ownerId, u, at, { role: 'member', group: brief('member') })),
      ...sorted.invited.map((u) => groupEvent(u, id, 'invited', ownerId, u, at, { group: brief(null) })),
    ];
    const content: Omit<SystemContent, 'type' | 'actorId'> = { action: 'created', changes: { name: settings.name }, ...(sorted.added.length ? { targetIds: sorted.added } : {}) };
    const group = await this.committer.create(
      {
        ...settings,
        id,
        ownerId,
        members: sorted.added,
        pending: sorted.invited.map((u) => ({ conversationId: id, userId: u, kind: 'invite' as const, actorId: ownerId, memo: null, createdAt: at })),
        message: systemMessage(id, ownerId, content, at),
        events,
        createdAt: at,
      },
      { joined: [ownerId, ...sorted.added] },
    );
    return { group: toGroupInfo(group, 'owner'), outcome: { added: sorted.added, invited: sorted.invited, skipped: [], refused: sorted.refused } };
  }

  /** The group as `userId` sees it: members, invitees and requesters; "not found" for anyone else. */
  async info(userId: string, conversationId: string): Promise<GroupInfo> {
    const { group, member } = await this.access.requireGroupRelation(userId, conversationId);
    return toGroupInfo(group, member?.role ?? null);
  }

  /** A page of members, ordered by user id, with their profiles. */
  async members(userId: string, conversationId: string, after: string | undefined, limit: number | undefined): Promise<GroupMembersResponse> {
    await this.access.requireGroupRole(userId, conversationId, 'participate');
    const size = Math.min(limit ?? PROTOCOL_LIMITS.maxMembersPageSize, PROTOCOL_LIMITS.maxMembersPageSize);
    const rows = await this.ctx.store.listMembers(conversationId, after ?? null, size + 1);
    const page = rows.slice(0, size);
    const users = new Map((await this.ctx.store.getUsers(page.map((m) => m.userId))).map((u) => [u.id, u]));
    const items = page.flatMap((m) => {
      const user = users.get(m.userId);
      return user ? [{ user: toPublicUser(user), role: m.role, joinedAt: m.joinedAt }] : [];
    });
    return { items, next: rows.length > size ? page.at(-1)!.userId : null };
  }

  /** Changes settings: admins and the owner; `historyVisible` only the owner. Unchanged fields are not announced. */
  edit(userId: string, conversationId: string, patch: EditBody): Promise<GroupInfo> {
    return this.committer.serialized(conversationId, async () => {
      const { group, member } = await this.access.requireGroupRole(userId, conversationId, 'edit');
      if (patch.historyVisible !== undefined && patch.historyVisible !== group.historyVisible) {
        await this.access.requireGroupRole(userId, conversationId, 'editHistoryVisibility');
      }
      const changes: Partial<GroupSettings> = {};
      for (const key of ['name', 'avatarUrl', 'description', 'joinMode', 'historyVisible'] as const) {
        const value = patch[key];
        if (value !== undefined && value !== group[key]) (changes as Record<string, unknown>)[key] = value;
      }
      if (Object.keys(changes).length === 0) return toGroupInfo(group, member.role);
      const at = this.ctx.now();
      const updated = await this.committer.apply({
        conversationId,
        settings: changes,
        message: systemMessage(conversationId, userId, { action: 'edited', changes }, at),
        expect: { roles: { [userId]: member.role } },
        at,
      });
      return toGroupInfo(updated, member.role);
    });
  }

  /** Makes a member an admin or an admin a member: the owner only. */
  setRole(userId: string, conversationId: string, targetId: string, role: 'admin' | 'member'): Promise<void> {
    return this.committer.serialized(conversationId, async () => {
      await this.access.requireGroupRole(userId, conversationId, 'setRole');
      const target = await this.ctx.store.getMember(conversationId, targetId);
      if (!target) throw notFound('member');
      if (target.role === 'owner') throw new AppError(ErrorCode.Conflict, 'the owner keeps their role; transfer ownership instead');
      if (target.role === role) return;
      const at = this.ctx.now();
      await this.committer.apply({
        conversationId,
        roles: [{ userId: targetId, role }],
        message: systemMessage(conversationId, userId, { action: 'role_changed', targetIds: [targetId], role }, at),
        events: [groupEvent(targetId, conversationId, 'role', userId, targetId, at, { role })],
        expect: { roles: { [userId]: 'owner', [targetId]: target.role } },
        at,
      });
    });
  }

  /** Hands ownership to a member; the old owner becomes an admin. */
  transfer(userId: string, conversationId: string, targetId: string): Promise<void> {
    return this.committer.serialized(conversationId, async () => {
      await this.access.requireGroupRole(userId, conversationId, 'transfer');
      if (targetId === userId) throw new AppError(ErrorCode.Conflict, 'you already own this group');
      const target = await this.ctx.store.getMember(conversationId, targetId);
      if (!target) throw notFound('member');
      const { maxOwnedGroups } = this.ctx.config.limits;
      if ((await this.ctx.store.countOwnedGroups(targetId)) >= maxOwnedGroups) {
        throw new AppError(ErrorCode.Conflict, `that member already owns ${maxOwnedGroups} groups, the most allowed`);
      }
      const at = this.ctx.now();
      await this.committer.apply({
        conversationId,
        settings: { ownerId: targetId },
        roles: [
          { userId: targetId, role: 'owner' },
          { userId, role: 'admin' },
        ],
        message: systemMessage(conversationId, userId, { action: 'owner_changed', targetIds: [targetId] }, at),
        events: [groupEvent(targetId, conversationId, 'role', userId, targetId, at, { role: 'owner' }), groupEvent(userId, conversationId, 'role', userId, userId, at, { role: 'admin' })],
        expect: { roles: { [userId]: 'owner', [targetId]: target.role } },
        at,
      });
    });
  }

  /**
   * Ends the group for everyone: a last `dissolved` notice, then every member and pending entry
   * goes; members, invitees and requesters are told. The group then reads as not found.
   */
  dissolve(userId: string, conversationId: string): Promise<void> {
    return this.committer.serialized(conversationId, async () => {
      const { group } = await this.access.requireGroupRole(userId, conversationId, 'dissolve');
      const members = await this.ctx.store.listMemberIds(conversationId);
      const invites = await this.ctx.store.listPending(conversationId, 'invite', Number.MAX_SAFE_INTEGER);
      const requests = await this.ctx.store.listPending(conversationId, 'request', Number.MAX_SAFE_INTEGER);
      const at = this.ctx.now();
      const brief = groupBrief(group, null);
      await this.committer.apply(
        {
          conversationId,
          message: systemMessage(conversationId, userId, { action: 'dissolved' }, at),
          dissolve: true,
          events: [
            ...members.map((m) => groupEvent(m, conversationId, 'dissolved', userId, m, at, { group: brief })),
            ...invites.map((p) => groupEvent(p.userId, conversationId, 'invite_cancelled', userId, p.userId, at)),
            ...requests.map((p) => groupEvent(p.userId, conversationId, 'request_declined', userId, p.userId, at)),
          ],
          expect: { roles: { [userId]: 'owner' } },
          at,
        },
        { left: members },
      );
    });
  }
}
