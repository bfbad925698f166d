import type { Route } from '../screens/navigation.js';

/** The bottom navigation's tabs, in order. */
export const TABS = ['chats', 'contacts', 'profile'] as const;
/** A tab's route name. */
export type Tab = (typeof TABS)[number];

/** The tab a route belongs to. */
export function tabOf(route: Route): Tab {
  return route.name === 'thread' ? 'chats' : route.name;
}
