import { createContext } from 'preact';
import type { PresenceManager } from '@quickchat/sdk/presence';

/** What presence dots need of the client's `presenceOf(client)`: its states, and watching users it doesn't push. */
export type WidgetPresence = Pick<PresenceManager, 'states' | 'watch'>;

/**
 * The signed-in client's presence manager, provided where the chat is signed in (null: no
 * presence, and no dots). Created right after the client (the SDK pushes states after `ready`
 * only to a manager that already exists).
 */
export const PresenceContext = createContext<WidgetPresence | null>(null);
