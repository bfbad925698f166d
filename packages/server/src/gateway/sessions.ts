import type { Bus } from '../bus/types.js';
import { controlTopic, userTopic, type ControlMessage } from '../bus/topics.js';
import { CloseCode } from '@quickchat/protocol';
import type { Logger } from 'pino';

/** What the registry needs from a live, authenticated connection. */
export interface Session {
  readonly sessionId: string;
  readonly userId: string;
  /** Refresh-token family of a built-in sign-in; null for external tokens. */
  readonly familyId: string | null;
  sendRaw(text: string): void;
  close(code: number, reason: string): void;
}

/**
 * The authenticated sessions on this node, by user. A node subscribes to a user's bus topics
 * while it holds at least one of their sessions, so routing costs nothing for absent users.
 * At the per-user cap the OLDEST session is closed: a reconnect is never refused because a
 * stale socket lingers.
 */
export class SessionRegistry {
  private readonly users = new Map<string, { sessions: Set<Session>; unsubscribe: () => void }>();
  private total = 0;

  constructor(
    private readonly bus: Bus,
    private readonly maxPerUser: number,
    private readonly log: Logger,
  ) {}

  /** Registers a session, evicting the user's oldest when at the cap. */
  add(session: Session): void {
    let entry = this.users.get(session.userId);
    if (!entry) {
      const sessions = new Set<Session>();
      const offFrames = this.bus.subscribe(userTopic(session.userId), (payload) => {
        for (const s of sessions) s.sendRaw(payload);
      });
      const offControl = this.bus.subscribe(controlTopic(session.userId), (payload) => this.control(sessions, payload));
      entry = { sessions, unsubscribe: () => (offFrames(), offControl()) };
      this.users.set(session.userId, entry);
    }
    if (entry.sessions.size >= this.maxPerUser) {
      const oldest = entry.sessions.values().next().value as Session;
      this.remove(oldest);
      oldest.close(CloseCode.TooManyConnections, 'replaced by a newer session of this user');
      if (!this.users.has(session.userId)) return this.add(session);
    }
    entry.sessions.add(session);
    this.total++;
  }

  /** Unregisters a session; unsubscribes from the bus when it was the user's last here. */
  remove(session: Session): void {
    const entry = this.users.get(session.userId);
    if (!entry?.sessions.delete(session)) return;
    this.total--;
    if (entry.sessions.size === 0) {
      entry.unsubscribe();
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

  private control(sessions: Set<Session>, payload: string): void {
    let message: ControlMessage;
    try {
      message = JSON.parse(payload) as ControlMessage;
    } catch {
      this.log.warn('ignored malformed control message');
      return;
    }
    if (message.op !== 'revoke') return;
    for (const s of [...sessions]) {
      if (message.familyId === undefined || s.familyId === message.familyId) {
        this.remove(s);
        s.close(CloseCode.AuthExpired, 'sign-in ended');
      }
    }
  }
}
