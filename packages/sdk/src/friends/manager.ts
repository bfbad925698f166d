import type { FriendEntry, FriendshipStatus, PublicUser } from '@quickchat/protocol';
import type { HttpRequest } from '../api/http.js';
import type { ChatClient } from '../client.js';
import { ConnectionState } from '../connection/state.js';
import { createStore, type ReadableStore } from '../stores/store.js';
import type { FriendsState } from '../stores/state.js';

const FRIENDS = '/api/friends';
const REQUESTS = '/api/friend-requests';
const BLOCKS = '/api/blocks';
const at = (base: string, userId: string, rest = '') => `${base}/${encodeURIComponent(userId)}${rest}`;

/**
 * Friends, requests and blocks for one client: actions over REST, plus a store kept current by
 * the client's user events. Get it with `friendsOf(client)` (one per client). Relation events
 * (`relationChanged`) carry only ids, so they refetch the lists (they are small), once per burst;
 * profile events (`userUpdated`) carry the new profile and patch the entries in place, without a
 * request (a user with thousands of friends renaming must not make thousands of clients refetch).
 * The lists load on first use: at once when the client is connected, else on its next `synced`.
 * Every action rejects with an `ApiError` (`not_found`, `conflict` when already friends or
 * blocked, `validation`, …); a failed refetch is reported as the client's `error` event.
 */
export class FriendsManager {
  /** Friends (including peers who removed you: status `removed`), incoming and outgoing requests, and blocks. */
  readonly store: ReadableStore<FriendsState>;
  private readonly state = createStore<FriendsState>({ friends: [], incoming: [], outgoing: [], blocked: [], loaded: false });
  private refreshing: Promise<void> | null = null;
  /** Fetch once more when the one in flight ends (something changed after it began). */
  private again = false;
  /** A refetch is scheduled for the end of the current burst of events. */
  private queued = false;
  /** Fetch rounds begun so far, and how many had begun when the last sync reply arrived. */
  private rounds = 0;
  private roundsAtReply = 0;
  private attached = true;
  private fail: (error: unknown) => void = () => undefined;

  /** Use `friendsOf(client)`: it returns the one manager of a client. */
  constructor(private readonly client: ChatClient) {
    this.store = this.state;
    client.attach((hook) => {
      this.fail = hook.fail;
      hook.on('relationChanged', () => this.soon());
      hook.on('userUpdated', ({ user }) => {
        const swap = (list: FriendEntry[]) => list.map((f) => (f.user.id == user.id ? { ...f, user } : f));
        this.state.update((s) => ({ ...s, friends: swap(s.friends), incoming: swap(s.incoming), outgoing: swap(s.outgoing) }));
        // A fetch in flight may have read the old profile; lists not loaded yet (a fetch failed) load now.
        if (this.refreshing || !this.state.getState().loaded) this.soon();
      });
      hook.onFrame('synced', () => void (this.roundsAtReply = this.rounds));
      hook.on('synced', ({ eventsLimited }) => {
        // Skipped events: refetch, unless a fetch begun after the reply (for its events) covers them.
        // Not loaded yet: load, unless a fetch is on its way.
        if (eventsLimited ? this.rounds == this.roundsAtReply : !this.state.getState().loaded && !this.refreshing) this.soon();
      });
      if (hook.connectionState == ConnectionState.Connected) this.soon();
      return () => void (this.attached = false);
    });
  }

  /** Sends a request with an optional memo (or accepts theirs, when they asked first). Resolves with your resulting status, once the lists are current. */
  async request(userId: string, memo?: string): Promise<FriendshipStatus> {
    return (await this.act<{ status: FriendshipStatus }>('POST', REQUESTS, memo === undefined ? { userId } : { userId, memo })).status;
  }
  /** Accepts the request from `userId`; resolves with your resulting status (`friends`). */
  async accept(userId: string): Promise<FriendshipStatus> {
    return (await this.act<{ status: FriendshipStatus }>('POST', at(REQUESTS, userId, '/accept'))).status;
  }
  /** Declines the request from `userId`. */
  decline(userId: string): Promise<void> {
    return this.act('POST', at(REQUESTS, userId, '/decline'));
  }
  /** Cancels your request to `userId`. */
  cancel(userId: string): Promise<void> {
    return this.act('DELETE', at(REQUESTS, userId));
  }
  /** Removes a friend (one-way: they see `removed`). */
  remove(userId: string): Promise<void> {
    return this.act('DELETE', at(FRIENDS, userId));
  }
  /** Blocks a user (they are not told). */
  block(userId: string): Promise<void> {
    return this.act('PUT', at(BLOCKS, userId));
  }
  /** Unblocks a user. */
  unblock(userId: string): Promise<void> {
    return this.act('DELETE', at(BLOCKS, userId));
  }

  /**
   * Refetches all lists (`GET /api/friends`, `/api/friend-requests/incoming` and `…/outgoing`,
   * `/api/blocks`); concurrent calls coalesce into at most one more fetch. Never rejects: a failure
   * is the client's `error` event, and the store keeps its last lists.
   */
  refresh(): Promise<void> {
    if (this.refreshing) {
      this.again = true;
      return this.refreshing;
    }
    const list = <T>(path: string) => this.call<{ items: T[] }>('GET', path).then((page) => page.items);
    return (this.refreshing = (async () => {
      do {
        this.again = false;
        this.rounds++;
        const [friends, incoming, outgoing, blocked] = await Promise.all([list<FriendEntry>(FRIENDS), list<FriendEntry>(`${REQUESTS}/incoming`), list<FriendEntry>(`${REQUESTS}/outgoing`), list<PublicUser>(BLOCKS)]);
        this.state.update(() => ({ friends, incoming, outgoing, blocked, loaded: true }));
      } while (this.again);
    })()
      .catch((err: unknown) => this.fail(err))
      .finally(() => (this.refreshing = null)));
  }

  /** Refetches once the current burst of events is over (a microtask later), so a sync reply's events make one fetch. */
  private soon(): void {
    if (this.queued) return;
    this.queued = true;
    queueMicrotask(() => {
      this.queued = false;
      if (this.attached) void this.refresh();
    });
  }

  /** An action: its request, then a refetch (which never rejects); resolves with the server's answer once the lists are current. */
  private async act<T>(method: HttpRequest['method'], path: string, body?: unknown): Promise<T> {
    const result = await this.call<T>(method, path, body);
    await this.refresh();
    return result;
  }

  private call<T>(method: HttpRequest['method'], path: string, body?: unknown): Promise<T> {
    return this.client.rest.request<T>(body === undefined ? { method, path } : { method, path, body });
  }
}

const managers = new WeakMap<ChatClient, FriendsManager>();

/** The {@link FriendsManager} of `client`, created on first use (one per client). */
export function friendsOf(client: ChatClient): FriendsManager {
  let manager = managers.get(client);
  if (!manager) managers.set(client, (manager = new FriendsManager(client)));
  return manager;
}
