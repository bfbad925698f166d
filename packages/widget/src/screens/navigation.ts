/**
 * The contract between the shell (app/shell.tsx) and the screens it routes to. It lives on the
 * screens' side so that they never import the shell: the shell imports screens, not the reverse.
 */

/**
 * Where the signed-in widget is. Tabs are top-level screens; `thread` opens from the list.
 * New screens (groups, calls) add a route here and an entry in the shell's screen table.
 */
export type Route = { name: 'chats' } | { name: 'thread'; conversationId: string } | { name: 'contacts' } | { name: 'profile' };

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
