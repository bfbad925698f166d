import { createStore, type PublicUser, type ReadableStore } from '@quickchat/sdk';
import type { WidgetClient, WidgetFriends } from './widget-client.js';

/**
 * Public profiles by user id, for names and avatars. Friends' profiles come from the friends
 * store; anyone else is fetched once on first need. Changes arrive as `userUpdated` (and through
 * the friends store and `user`), so a friend's new name shows without a reload.
 */
export class Profiles {
  /** Known profiles by id. */
  readonly store: ReadableStore<Readonly<Record<string, PublicUser>>>;
  private readonly state = createStore<Readonly<Record<string, PublicUser>>>({});
  private readonly requested = new Set<string>();
  private readonly stop: () => void;

  constructor(
    private readonly client: WidgetClient,
    friends: WidgetFriends,
  ) {
    this.store = this.state;
    const fromFriends = () => {
      const f = friends.store.getState();
      this.put([...f.friends, ...f.incoming, ...f.outgoing].map((e) => e.user).concat(f.blocked));
    };
    fromFriends();
    const stopFriends = friends.store.subscribe((s) => s, fromFriends);
    const stopUser = client.user.subscribe((u) => u, (u) => u && this.put([u]));
    // Someone you see changed their profile (live, or replayed by sync): `profile` user events.
    const stopUpdates = client.on('userUpdated', ({ user }) => this.put([user]));
    const me = client.user.getState();
    if (me) this.put([me]);
    this.stop = () => {
      stopFriends();
      stopUser();
      stopUpdates();
    };
  }

  /** Makes sure the profile of `userId` gets loaded. */
  want(userId: string | null): void {
    if (!userId || this.state.getState()[userId] || this.requested.has(userId)) return;
    this.requested.add(userId);
    this.client.rest.user(userId).then(
      (u) => this.put([u]),
      () => undefined, // the id stays the label; nothing else to do
    );
  }

  /** Stops following the client's stores. */
  dispose(): void {
    this.stop();
  }

  /** Records a profile known to be current (e.g. after editing your own). */
  remember(user: PublicUser): void {
    this.put([user]);
  }

  private put(users: PublicUser[]): void {
    if (users.length === 0) return;
    this.state.update((all) => {
      const changed = users.filter((u) => all[u.id] !== u);
      return changed.length ? { ...all, ...Object.fromEntries(changed.map((u) => [u.id, u])) } : all;
    });
  }
}
