import type { Bus, Subscription } from '../bus/types.js';
import { userTopic, type UserTopicMessage } from '../bus/topics.js';
import type { MembershipChanged } from '../bus/messages.js';
import { CloseCode } from '@quickchat/protocol';
import { GroupRouting } from './group-routing.js';

/** Reads the groups a user is a member of (from the store). */
export type GroupsOf = (userId: string) => Promise<readonly string[]>;

/** What the registry needs from a live, authenticated connection. */
export interface Session {
  readonly sessionId: string;
  readonly userId: string;
  /** Refresh-token family of a built-in sign-in; null for external tokens. */
  readonly familyId: string | null;
  /** Sends a serialized frame: text, or its UTF-8 bytes (encoded once for many sessions). */
  sendRaw(text: string | Buffer): void;
  close(code: number, reason: string): void;
}

interface UserEntry {
  userId: string;
  /** By session id, oldest first. */
  sessions: Map<string, Session>;
  subscription: Subscription;
  /** The groups routed to this user here. */
  groups: Set<string>;
  /** Membership changes that arrived while the user's groups were loading, applied after them; null once loaded. */
  pendingChanges: MembershipChanged[] | null;
  /** Resolves once the user's topic and all their groups' topics are live. */
  ready: Promise<void>;
}

/**
 * The authenticated sessions on this node, by user. A node subscribes to a user's bus topic
 * while it holds at least one of their sessions, so routing costs nothing for absent users, and
 * to the topic of each group such a user is a member of (see {@link GroupRouting}). Frames
 * addressed to one session (`to`) reach only that session. At the per-user cap the OLDEST
 * session is closed: a reconnect is never refused because a stale socket lingers.
 */
export class SessionRegistry {
  private readonly users = new Map<string, UserEntry>();
  private readonly groupRouting: GroupRouting;
  private total = 0;

  constructor(
    private readonly bus: Bus,
    private readonly maxPerUser: number,
    private readonly groupsOf: GroupsOf = async () => [],
  ) {
    this.groupRouting = new GroupRouting(bus, {
      deliver: (userId, json) => this.sendToUser(userId, json),
      left: (userId, conversationId) => this.users.get(userId)?.groups.delete(conversationId),
      isMember: async (userId, conversationId) => (await this.groupsOf(userId)).includes(conversationId),
    });
  }

  /**
   * Registers a session at once, evicting the user's oldest when at the cap. Resolves when the
   * user's bus subscription and their groups' subscriptions are live: only then may the socket
   * be told `ready`, or a message committed in between could reach neither its sync nor the
   * socket. Rejects when the user's groups could not be read.
   */
  add(session: Session): Promise<void> {
    let entry = this.users.get(session.userId);
    if (!entry) entry = this.open(session.userId);
    if (entry.sessions.size >= this.maxPerUser) {
      const oldest = entry.sessions.values().next().value as Session;
      this.remove(oldest);
      oldest.close(CloseCode.TooManyConnections, 'replaced by a newer session of this user');
      if (!this.users.has(session.userId)) return this.add(session);
    }
    entry.sessions.set(session.sessionId, session);
    this.total++;
    return entry.ready;
  }

  /** Starts routing to a user with no session here yet: their topic, then their groups. */
  private open(userId: string): UserEntry {
    const sessions = new Map<string, Session>();
    const entry: UserEntry = {
      userId,
      sessions,
      subscription: this.bus.subscribe(userTopic(userId), (message) => this.onUserMessage(entry, message)),
      groups: new Set(),
      pendingChanges: [],
      ready: Promise.resolve(),
    };
    this.users.set(userId, entry);
    const loaded = this.groupsOf(userId).then((ids) => {
      if (this.users.get(userId) !== entry) return;
      const readies = ids.map((id) => this.route(entry, userId, id));
      // Changes that raced the read are applied after it, in order, so the last word wins.
      for (const change of entry.pendingChanges ?? []) this.applyMembership(entry, userId, change);
      entry.pendingChanges = null;
      return Promise.all(readies);
    });
    entry.ready = Promise.all([entry.subscription.ready, loaded]).then(() => undefined);
    return entry;
  }

  private route(entry: UserEntry, userId: string, conversationId: string): Promise<void> {
    entry.groups.add(conversationId);
    return this.groupRouting.join(userId, conversationId);
  }

  private applyMembership(entry: UserEntry, userId: string, change: MembershipChanged): void {
    if (change.joined) {
      if (!entry.groups.has(change.conversationId)) void this.route(entry, userId, change.conversationId);
    } else if (entry.groups.delete(change.conversationId)) {
      this.groupRouting.leave(userId, change.conversationId);
    }
  }

  private onUserMessage(entry: UserEntry, message: UserTopicMessage): void {
    if (message.kind !== 'membership') return this.deliver(entry.sessions, message);
    if (entry.pendingChanges) entry.pendingChanges.push(message);
    else this.applyMembership(entry, entry.userId, message);
  }

  private sendToUser(userId: string, json: Buffer): void {
    const entry = this.users.get(userId);
    if (!entry) return;
    for (const s of entry.sessions.values()) s.sendRaw(json);
  }

  /**
   * Reads every routed user's groups again and routes them as the store says (after a bus outage,
   * in which `membership` messages from other nodes may have been lost). Resolves once the
   * subscriptions of groups gained are live. A user whose first read is still running is left to it.
   */
  async reloadGroups(): Promise<void> {
    const readies: Promise<void>[] = [];
    await Promise.all(
      [...this.users.values()].map(async (entry) => {
        if (entry.pendingChanges) return;
        const ids = new Set(await this.groupsOf(entry.userId));
        if (this.users.get(entry.userId) !== entry) return;
        for (const id of ids) if (!entry.groups.has(id)) readies.push(this.route(entry, entry.userId, id));
        for (const id of [...entry.groups]) if (!ids.has(id)) this.applyMembership(entry, entry.userId, { kind: 'membership', conversationId: id, joined: false });
      }),
    );
    await Promise.all(readies);
  }

  /** Unregisters a session; unsubscribes from the bus when it was the user's last here. */
  remove(session: Session): void {
    const entry = this.users.get(session.userId);
    if (entry?.sessions.get(session.sessionId) !== session) return;
    entry.sessions.delete(session.sessionId);
    this.total--;
    if (entry.sessions.size === 0) {
      entry.subscription.unsubscribe();
      for (const id of entry.groups) this.groupRouting.leave(session.userId, id);
      entry.groups.clear();
      this.users.delete(session.userId);
    }
  }

  /** Sessions of one user on this node. */
  countFor(userId: string): number {
    return this.users.get(userId)?.sessions.size ?? 0;
  }

  /** All authenticated sessions on this node. */
  get size(): number {
    return this.total;
  }

  /** Groups with at least one member connected to this node. */
  get routedGroups(): number {
    return this.groupRouting.size;
  }

  private deliver(sessions: Map<string, Session>, message: Exclude<UserTopicMessage, MembershipChanged>): void {
    if (message.kind === 'revoke') return this.revoke(sessions, message.familyId);
    if (message.to !== undefined) return sessions.get(message.to)?.sendRaw(message.json);
    for (const s of sessions.values()) if (s.sessionId !== message.except) s.sendRaw(message.json);
  }

  private revoke(sessions: Map<string, Session>, familyId: string | undefined): void {
    for (const s of [...sessions.values()]) {
      if (familyId === undefined || s.familyId === familyId) {
        this.remove(s);
        s.close(CloseCode.AuthExpired, 'sign-in ended');
      }
    }
  }
}
