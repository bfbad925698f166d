/**
 * Where the signed-in widget is. Tabs are top-level screens; `thread` opens from the list.
 * New screens (groups, calls) add a route here and an entry in the shell's screen table.
 */
export type Route = { name: 'chats' } | { name: 'thread'; conversationId: string } | { name: 'contacts' } | { name: 'profile' };

/** The bottom navigation's tabs, in order. */
export const TABS = ['chats', 'contacts', 'profile'] as const;
/** A tab's route name. */
export type Tab = (typeof TABS)[number];

/** The tab a route belongs to. */
export function tabOf(route: Route): Tab {
  return route.name === 'thread' ? 'chats' : route.name;
}
