import { EventEmitter } from 'eventemitter3';
import type {
  CreateGroupBody,
  CreateGroupResponse,
  EditGroupBody,
  GroupInfo,
  GroupMembersResponse,
  JoinRequestResponse,
  JoinRequestsResponse,
  MembershipOutcome,
  MyInvitesResponse,
  PendingJoin,
  ReadByResponse,
} from '@quickchat/protocol';
import type { HttpRequest } from '../api/http.js';
import type { ChatClient } from '../client.js';
import { contextOf, EVENT_OF, type GroupEvents } from './events.js';
import { localReadBy } from './read-by.js';

/** Which page of members: after a user id (the previous page's `next`), at most `limit` (1-200). */
export interface MembersPage {
  after?: string;
  limit?: number;
}

/** One of your pending invites: the group, who invited you, and when. */
export type MyInvite = MyInvitesResponse['items'][number];

/** Notices after which a group's member count differs from the one in its last summary. */
const MEMBERSHIP: ReadonlySet<string> = new Set(['added', 'joined', 'approved', 'left', 'removed']);

const path = (groupId: string, rest = '') => `/api/groups/${encodeURIComponent(groupId)}${rest}`;
const user = (userId: string) => `/${encodeURIComponent(userId)}`;

/**
 * Groups for one client: actions over REST and typed events. Get it with `groupsOf(client)`
 * (one per client). Every action needs the client's credentials and rejects with an `ApiError`:
 * `not_found` when the group does not exist or is not visible to you, `forbidden` when your role
 * does not allow it, `conflict` past a limit (a full group, too many owned groups or pending
 * requests), `rate_limited` past the invite rate, `validation` for bad input. Group ids are
 * conversation ids (`g:…`): send with `client.send(groupId, text)`, read `client.conversations`
 * and `client.messages` as for DMs.
 */
export class GroupsManager {
  private readonly emitter = new EventEmitter<GroupEvents>();
  /**
   * Groups whose membership changed (a notice surfaced) since their summary was last applied:
   * their `memberCount` is stale until the next one, so read-by asks the server.
   */
  private readonly changed = new Set<string>();

  /** Use `groupsOf(client)`: it returns the one manager of a client. */
  constructor(private readonly client: ChatClient) {
    client.attach((hook) => {
      hook.on('groupChanged', ({ event }) => void this.emitter.emit(EVENT_OF[event.change], contextOf(event)));
      hook.on('message', ({ message: m }) => void (m.content.type === 'system' && MEMBERSHIP.has(m.content.action) && this.changed.add(m.conversationId)));
      // A new summary (a new `group` brief) carries the current count again.
      const stop = client.conversations.subscribe(
        (all) => all,
        (now, before) => {
          for (const id of this.changed) if (now[id]?.group !== before[id]?.group) this.changed.delete(id);
        },
      );
      return () => {
        stop();
        this.emitter.removeAllListeners();
      };
    });
  }

  /** Subscribes to a group event; returns the function that unsubscribes. Closing the client drops every listener. */
  on<E extends keyof GroupEvents>(event: E, listener: GroupEvents[E]): () => void {
    this.emitter.on(event, listener);
    return () => void this.emitter.off(event, listener);
  }

  /**
   * Creates a group with you as its owner. `members` who are your friends are added; anyone else
   * named is invited (see `outcome`). `joinMode` defaults to `invite`, `historyVisible` to false.
   */
  create(group: CreateGroupBody): Promise<CreateGroupResponse> {
    return this.call('POST', '/api/groups', group);
  }
  /** A group's settings, owner, member count and your role (`null`: you are invited or asked to join). */
  get(groupId: string): Promise<GroupInfo> {
    return this.call('GET', path(groupId));
  }
  /** Changes any of name, avatar, description and join mode (admins, owner) and `historyVisible` (owner). */
  edit(groupId: string, patch: EditGroupBody): Promise<GroupInfo> {
    return this.call('PATCH', path(groupId), patch);
  }
  /** Dissolves the group (owner): it accepts nothing more, and every member's conversation becomes `left`. */
  dissolve(groupId: string): Promise<void> {
    return this.call('DELETE', path(groupId));
  }
  /** A page of members ordered by user id; pass the page's `next` as `after` for the following one (`next: null`: the last page). */
  members(groupId: string, page: MembersPage = {}): Promise<GroupMembersResponse> {
    const query = new URLSearchParams();
    if (page.after !== undefined) query.set('after', page.after);
    if (page.limit !== undefined) query.set('limit', String(page.limit));
    const qs = query.toString();
    return this.call('GET', path(groupId, `/members${qs ? `?${qs}` : ''}`));
  }
  /** Adds your friends among `userIds` and invites the others (at most 100 per call); says what became of each. */
  addMembers(groupId: string, userIds: string[]): Promise<MembershipOutcome> {
    return this.call('POST', path(groupId, '/members'), { userIds });
  }
  /** Removes a member (admins remove members; the owner removes anyone). */
  remove(groupId: string, userId: string): Promise<void> {
    return this.call('DELETE', path(groupId, `/members${user(userId)}`));
  }
  /** Leaves the group (the owner must transfer ownership first). Your conversation becomes `left`. */
  leave(groupId: string): Promise<void> {
    return this.call('POST', path(groupId, '/leave'));
  }
  /** Makes a member an admin, or an admin a member (owner). */
  setRole(groupId: string, userId: string, role: 'admin' | 'member'): Promise<void> {
    return this.call('PUT', path(groupId, `/members${user(userId)}/role`), { role });
  }
  /** Hands ownership to a member (owner); you become an admin. */
  transfer(groupId: string, userId: string): Promise<void> {
    return this.call('POST', path(groupId, '/transfer'), { userId });
  }
  /** Asks to join a group whose join mode is `request`: `joined` at once when you held an invite, else `requested`. */
  async requestToJoin(groupId: string, memo?: string): Promise<JoinRequestResponse['status']> {
    return (await this.call<JoinRequestResponse>('POST', path(groupId, '/requests'), memo === undefined ? {} : { memo })).status;
  }
  /** Withdraws your join request. */
  cancelRequest(groupId: string): Promise<void> {
    return this.call('DELETE', path(groupId, '/requests'));
  }
  /** Pending join requests (admins, owner). */
  async requests(groupId: string): Promise<PendingJoin[]> {
    return (await this.call<JoinRequestsResponse>('GET', path(groupId, '/requests'))).items;
  }
  /** Approves `userId`'s join request (admins, owner). */
  approve(groupId: string, userId: string): Promise<void> {
    return this.call('POST', path(groupId, `/requests${user(userId)}/approve`));
  }
  /** Declines `userId`'s join request (admins, owner). */
  decline(groupId: string, userId: string): Promise<void> {
    return this.call('POST', path(groupId, `/requests${user(userId)}/decline`));
  }
  /** Pending invites of a group (admins, owner). */
  async invites(groupId: string): Promise<PendingJoin[]> {
    return (await this.call<JoinRequestsResponse>('GET', path(groupId, '/invites'))).items;
  }
  /** Withdraws the invite of `userId` (admins, owner, the inviter). */
  cancelInvite(groupId: string, userId: string): Promise<void> {
    return this.call('DELETE', path(groupId, `/invites${user(userId)}`));
  }
  /** Accepts your invite: you join (a `joined` event follows, and the conversation loads). */
  acceptInvite(groupId: string): Promise<void> {
    return this.call('POST', path(groupId, '/invites/accept'));
  }
  /** Declines your invite. */
  declineInvite(groupId: string): Promise<void> {
    return this.call('POST', path(groupId, '/invites/decline'));
  }
  /** Your pending invites, newest first. */
  async myInvites(): Promise<MyInvite[]> {
    return (await this.call<MyInvitesResponse>('GET', '/api/group-invites')).items;
  }

  /**
   * How many members other than its author have read and received message `seq`. Computed from
   * the cursors the client holds when they cover every member (a DM, or a group of at most
   * `limits.groups.liveReceiptsMaxMembers` whose message is loaded and whose membership did not
   * change since its last summary), else asked of the server.
   */
  async readBy(conversationId: string, seq: number): Promise<ReadByResponse> {
    const { client } = this;
    const view = this.changed.has(conversationId) ? undefined : client.conversations.getState()[conversationId];
    const local = localReadBy(view, client.messages.getState()[conversationId], seq, client.limits.getState());
    return local ?? this.call('GET', `/api/conversations/${encodeURIComponent(conversationId)}/read-by?seq=${seq}`);
  }

  private call<T>(method: HttpRequest['method'], to: string, body?: unknown): Promise<T> {
    return this.client.rest.request<T>(body === undefined ? { method, path: to } : { method, path: to, body });
  }
}

const managers = new WeakMap<ChatClient, GroupsManager>();

/** The {@link GroupsManager} of `client`, created on first use (one per client). */
export function groupsOf(client: ChatClient): GroupsManager {
  let manager = managers.get(client);
  if (!manager) managers.set(client, (manager = new GroupsManager(client)));
  return manager;
}
