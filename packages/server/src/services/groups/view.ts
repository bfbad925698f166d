import type { GroupInfo, GroupRole, PendingJoin } from '@quickchat/protocol';
import type { GroupRecord, PendingRecord, UserRecord } from '../../store/types.js';
import { toPublicUser } from '../users.js';

/** A group as the viewer sees it (`myRole` null for an invitee or requester). */
export function toGroupInfo(group: GroupRecord, myRole: GroupRole | null): GroupInfo {
  return {
    id: group.id,
    name: group.name,
    avatarUrl: group.avatarUrl,
    description: group.description,
    joinMode: group.joinMode,
    historyVisible: group.historyVisible,
    ownerId: group.ownerId,
    memberCount: group.memberCount,
    createdAt: group.createdAt,
    myRole,
  };
}

/** Pending entries with their users' profiles (entries of users that no longer exist are left out). */
export function toPendingJoins(entries: readonly PendingRecord[], users: readonly UserRecord[]): PendingJoin[] {
  const byId = new Map(users.map((u) => [u.id, u]));
  return entries.flatMap((e) => {
    const user = byId.get(e.userId);
    return user ? [{ user: toPublicUser(user), kind: e.kind, memo: e.memo, actorId: e.actorId, at: e.createdAt }] : [];
  });
}
