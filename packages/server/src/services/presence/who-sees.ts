import type { PresenceState } from '@quickchat/protocol';
import type { Store } from '../../store/types.js';
import type { PresenceRecord } from './presence.js';

/**
 * Why a viewer may see a user's presence: it is themselves (`self`), a mutual friend (`friend`),
 * or a co-member of the group with this conversation id (`g:…`). Kept with each subscription so
 * that a change of that relation or group re-checks exactly the subscriptions it may end.
 */
export type SeeingBasis = string;

/** The reads {@link seeingBases} needs. */
export type VisibilityReads = Pick<Store, 'listFriendships' | 'listGroupsOf'>;

/**
 * For each of `targetIds` that `viewerId` may see, why; the others (strangers, and ids of nobody)
 * are absent, and are shown as `unknown`, the same answer as for someone who hides, so it reveals
 * nothing. Reads the viewer's friends and groups once, then each non-friend's groups.
 */
export async function seeingBases(store: VisibilityReads, viewerId: string, targetIds: Iterable<string>): Promise<Map<string, SeeingBasis>> {
  const bases = new Map<string, SeeingBasis>();
  const friends = new Set((await store.listFriendships(viewerId, 'friends')).map((row) => row.peerId));
  let groups: Set<string> | null = null;
  for (const targetId of new Set(targetIds)) {
    if (targetId === viewerId) bases.set(targetId, 'self');
    else if (friends.has(targetId)) bases.set(targetId, 'friend');
    else {
      groups ??= new Set(await store.listGroupsOf(viewerId));
      if (groups.size === 0) continue;
      const shared = (await store.listGroupsOf(targetId)).find((id) => groups!.has(id));
      if (shared !== undefined) bases.set(targetId, shared);
    }
  }
  return bases;
}

/**
 * What a viewer who may see `userId` is shown: `unknown` when the user hides their presence (no
 * "last seen" either), else online, or offline with `lastSeenAt` when it is known.
 */
export function shownState(userId: string, record: PresenceRecord | undefined, visible: boolean): PresenceState {
  if (!visible || record?.visible === false) return unknownState(userId);
  if (record?.online) return { userId, status: 'online' };
  return record?.lastSeenAt === undefined ? { userId, status: 'offline' } : { userId, status: 'offline', lastSeenAt: record.lastSeenAt };
}

/** What everyone who may not see `userId`, or sees that they hide, is shown. */
export function unknownState(userId: string): PresenceState {
  return { userId, status: 'unknown' };
}
