import type { Route } from '../screens/navigation.js';

/** The bottom navigation's tabs, in order. */
export const TABS = ['chats', 'contacts', 'profile'] as const;
/** A tab's route name. */
export type Tab = (typeof TABS)[number];

/** The tab a route belongs to: screens opened from the chat list (threads, groups, search) belong to Chats. */
export function tabOf(route: Route): Tab {
  return (TABS as readonly string[]).includes(route.name) ? (route.name as Tab) : 'chats';
}

/** Whether the tab bar shows under a route's screen: only on the tabs themselves, not on the screens opened from them. */
export function showsTabs(route: Route): boolean {
  return tabOf(route) === route.name;
}

/**
 * The identity of a route's screen: a screen is rebuilt (its state dropped) when this changes,
 * so one conversation's thread or group info never shows another's state.
 */
export function screenKey(route: Route): string {
  return 'conversationId' in route ? `${route.name}:${route.conversationId}` : route.name;
}
