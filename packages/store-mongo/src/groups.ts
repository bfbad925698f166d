import type { GroupChange, GroupChangeResult, GroupMemberRecord, GroupRecord, GroupStore, NewGroup, PendingKind, PendingRecord } from '@quickchat/server';
import type { GroupRole } from '@quickchat/protocol';
import type { Ctx } from './context.js';
import { after, filters, inStrings, int, ne, oneOf, str } from './filters.js';
import { KINDS, toGroup } from './group-records.js';
import type { GroupWriter } from './group-writes.js';
import type { GroupDoc, MemberDoc, PendingDoc } from './schemas.js';

const toMember = (d: MemberDoc): GroupMemberRecord => ({ conversationId: d.conversationId, userId: d.userId, role: d.role as GroupRole, floor: d.floor, joinedAt: d.joinedAt });
const toPending = (d: PendingDoc): PendingRecord => ({ conversationId: d.conversationId, userId: d.userId, kind: d.kind, actorId: d.actorId, memo: d.memo, createdAt: d.createdAt });

/** Group members have a role; a DM's members have none. */
const HAS_ROLE = ['owner', 'admin', 'member'] as const;

/**
 * {@link GroupStore} on MongoDB: reads here, changes in {@link GroupWriter} (one transaction each).
 * A dissolved group has no members and no pending entries left, so member and pending reads need
 * no check of the group document, except `getMember`, which guards it as the SQLite store does.
 */
export class MongoGroups implements GroupStore {
  constructor(
    private readonly ctx: Ctx,
    private readonly writer: GroupWriter,
  ) {}

  async getGroup(conversationId: string): Promise<GroupRecord | null> {
    const doc = await this.ctx.models.groups.findOne(filters.group(conversationId)).lean<GroupDoc>();
    return doc ? toGroup(doc) : null;
  }

  async getMember(conversationId: string, userId: string): Promise<GroupMemberRecord | null> {
    const filter = filters.member(conversationId, userId);
    const doc = await this.ctx.models.members.findOne({ ...filter, role: inStrings(HAS_ROLE) }).lean<MemberDoc>();
    if (!doc) return null;
    const live = await this.ctx.models.groups.exists({ _id: filter.conversationId, dissolvedAt: null });
    return live ? toMember(doc) : null;
  }

  async listMembers(conversationId: string, afterUserId: string | null, limit: number): Promise<GroupMemberRecord[]> {
    const max = int(limit, 'limit');
    if (max <= 0) return [];
    const filter = { conversationId: str(conversationId, 'conversation id'), ...(afterUserId === null ? {} : { userId: after(str(afterUserId, 'after user id')) }), role: inStrings(HAS_ROLE) };
    const docs = await this.ctx.models.members.find(filter).sort({ userId: 1 }).limit(max).lean<MemberDoc[]>();
    return docs.map(toMember);
  }

  async listMemberIds(conversationId: string): Promise<string[]> {
    const docs = await this.ctx.models.members.find({ conversationId: str(conversationId, 'conversation id') }, { _id: 0, userId: 1 }).sort({ userId: 1 }).lean<Pick<MemberDoc, 'userId'>[]>();
    return docs.map((d) => d.userId);
  }

  async listAdminIds(conversationId: string): Promise<string[]> {
    const filter = { conversationId: str(conversationId, 'conversation id'), role: inStrings(['owner', 'admin']) };
    const docs = await this.ctx.models.members.find(filter, { _id: 0, userId: 1 }).sort({ userId: 1 }).lean<Pick<MemberDoc, 'userId'>[]>();
    return docs.map((d) => d.userId);
  }

  async listGroupsOf(userId: string): Promise<string[]> {
    // A user's memberships with a role are their groups; dissolved groups have no members left.
    const docs = await this.ctx.models.members
      .find({ userId: str(userId, 'user id'), role: inStrings(HAS_ROLE) }, { _id: 0, conversationId: 1 })
      .sort({ conversationId: 1 })
      .lean<Pick<MemberDoc, 'conversationId'>[]>();
    const ids = docs.map((d) => d.conversationId);
    if (ids.length === 0) return [];
    const live = new Set((await this.ctx.models.groups.find({ _id: inStrings(ids), dissolvedAt: null }, { _id: 1 }).lean<Pick<GroupDoc, '_id'>[]>()).map((g) => g._id));
    return ids.filter((id) => live.has(id));
  }

  async countOwnedGroups(userId: string): Promise<number> {
    return this.ctx.models.groups.countDocuments({ ownerId: str(userId, 'user id'), dissolvedAt: null });
  }

  async getPending(conversationId: string, userId: string): Promise<PendingRecord | null> {
    const doc = await this.ctx.models.pendings.findOne(filters.pending(conversationId, userId)).lean<PendingDoc>();
    return doc ? toPending(doc) : null;
  }

  async listPending(conversationId: string, kind: PendingKind, limit: number): Promise<PendingRecord[]> {
    const max = int(limit, 'limit');
    if (max <= 0) return [];
    const filter = { conversationId: str(conversationId, 'conversation id'), kind: oneOf(kind, KINDS, 'kind') };
    const docs = await this.ctx.models.pendings.find(filter).sort({ createdAt: 1, userId: 1 }).limit(max).lean<PendingDoc[]>();
    return docs.map(toPending);
  }

  async countPending(conversationId: string, kind: PendingKind): Promise<number> {
    return this.ctx.models.pendings.countDocuments({ conversationId: str(conversationId, 'conversation id'), kind: oneOf(kind, KINDS, 'kind') });
  }

  async listInvitesOf(userId: string, limit: number): Promise<PendingRecord[]> {
    const max = int(limit, 'limit');
    if (max <= 0) return [];
    const docs = await this.ctx.models.pendings
      .find({ userId: str(userId, 'user id'), kind: 'invite' })
      .sort({ createdAt: -1, conversationId: -1 })
      .limit(max)
      .lean<PendingDoc[]>();
    return docs.map(toPending);
  }

  async countReadBy(conversationId: string, seq: number, exceptUserId: string): Promise<{ read: number; delivered: number; of: number }> {
    const filter = { conversationId: str(conversationId, 'conversation id'), userId: ne(str(exceptUserId, 'user id')) };
    const at = int(seq, 'seq');
    const docs = await this.ctx.models.members.find(filter, { _id: 0, read: 1, delivered: 1 }).lean<Pick<MemberDoc, 'read' | 'delivered'>[]>();
    return { read: docs.filter((d) => d.read >= at).length, delivered: docs.filter((d) => d.delivered >= at).length, of: docs.length };
  }

  async createGroup(group: NewGroup): Promise<GroupChangeResult> {
    return this.writer.createGroup(group);
  }

  async applyGroupChange(change: GroupChange): Promise<GroupChangeResult> {
    return this.writer.applyGroupChange(change);
  }
}
