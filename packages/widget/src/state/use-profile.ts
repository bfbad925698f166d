import { useEffect } from 'preact/hooks';
import type { PublicUser } from '@quickchat/sdk';
import { useChat } from './context.js';
import { useStore } from './use-store.js';

/** The profile of `userId` (loaded on first need), or undefined until known. */
export function useProfile(userId: string | null): PublicUser | undefined {
  const { profiles } = useChat();
  useEffect(() => profiles.want(userId), [profiles, userId]);
  return useStore(profiles.store, (all) => (userId ? all[userId] : undefined), [userId]);
}

/** A person's display name; their id until the profile is known. */
export function useDisplayName(userId: string | null): string {
  return useProfile(userId)?.displayName ?? userId ?? '';
}
