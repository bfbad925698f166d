import type { FriendEntry, FriendshipStatus, UserEvent } from '@quickchat/protocol';
import type { RestClient } from '../api/rest.js';
import { createStore, type ReadableStore, type WritableStore } from '../stores/store.js';
import type { FriendsState } from '../stores/state.js';

/**
 * Friends, requests and blocks: REST actions, plus a store kept current by user events.
 * Relation events carry only ids, so they refetch the lists (they are small), once per burst;
 * `profile` events carry the new profile and patch the entries in place, without a request
 * (a user with thousands of friends renaming must not make thousands of clients refetch).
 */
export class Friends {
  /** Friends, incoming and outgoing requests, and blocks. */
  readonly store: ReadableStore<FriendsState>;
  private readonly state: WritableStore<FriendsState>;
  private refreshing: Promise<void> | null = null;
  private again = false;

  constructor(
    private readonly rest: RestClient,
    private readonly onError: (err: unknown) => void,
  ) {
    this.state = createStore<FriendsState>({ friends: [], incoming: [], outgoing: [], blocked: [], loaded: false });
    this.store = this.state;
  }

  /** Sends a request (or accepts theirs); the store updates when the server confirms. */
  async request(userId: string, memo?: string): Promise<FriendshipStatus> {
    return this.after(await this.rest.requestFriend(userId, memo));
  }
  /** Accepts the request from `userId`. */
  async accept(userId: string): Promise<FriendshipStatus> {
    return this.after(await this.rest.acceptFriend(userId));
  }
  /** Declines the request from `userId`. */
  async decline(userId: string): Promise<void> {
    return this.after(await this.rest.declineFriend(userId));
  }
  /** Cancels your request to `userId`. */
  async cancel(userId: string): Promise<void> {
    return this.after(await this.rest.cancelFriendRequest(userId));
  }
  /** Removes a friend (one-way). */
  async remove(userId: string): Promise<void> {
    return this.after(await this.rest.removeFriend(userId));
  }
  /** Blocks a user. */
  async block(userId: string): Promise<void> {
    return this.after(await this.rest.block(userId));
  }
  /** Unblocks a user. */
  async unblock(userId: string): Promise<void> {
    return this.after(await this.rest.unblock(userId));
  }

  /** Applies user events from the socket or sync (`group` events are not about friends: ignored). */
  onEvents(events: readonly UserEvent[], limited: boolean): void {
    // A refetch in flight may have read the profile before the change: fetch once more.
    let refetch: unknown = limited || !this.state.getState().loaded || this.refreshing;
    for (const e of events) {
      if (e.kind == 'friendship' || e.kind == 'block') refetch = 1;
      else if (e.kind == 'profile') {
        const swap = (list: FriendEntry[]) => list.map((f) => (f.user.id == e.user.id ? { ...f, user: e.user } : f));
        this.state.update((s) => ({ ...s, friends: swap(s.friends), incoming: swap(s.incoming), outgoing: swap(s.outgoing) }));
      }
    }
    if (refetch) void this.refresh();
  }

  /** Refetches all lists; concurrent calls coalesce into at most one more fetch. */
  refresh(): Promise<void> {
    if (this.refreshing) {
      this.again = true;
      return this.refreshing;
    }
    this.refreshing = (async () => {
      do {
        this.again = false;
        const [friends, incoming, outgoing, blocked] = await Promise.all([this.rest.friends(), this.rest.incomingRequests(), this.rest.outgoingRequests(), this.rest.blocked()]);
        this.state.update(() => ({ friends, incoming, outgoing, blocked, loaded: true }));
      } while (this.again);
    })()
      .catch((err: unknown) => this.onError(err))
      .finally(() => (this.refreshing = null));
    return this.refreshing;
  }

  private async after<T>(result: T): Promise<T> {
    await this.refresh();
    return result;
  }
}
