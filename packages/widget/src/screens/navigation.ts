/**
 * The contract between the shell (app/shell.tsx) and the screens it routes to. It lives on the
 * screens' side so that they never import the shell: the shell imports screens, not the reverse.
 */

/**
 * Where the signed-in widget is. Tabs are top-level screens; `thread` opens from the list.
 * New screens (groups, calls) add a route here and an entry in the shell's screen table.
 */
export type Route =
  | { name: 'chats' }
  /** A conversation; `seq`, when given, is a message to show (a search result). */
  | { name: 'thread'; conversationId: string; seq?: number }
  | { name: 'contacts' }
  | { name: 'profile' }
  /** Creating a group: its name, avatar and the friends to add. */
  | { name: 'group-new' }
  /** A group's info: members and roles, invites, join requests, and the actions the user's role allows. */
  | { name: 'group-info'; conversationId: string }
  /** Searching the messages of every conversation. */
  | { name: 'search' };

/** A route's name. */
export type RouteName = Route['name'];

/**
 * What every routed screen gets, one convention for all: its route (with its parameters, e.g. a
 * thread's conversation id), navigation, and whether it should take focus (after a user navigated).
 */
export interface ScreenProps<N extends RouteName = RouteName> {
  route: Route & { name: N };
  go: (route: Route) => void;
  focus: boolean;
}
