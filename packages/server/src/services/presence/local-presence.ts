import { BoundedLru } from '../../cache/bounded-lru.js';
import { SYSTEM_TIMERS, type Presence, type PresenceListener, type PresenceRecord, type PresenceTimers } from './presence.js';

/** How a {@link LocalPresence} behaves. */
export interface LocalPresenceOptions {
  /** How long a user stays online after their last session went away (a quick reconnect does not flap). */
  graceMs: number;
  /** Clock for `lastSeenAt`. */
  now: () => number;
  /** Timers of the grace period (default: the process's). */
  timers?: PresenceTimers;
  /** Offline users whose `lastSeenAt` and visibility are remembered; the least recently seen are forgotten past it. */
  maxRemembered?: number;
}

/** A user with at least one session here, or whose grace period is running. */
interface Connected {
  devices: number;
  visible: boolean;
  /** Set while the grace period after the last session runs: the timer, and when that session left. */
  grace: { handle: unknown; leftAt: number } | null;
}

/** What is kept of an offline user. */
interface Remembered {
  lastSeenAt?: number;
  visible: boolean;
}

/**
 * {@link Presence} for a single node, in memory: device counts per user, the grace period, and
 * the last-seen time of users who went offline (bounded). After a restart every user is offline
 * with no known `lastSeenAt` until seen again: presence is ephemeral, never stored.
 */
export class LocalPresence implements Presence {
  private readonly connectedUsers = new Map<string, Connected>();
  private readonly offline: BoundedLru<string, Remembered>;
  private readonly listeners = new Set<PresenceListener>();
  private readonly timers: PresenceTimers;

  constructor(private readonly options: LocalPresenceOptions) {
    this.timers = options.timers ?? SYSTEM_TIMERS;
    this.offline = new BoundedLru(options.maxRemembered ?? 100_000);
  }

  connected(userId: string, visible: boolean): void {
    const entry = this.connectedUsers.get(userId);
    if (!entry) {
      this.offline.delete(userId);
      this.connectedUsers.set(userId, { devices: 1, visible, grace: null });
      if (visible) this.emit({ userId, online: true, visible });
      return;
    }
    entry.devices++;
    if (entry.grace) {
      // Back within the grace period: still online, watchers hear nothing.
      this.timers.clearTimeout(entry.grace.handle);
      entry.grace = null;
    }
    if (entry.visible !== visible) this.setVisible(userId, visible);
  }

  disconnected(userId: string): void {
    const entry = this.connectedUsers.get(userId);
    if (!entry || entry.devices === 0) return;
    entry.devices--;
    if (entry.devices > 0) return;
    const leftAt = this.options.now();
    const handle = this.timers.setTimeout(() => this.wentOffline(userId, entry), this.options.graceMs);
    entry.grace = { handle, leftAt };
  }

  setVisible(userId: string, visible: boolean): void {
    const entry = this.connectedUsers.get(userId);
    if (entry) {
      if (entry.visible === visible) return;
      entry.visible = visible;
      return this.emit({ userId, online: true, visible });
    }
    const known = this.offline.get(userId);
    if (known?.visible === visible) return;
    const remembered: Remembered = known?.lastSeenAt === undefined ? { visible } : { lastSeenAt: known.lastSeenAt, visible };
    this.offline.set(userId, remembered);
    this.emit({ userId, online: false, ...remembered });
  }

  async statesOf(userIds: readonly string[]): Promise<Map<string, PresenceRecord>> {
    const states = new Map<string, PresenceRecord>();
    for (const userId of userIds) {
      const entry = this.connectedUsers.get(userId);
      if (entry) {
        states.set(userId, { userId, online: true, visible: entry.visible });
        continue;
      }
      const known = this.offline.get(userId);
      if (known) states.set(userId, { userId, online: false, ...known });
    }
    return states;
  }

  onChange(listener: PresenceListener): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  close(): void {
    for (const entry of this.connectedUsers.values()) if (entry.grace) this.timers.clearTimeout(entry.grace.handle);
    this.connectedUsers.clear();
    this.listeners.clear();
  }

  private wentOffline(userId: string, entry: Connected): void {
    if (this.connectedUsers.get(userId) !== entry || !entry.grace) return;
    const { leftAt } = entry.grace;
    this.connectedUsers.delete(userId);
    this.offline.set(userId, { lastSeenAt: leftAt, visible: entry.visible });
    if (entry.visible) this.emit({ userId, online: false, lastSeenAt: leftAt, visible: true });
  }

  private emit(record: PresenceRecord): void {
    for (const listener of [...this.listeners]) listener(record);
  }
}
