import type { PublicUser } from '@quickchat/protocol';
import type { UserRecord } from '../store/types.js';

/** The public view of a user: never the password hash. */
export function toPublicUser(user: UserRecord): PublicUser {
  return {
    id: user.id,
    handle: user.handle,
    displayName: user.displayName,
    avatarUrl: user.avatarUrl,
    signature: user.signature,
  };
}
