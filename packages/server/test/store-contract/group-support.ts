import type { GroupChange as ChangeKind, GroupRole, SystemContent } from '@quickchat/protocol';
import type { GroupChange, GroupChangeResult, NewGroup, NewMessage, NewUserEvent, PendingKind, PendingRecord, Store } from '../../src/store/types.js';
import { A, B, C, G } from './support.js';

/* Group fixtures for the contract: users beyond A, B and C, builders, and a snapshot of everything a group change may write. */

export const D = 'u_dan';
export const E = 'u_eve';
export const F = 'u_fay';
/** Another group id. */
export const G2 = 'g:two';
/** A group id nobody created. */
export const NO_GROUP = 'g:none';

/** A system-notice builder with its own id counter (ids and clientMsgIds are unique per builder). */
export function notices() {
  let n = 0;
  return (conversationId: string, actorId: string, action: SystemContent['action'], at = 1000, extra: Partial<SystemContent> = {}): NewMessage => {
    n += 1;
    return {
      id: `m_sys${n}`,
      conversationId,
      senderId: actorId,
      clientMsgId: `sys${n}`,
      content: { type: 'system', action, actorId, ...extra },
      createdAt: at,
    };
  };
}

/** A `group` user event for `owner` about `subjectId`. */
export const groupEvent = (owner: string, conversationId: string, change: ChangeKind, actorId: string, subjectId: string, at = 1000): NewUserEvent => ({
  userId: owner,
  kind: 'group',
  at,
  conversationId,
  change,
  actorId,
  subjectId,
});

/** A pending entry. */
export const pending = (conversationId: string, userId: string, kind: PendingKind, actorId: string, createdAt: number, memo: string | null = null): PendingRecord => ({
  conversationId,
  userId,
  kind,
  actorId,
  memo,
  createdAt,
});

/** A group to create: `G` owned by A with B and C, hidden history, `invite` mode, created at 10 with A's `created` notice. */
export function newGroup(notice: ReturnType<typeof notices>, overrides: Partial<NewGroup> = {}): NewGroup {
  const id = overrides.id ?? G;
  const ownerId = overrides.ownerId ?? A;
  const createdAt = overrides.createdAt ?? 10;
  return {
    id,
    name: 'Team',
    avatarUrl: null,
    description: '',
    joinMode: 'invite',
    historyVisible: false,
    ownerId,
    members: [B, C],
    pending: [],
    message: notice(id, ownerId, 'created', createdAt, { changes: { name: overrides.name ?? 'Team' } }),
    events: [],
    createdAt,
    ...overrides,
  };
}

/** Creates the group and fails the test unless it was applied. */
export async function createGroup(store: Store, group: NewGroup): Promise<Extract<GroupChangeResult, { status: 'applied' }>> {
  return applied(await store.createGroup(group));
}

/** Applies the change and fails the test unless it was applied. */
export async function change(store: Store, groupChange: GroupChange): Promise<Extract<GroupChangeResult, { status: 'applied' }>> {
  return applied(await store.applyGroupChange(groupChange));
}

function applied(result: GroupChangeResult): Extract<GroupChangeResult, { status: 'applied' }> {
  if (result.status !== 'applied') throw new Error(`expected applied, got ${result.status}`);
  return result;
}

/** A change that adds `userId` (a member) with its `joined` notice from them, at `at`. */
export const join = (notice: ReturnType<typeof notices>, conversationId: string, userId: string, at: number, role: GroupRole = 'member'): GroupChange => ({
  conversationId,
  add: [{ userId, role }],
  message: notice(conversationId, userId, 'joined', at),
  at,
});

/** Everything about `ids` that a group change can write, as the store reports it, for "wrote nothing" checks. */
export async function snapshot(store: Store, ids: readonly string[], users: readonly string[] = [A, B, C, D, E, F]): Promise<unknown> {
  const groups = [];
  for (const id of ids) {
    groups.push({
      group: await store.getGroup(id),
      members: await store.listMembers(id, null, 1000),
      history: await store.getMessages(id, { limit: 1000 }),
      invites: await store.listPending(id, 'invite', 1000),
      requests: await store.listPending(id, 'request', 1000),
    });
  }
  const perUser = [];
  for (const user of users) {
    perUser.push({
      events: await store.getUserEvents(user, 0, 1000),
      conversations: await store.listConversations(user, 1000),
      invites: await store.listInvitesOf(user, 1000),
      groups: await store.listGroupsOf(user),
      owned: await store.countOwnedGroups(user),
    });
  }
  return { groups, perUser };
}
