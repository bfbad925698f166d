import { EventEmitter } from 'eventemitter3';
import { PROTOCOL_LIMITS, type PresenceState } from '@quickchat/protocol';
import type { ChatClient } from '../client.js';
import type { FrameHook } from '../extension/frame-hook.js';
import { createStore, type ReadableStore, type WritableStore } from '../stores/store.js';
import type { PresenceEvents } from './events.js';

/** Presence states by user id: only users the server told this client about. */
export type PresenceStates = Readonly<Record<string, PresenceState>>;

/**
 * Presence for one client: who is online, as you may see it. Get it with `presenceOf(client)`
 * (one per client).
 *
 * The server pushes, unasked, the presence of your friends and of your co-members in groups of at
 * most `limits.groups.presenceMaxMembers` members (a first frame after each connect, then
 * changes, coalesced). For anyone else, such as the members of a large group on screen, call
 * {@link watch}. Users you may not see, and users who hide their presence, are `unknown`.
 * Create it before the client connects (right after `createClient`): the states pushed after
 * `ready` are not replayed to a manager created later (until the next reconnect).
 */
export class PresenceManager {
  private readonly emitter = new EventEmitter<PresenceEvents>();
  private readonly store: WritableStore<PresenceStates> = createStore<PresenceStates>({});
  /** Watched user id → how many `watch` calls hold it. */
  private readonly watched = new Map<string, number>();
  private hook: FrameHook | null = null;

  /** Use `presenceOf(client)`: it returns the one manager of a client. */
  constructor(private readonly client: ChatClient) {
    client.attach((hook) => {
      this.hook = hook;
      const offPresence = hook.onFrame('presence', (frame) => this.apply(frame.users));
      // A new session: what was known may be stale (the server sends the pushed states again), and watches are re-sent.
      const offReady = hook.onFrame('ready', () => {
        this.store.update(() => ({}));
        this.send('subscribe', [...this.watched.keys()]);
      });
      return () => {
        offPresence();
        offReady();
        this.hook = null;
        this.emitter.removeAllListeners();
      };
    });
  }

  /** The states the client knows, by user id; subscribe with a selector, e.g. `(all) => all[userId]`. */
  get states(): ReadableStore<PresenceStates> {
    return this.store;
  }

  /** One user's state as known now (`unknown` when nothing was said about them). */
  stateOf(userId: string): PresenceState {
    return this.store.getState()[userId] ?? { userId, status: 'unknown' };
  }

  /** Subscribes to a presence event; returns the function that unsubscribes. Closing the client drops every listener. */
  on<E extends keyof PresenceEvents>(event: E, listener: PresenceEvents[E]): () => void {
    this.emitter.on(event, listener);
    return () => void this.emitter.off(event, listener);
  }

  /**
   * Follows these users' presence (for those not pushed unasked, e.g. the members of a large group
   * on screen): their current states arrive at once, then their changes, also after reconnects.
   * Watches are counted per user, so two parts of an app can watch the same user; the returned
   * function ends this watch (once). The server bounds how many users one session may follow.
   */
  watch(userIds: readonly string[]): () => void {
    const ids = [...new Set(userIds)];
    const fresh = ids.filter((id) => {
      const count = this.watched.get(id) ?? 0;
      this.watched.set(id, count + 1);
      return count === 0;
    });
    this.send('subscribe', fresh);
    let active = true;
    return () => {
      if (!active) return;
      active = false;
      const done = ids.filter((id) => {
        const count = (this.watched.get(id) ?? 1) - 1;
        if (count > 0) this.watched.set(id, count);
        else this.watched.delete(id);
        return count === 0;
      });
      this.send('unsubscribe', done);
    };
  }

  /**
   * Shows (`true`, the default) or hides your presence from everyone, on every device: while
   * hidden, others see `unknown` and never your last seen. Rejects with an `ApiError` on failure.
   */
  async setVisible(visible: boolean): Promise<void> {
    await this.client.rest.request({ method: 'PATCH', path: '/api/me', body: { showPresence: visible } });
  }

  private send(kind: 'subscribe' | 'unsubscribe', userIds: string[]): void {
    // Not connected: the next `ready` re-sends every watch.
    for (let i = 0; i < userIds.length; i += PROTOCOL_LIMITS.maxPresenceUsersPerFrame) {
      this.hook?.send({ type: 'presence', [kind]: userIds.slice(i, i + PROTOCOL_LIMITS.maxPresenceUsersPerFrame) });
    }
  }

  private apply(users: readonly PresenceState[]): void {
    const before = this.store.getState();
    const changed = users.filter((state) => !sameState(before[state.userId], state));
    if (changed.length === 0) return;
    this.store.update((all) => {
      const next = { ...all };
      for (const state of changed) next[state.userId] = state;
      return next;
    });
    for (const state of changed) this.emitter.emit('changed', { userId: state.userId, state, previous: before[state.userId] });
  }
}

function sameState(a: PresenceState | undefined, b: PresenceState): boolean {
  return a !== undefined && a.status === b.status && a.lastSeenAt === b.lastSeenAt;
}

const managers = new WeakMap<ChatClient, PresenceManager>();

/** The {@link PresenceManager} of `client`, created on first use (one per client). */
export function presenceOf(client: ChatClient): PresenceManager {
  let manager = managers.get(client);
  if (!manager) managers.set(client, (manager = new PresenceManager(client)));
  return manager;
}
