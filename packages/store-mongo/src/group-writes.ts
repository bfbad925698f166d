import type { ClientSession } from 'mongoose';
import type { GroupRole, Message } from '@quickchat/protocol';
import type { GroupChange, GroupChangeResult, GroupRecord, NewGroup, NewMessage, PendingKind, PendingRecord } from '@quickchat/server';
import type { Appender } from './append.js';
import { insertConversation } from './conversations.js';
import type { Ctx } from './context.js';
import type { UserEventLog } from './events.js';
import { bool, filters, int, oneOf, str, strOrNull, strs } from './filters.js';
import { KINDS, toGroup } from './group-records.js';
import type { ConversationDoc, GroupDoc, MemberDoc, PendingDoc } from './schemas.js';

const NO_GROUP: GroupChangeResult = Object.freeze({ status: 'no_group' });
const FULL: GroupChangeResult = Object.freeze({ status: 'full' });
const STALE: GroupChangeResult = Object.freeze({ status: 'stale' });
const ROLES = ['owner', 'admin', 'member'] as const;
const JOIN_MODES = ['invite', 'request', 'closed'] as const;

type Settings = NonNullable<GroupChange['settings']>;

/** A pending record as a document of group `conversationId` (the group being changed, whatever the record says). */
function toPendingDoc(p: PendingRecord, conversationId: string): PendingDoc {
  return {
    conversationId,
    userId: str(p.userId, 'pending user id'),
    kind: oneOf(p.kind, KINDS, 'pending kind'),
    actorId: str(p.actorId, 'pending actor id'),
    memo: strOrNull(p.memo, 'memo'),
    createdAt: int(p.createdAt, 'pending createdAt'),
  };
}

/** The settings of a change, checked field by field (absent fields stay absent). */
function checkSettings(settings: Settings | undefined): Settings | undefined {
  if (settings === undefined) return undefined;
  const out: Settings = {};
  if (settings.name !== undefined) out.name = str(settings.name, 'name');
  if (settings.avatarUrl !== undefined) out.avatarUrl = strOrNull(settings.avatarUrl, 'avatar url');
  if (settings.description !== undefined) out.description = str(settings.description, 'description');
  if (settings.joinMode !== undefined) out.joinMode = oneOf(settings.joinMode, JOIN_MODES, 'join mode');
  if (settings.historyVisible !== undefined) out.historyVisible = bool(settings.historyVisible, 'historyVisible');
  if (settings.ownerId !== undefined) out.ownerId = str(settings.ownerId, 'owner id');
  return out;
}

/** The group with the change's settings applied (undefined fields unchanged; a null avatar clears it). */
function withSettings(group: GroupRecord, settings: Settings | undefined): GroupRecord {
  return settings === undefined ? group : { ...group, ...settings };
}

/**
 * The write side of `MongoGroups`: {@link createGroup} and {@link applyGroupChange}, each ONE
 * transaction in which the group's notice is appended by the store's {@link Appender} (same seqs,
 * idempotency and counters as any message). Every refusal is decided before the first write. An
 * applied change writes the conversation document (as every append does), so two changes of one
 * group, or a change and an append, never interleave: the later one conflicts and runs again on
 * what the earlier one committed, and its `expect` is checked against that.
 */
export class GroupWriter {
  constructor(
    private readonly ctx: Ctx,
    private readonly appender: Appender,
    private readonly events: UserEventLog,
  ) {}

  /** See `GroupStore.createGroup`. */
  async createGroup(group: NewGroup): Promise<GroupChangeResult> {
    const id = str(group.id, 'group id');
    const ownerId = str(group.ownerId, 'owner id');
    const createdAt = int(group.createdAt, 'createdAt');
    const others = [...new Set(strs(group.members, 'members'))].filter((userId) => userId !== ownerId);
    const record: GroupRecord = {
      id,
      name: str(group.name, 'name'),
      avatarUrl: strOrNull(group.avatarUrl, 'avatar url'),
      description: str(group.description, 'description'),
      joinMode: oneOf(group.joinMode, JOIN_MODES, 'join mode'),
      historyVisible: bool(group.historyVisible, 'historyVisible'),
      ownerId,
      memberCount: 1 + others.length,
      createdAt,
      dissolvedAt: null,
    };
    const pending = group.pending.map((p) => toPendingDoc(p, id));
    const { groups, members } = this.ctx.models;
    return this.ctx.transact(async (s) => {
      // Fails on an existing id (group ids are random: a clash is a bug, not a race to absorb).
      await insertConversation(this.ctx, s, id, 'group', createdAt);
      await groups.insertMany([toGroupDoc(record)], { session: s });
      const rows = [{ userId: ownerId, role: 'owner' as const }, ...others.map((userId) => ({ userId, role: 'member' as const }))];
      await members.insertMany(rows.map(({ userId, role }) => ({ conversationId: id, userId, role, joinedAt: createdAt })), { session: s });
      // Seq 1, from the owner: counted in the owner's ownAfterRead, so it is not unread to them.
      const message = await this.appendNotice(s, id, group.message);
      for (const p of pending) await this.putPending(s, p);
      const events = await this.events.append(s, group.events);
      return { status: 'applied', group: record, message, events };
    });
  }

  /** See `GroupStore.applyGroupChange`: the change in the documented order. */
  async applyGroupChange(change: GroupChange): Promise<GroupChangeResult> {
    const id = str(change.conversationId, 'conversation id');
    const at = int(change.at, 'at');
    const settings = checkSettings(change.settings);
    const add = (change.add ?? []).map(({ userId, role }) => ({ userId: str(userId, 'user id'), role: oneOf(role, ROLES, 'role') }));
    const roles = (change.roles ?? []).map(({ userId, role }) => ({ userId: str(userId, 'user id'), role: oneOf(role, ROLES, 'role') }));
    const remove = strs(change.remove ?? [], 'remove');
    const putPending = (change.putPending ?? []).map((p) => toPendingDoc(p, id));
    const dropPending = strs(change.dropPending ?? [], 'dropPending');
    const maxMembers = change.maxMembers === undefined ? undefined : int(change.maxMembers, 'maxMembers');
    const { groups, members, pendings, conversations } = this.ctx.models;

    return this.ctx.transact(async (s): Promise<GroupChangeResult> => {
      const row = await groups.findOne(filters.group(id)).session(s).lean<GroupDoc>();
      if (!row || row.dissolvedAt !== null) return NO_GROUP;
      if (!(await this.expectHolds(s, id, change.expect))) return STALE;
      const joiners = await this.joiners(s, id, add);
      let memberCount = row.memberCount;
      if (maxMembers !== undefined && memberCount + joiners.length > maxMembers) return FULL;

      await conversations.updateOne(filters.conversation(id), { $inc: { appends: 1 } }, { session: s });
      const group = withSettings(toGroup(row), settings);
      if (settings !== undefined && Object.keys(settings).length > 0) await groups.updateOne(filters.group(id), { $set: settings }, { session: s });
      if (joiners.length > 0) await members.insertMany(joiners.map(({ userId, role }) => ({ conversationId: id, userId, role, joinedAt: at })), { session: s });
      memberCount += joiners.length;
      for (const { userId, role } of roles) await members.updateOne(filters.member(id, userId), { $set: { role } }, { session: s });
      const message = change.message === undefined ? null : await this.appendNotice(s, id, change.message);
      if (joiners.length > 0) await this.placeJoiners(s, id, joiners, group.historyVisible, message);
      for (const userId of remove) memberCount -= (await members.deleteOne(filters.member(id, userId), { session: s })).deletedCount;
      if (memberCount !== row.memberCount) await groups.updateOne(filters.group(id), { $set: { memberCount } }, { session: s });
      for (const p of putPending) await this.putPending(s, p);
      for (const userId of dropPending) await pendings.deleteOne(filters.pending(id, userId), { session: s });
      const events = await this.events.append(s, change.events ?? []);
      const after: GroupRecord = { ...group, memberCount };
      if (change.dissolve === true) {
        await members.deleteMany({ conversationId: id }, { session: s });
        await pendings.deleteMany({ conversationId: id }, { session: s });
        await groups.updateOne(filters.group(id), { $set: { dissolvedAt: at, memberCount: 0 } }, { session: s });
        after.dissolvedAt = at;
      }
      return { status: 'applied', group: after, message, events };
    });
  }

  /** Creates or replaces the pending entry of its (group, user). */
  private async putPending(s: ClientSession, p: PendingDoc): Promise<void> {
    const { kind, actorId, memo, createdAt } = p;
    await this.ctx.models.pendings.updateOne(filters.pending(p.conversationId, p.userId), { $set: { kind, actorId, memo, createdAt } }, { upsert: true, session: s });
  }

  /**
   * Sets each joiner's floor (0 when the history is visible, else just below the change's notice,
   * or the last seq without one), both cursors at it, and ownAfterRead to their own entries after
   * it, so unread counts only others' messages.
   */
  private async placeJoiners(s: ClientSession, id: string, joiners: readonly { userId: string }[], historyVisible: boolean, message: Message | null): Promise<void> {
    const { conversations, members, messages } = this.ctx.models;
    let floor = 0;
    if (!historyVisible) {
      floor = message !== null ? message.seq - 1 : ((await conversations.findOne(filters.conversation(id), { lastSeq: 1 }).session(s).lean<Pick<ConversationDoc, 'lastSeq'>>())?.lastSeq ?? 0);
    }
    for (const { userId } of joiners) {
      // Above a hidden history's floor lies only this change's notice, if any.
      const own = historyVisible ? await messages.countDocuments({ conversationId: id, senderId: userId }).session(s) : message?.senderId === userId ? 1 : 0;
      await members.updateOne(filters.member(id, userId), { $set: { floor, delivered: floor, read: floor, ownAfterRead: own } }, { session: s });
    }
  }

  /** Whether every expected role and pending kind holds now (null: not a member / none pending). */
  private async expectHolds(s: ClientSession, id: string, expect: GroupChange['expect']): Promise<boolean> {
    const { members, pendings } = this.ctx.models;
    for (const [userId, role] of Object.entries(expect?.roles ?? {})) {
      const wanted: GroupRole | null = role === null ? null : oneOf(role, ROLES, 'expected role');
      const doc = await members.findOne(filters.member(id, userId), { _id: 0, role: 1 }).session(s).lean<Pick<MemberDoc, 'role'>>();
      if ((doc ? doc.role : null) !== wanted) return false;
    }
    for (const [userId, kind] of Object.entries(expect?.pending ?? {})) {
      const wanted: PendingKind | null = kind === null ? null : oneOf(kind, KINDS, 'expected pending kind');
      const doc = await pendings.findOne(filters.pending(id, userId), { _id: 0, kind: 1 }).session(s).lean<Pick<PendingDoc, 'kind'>>();
      if ((doc?.kind ?? null) !== wanted) return false;
    }
    return true;
  }

  /** The additions that are not members yet, first mention of each user only. */
  private async joiners(s: ClientSession, id: string, add: readonly { userId: string; role: GroupRole }[]): Promise<{ userId: string; role: GroupRole }[]> {
    const seen = new Set<string>();
    const out: { userId: string; role: GroupRole }[] = [];
    for (const entry of add) {
      if (seen.has(entry.userId)) continue;
      seen.add(entry.userId);
      if ((await this.ctx.models.members.exists(filters.member(id, entry.userId)).session(s)) === null) out.push(entry);
    }
    return out;
  }

  /**
   * Appends the change's notice to group `id`. It must be storable: a refusal (the sender is not
   * a member, a repeated clientMsgId) is the caller's bug, so it throws and nothing is written.
   */
  private async appendNotice(s: ClientSession, id: string, notice: NewMessage): Promise<Message> {
    if (notice.conversationId !== id) throw new Error(`group notice for ${String(notice.conversationId)} in a change of ${id}`);
    const [result] = await this.appender.append(s, [notice]);
    if (result?.status !== 'stored') throw new Error(`group notice in ${id} was not stored: ${result?.status ?? 'no result'}`);
    return result.message;
  }
}

/** A group record as its document. */
function toGroupDoc(g: GroupRecord): GroupDoc {
  const { id, ...rest } = g;
  return { _id: id, ...rest };
}
