import { createStore, type PublicUser, type ReadableStore } from '@quickchat/sdk';
import type { WidgetClient, WidgetFriends } from './widget-client.js';

/**
 * People who turned down a request you sent, newest first, kept until dismissed. It listens for
 * the whole signed-in session, whatever screen is open, so the word reaches Contacts even when
 * the answer came while you were elsewhere. The SDK reports it as a friendship event with status
 * `none` caused by the peer while your request to them is still listed (a block ends a request
 * the same way; the notice words it neutrally, as "didn't accept"). A new request or a
 * friendship with them clears it.
 */
export class DeclinedRequests {
  private readonly list = createStore<PublicUser[]>([]);
  /** The people, newest first. */
  readonly store: ReadableStore<PublicUser[]> = this.list;
  private readonly off: () => void;

  constructor(client: WidgetClient, friends: WidgetFriends) {
    this.off = client.on('relationChanged', ({ event }) => {
      if (event.kind !== 'friendship') return;
      const current = this.list.getState();
      const others = current.filter((u) => u.id !== event.peerId);
      if (event.status === 'none' && event.actorId === event.peerId) {
        // Relation events arrive before the SDK refetches the lists: the request is still there.
        const request = friends.store.getState().outgoing.find((e) => e.user.id === event.peerId);
        if (request) this.list.update(() => [request.user, ...others]);
      } else if (event.status !== 'none' && others.length < current.length) this.list.update(() => others);
    });
  }

  /** Forgets the notice about `userId`. */
  dismiss(userId: string): void {
    this.list.update((all) => all.filter((u) => u.id !== userId));
  }

  /** Stops listening (sign-out). */
  dispose(): void {
    this.off();
  }
}
