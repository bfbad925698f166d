import type { Bus, Subscription } from '../bus/types.js';
import { userTopic } from '../bus/topics.js';
import type { FrameDelivery, Revocation } from '../bus/messages.js';
import { CloseCode } from '@quickchat/protocol';

/** What the registry needs from a live, authenticated connection. */
export interface Session {
  readonly sessionId: string;
  readonly userId: string;
  /** Refresh-token family of a built-in sign-in; null for external tokens. */
  readonly familyId: string | null;
  sendRaw(text: string): void;
  close(code: number, reason: string): void;
}

interface UserEntry {
  /** By session id, oldest first. */
  sessions: Map<string, Session>;
  subscription: Subscription;
}

/**
 * The authenticated sessions on this node, by user. A node subscribes to a user's bus topic
 * while it holds at least one of their sessions, so routing costs nothing for absent users.
 * Frames addressed to one session (`to`) reach only that session. At the per-user cap the
 * OLDEST session is closed: a reconnect is never refused because a stale socket lingers.
 */
export class SessionRegistry {
  private readonly users = new Map<string, UserEntry>();
  private total = 0;

  constructor(
    private readonly bus: Bus,
    private readonly maxPerUser: number,
  ) {}

  /**
   * Registers a session at once, evicting the user's oldest when at the cap. Resolves when the
   * user's bus subscription is live: only then may the socket be told `ready`, or a message
   * committed in between could reach neither its sync nor the socket.
   */
  add(session: Session): Promise<void> {
    let entry = this.users.get(session.userId);
    if (!entry) {
      const sessions = new Map<string, Session>();
      const subscription = this.bus.subscribe(userTopic(session.userId), (message) => this.deliver(sessions, message));
      entry = { sessions, subscription };
      this.users.set(session.userId, entry);
    }
    if (entry.sessions.size >= this.maxPerUser) {
      const oldest = entry.sessions.values().next().value as Session;
      this.remove(oldest);
      oldest.close(CloseCode.TooManyConnections, 'replaced by a newer session of this user');
      if (!this.users.has(session.userId)) return this.add(session);
    }
    entry.sessions.set(session.sessionId, session);
    this.total++;
    return entry.subscription.ready;
  }

  /** Unregisters a session; unsubscribes from the bus when it was the user's last here. */
  remove(session: Session): void {
    const entry = this.users.get(session.userId);
    if (entry?.sessions.get(session.sessionId) !== session) return;
    entry.sessions.delete(session.sessionId);
    this.total--;
    if (entry.sessions.size === 0) {
      entry.subscription.unsubscribe();
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

  private deliver(sessions: Map<string, Session>, message: FrameDelivery | Revocation): void {
    if (message.kind === 'revoke') return this.revoke(sessions, message.familyId);
    if (message.to !== undefined) return sessions.get(message.to)?.sendRaw(message.json);
    for (const s of sessions.values()) s.sendRaw(message.json);
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
