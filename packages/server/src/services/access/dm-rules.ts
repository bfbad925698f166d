import type { Store } from '../../store/types.js';
import type { ResolvedConfig } from '../../config.js';

/** An uncached DM permission, and whether it may be cached. */
export interface DmAnswer {
  allowed: boolean;
  cacheable: boolean;
}

/**
 * Whether `senderId` may write to `peerId` in their DM, read from the store. False for unknown
 * users, blocks in either direction, and (policy "friends") anything short of mutual
 * friendship. Every input is a relation row, which only changes through the friends service
 * (and so is invalidated), except whether the peer exists: a bring-your-own-identity user
 * appears on first sign-in, so "no such user" is never cacheable.
 */
export async function readDmPermission(store: Store, policy: ResolvedConfig['dmPolicy'], senderId: string, peerId: string): Promise<DmAnswer> {
  if (senderId === peerId) return { allowed: false, cacheable: true };
  if ((await store.isBlocked(peerId, senderId)) || (await store.isBlocked(senderId, peerId))) return { allowed: false, cacheable: true };
  if (policy === 'anyone') {
    const exists = (await store.getUser(peerId)) !== null;
    return { allowed: exists, cacheable: exists };
  }
  const [mine, theirs] = await Promise.all([store.getFriendship(senderId, peerId), store.getFriendship(peerId, senderId)]);
  return { allowed: mine?.status === 'friends' && theirs?.status === 'friends', cacheable: true };
}
