import { ErrorCode, type PresenceFrame, type PresenceState } from '@quickchat/protocol';
import { AppError } from '../../errors.js';
import { GROUPS_TOPIC, RELATIONS_TOPIC } from '../../bus/topics.js';
import type { Subscription } from '../../bus/types.js';
import type { ServiceContext } from '../context.js';
import { PresenceCoalescer, sendStates, type PresenceSink } from './coalescer.js';
import { SYSTEM_TIMERS, type Presence, type PresenceRecord, type PresenceTimers } from './presence.js';
import { SubscriptionTable, type SubscriptionRef } from './subscriptions.js';
import { WatchIndex, type WatchDiff } from './watch-index.js';
import { seeingBases, shownState, unknownState } from './who-sees.js';

/** A live, authenticated session, as presence sees it. */
export interface PresenceSession extends PresenceSink {
  readonly userId: string;
}

/** A user with sessions on this node. */
interface LocalUser {
  sessions: Set<PresenceSession>;
  /** Resolves once the user's watch list (friends, small groups) is indexed. */
  indexed: Promise<void>;
}

/**
 * Presence for the sessions of this node: who is online, shown only to those who may see it.
 *
 * - **Who sees.** Mutual friends and group co-members; everyone else, and everyone when the user
 *   hides their presence, gets `unknown` (the same answer, so it reveals nothing; no last seen).
 * - **Pushed unasked**, coalesced (see {@link PresenceCoalescer}): changes of a user's friends and
 *   of their co-members in groups of at most `presenceMaxGroupMembers`, plus one frame with their
 *   current states when a session opens.
 * - **Subscribe-on-demand** for larger groups: the `presence` client frame, bounded per session
 *   by `presenceSubscriptionsPerSession`.
 *
 * Devices are aggregated by the {@link Presence} seam (this node's, or every node's); which
 * sessions watch whom is local, and kept current from the relation and group changes on the bus.
 */
export class PresenceService {
  private readonly users = new Map<string, LocalUser>();
  /** Sessions opened and not yet closed, by id. */
  private readonly open = new Set<string>();
  /** Sessions whose `connected` was reported to the seam (and so owe it a `disconnected`). */
  private readonly counted = new Set<string>();
  private readonly index: WatchIndex;
  private readonly subscriptions = new SubscriptionTable<PresenceSession>();
  private readonly coalescer: PresenceCoalescer;
  private busSubscriptions: Subscription[] = [];
  private stopListening: (() => void) | null = null;
  /** Relation and group changes are applied one after another, in bus order. */
  private changes: Promise<void> = Promise.resolve();

  constructor(
    private readonly ctx: ServiceContext,
    private readonly presence: Presence,
    timers: PresenceTimers = SYSTEM_TIMERS,
  ) {
    const { limits } = ctx.config;
    this.index = new WatchIndex(ctx.store, limits.presenceMaxGroupMembers);
    this.coalescer = new PresenceCoalescer(limits.presenceBatchMs, timers);
  }

  /** Listens for presence, relation and group changes; resolves once the bus subscriptions are live. */
  start(): Promise<void> {
    this.stopListening ??= this.presence.onChange((record) => this.changed(record));
    if (this.busSubscriptions.length === 0) {
      this.busSubscriptions = [
        this.ctx.bus.subscribe(RELATIONS_TOPIC, (message) => this.serially(() => this.relationsChanged(message.pairs))),
        this.ctx.bus.subscribe(GROUPS_TOPIC, (message) => this.serially(() => this.groupChanged(message.conversationId))),
      ];
    }
    return Promise.all(this.busSubscriptions.map((s) => s.ready)).then(() => undefined);
  }

  /** Stops listening and drops every queued frame (server shutdown). */
  close(): void {
    this.stopListening?.();
    this.stopListening = null;
    for (const s of this.busSubscriptions) s.unsubscribe();
    this.busSubscriptions = [];
    this.coalescer.close();
  }

  /**
   * A session became ready (after its `ready` frame): its user counts as online, and it is sent
   * one `presence` frame with the current state of everyone it watches (none when it watches
   * nobody: everyone is `unknown` until said otherwise).
   */
  async sessionOpened(session: PresenceSession): Promise<void> {
    const { sessionId, userId } = session;
    this.open.add(sessionId);
    let user = this.users.get(userId);
    if (!user) this.users.set(userId, (user = { sessions: new Set(), indexed: this.index.add(userId) }));
    user.sessions.add(session);
    const hidden = await this.ctx.store.listPresenceHidden([userId]);
    if (!this.open.has(sessionId)) return;
    this.counted.add(sessionId);
    this.presence.connected(userId, hidden.length === 0);
    await user.indexed;
    await this.resendStates(session);
  }

  /**
   * Sends `session` the states of everyone it watches, in one `presence` frame (at open, and after
   * a bus outage during which changes from other nodes may have been missed).
   */
  async resendStates(session: PresenceSession): Promise<void> {
    const { sessionId, userId } = session;
    if (!this.open.has(sessionId)) return;
    const watched = [...this.index.watchedBy(userId)];
    if (watched.length === 0) return;
    const states = await this.shownStates(watched, () => true);
    if (this.open.has(sessionId)) sendStates(session, states);
  }

  /** A session went away: its subscriptions end, and its user goes offline with their last session (after the grace). */
  sessionClosed(session: PresenceSession): void {
    const { sessionId, userId } = session;
    if (!this.open.delete(sessionId)) return;
    this.subscriptions.dropSession(session);
    this.coalescer.drop(session);
    const user = this.users.get(userId);
    if (user?.sessions.delete(session) && user.sessions.size === 0) {
      this.users.delete(userId);
      this.index.remove(userId);
    }
    if (this.counted.delete(sessionId)) this.presence.disconnected(userId);
  }

  /**
   * A `presence` frame: unsubscribes first, then subscribes, and answers with the current state
   * of every user named in `subscribe` (`unknown` for those the viewer may not see). Refused with
   * `validation`, changing nothing, when the session would follow more users than allowed.
   */
  async handleFrame(session: PresenceSession, frame: PresenceFrame): Promise<void> {
    const subscribe = [...new Set(frame.subscribe)];
    const unsubscribe = new Set(frame.unsubscribe);
    const cap = this.ctx.config.limits.presenceSubscriptionsPerSession;
    const kept = this.subscriptions.countFor(session) - [...unsubscribe].filter((id) => this.subscriptions.basisOf(session, id) !== undefined).length;
    const added = subscribe.filter((id) => unsubscribe.has(id) || this.subscriptions.basisOf(session, id) === undefined).length;
    if (kept + added > cap) {
      throw new AppError(ErrorCode.Validation, `subscribe: a session may follow the presence of at most ${cap} users (it would follow ${kept + added}); unsubscribe some first`);
    }
    for (const id of unsubscribe) this.subscriptions.delete(session, id);
    const bases = subscribe.length > 0 ? await seeingBases(this.ctx.store, session.userId, subscribe) : new Map<string, string>();
    if (!this.open.has(session.sessionId)) return;
    for (const id of subscribe) this.subscriptions.set(session, id, bases.get(id) ?? null);
    const states = await this.shownStates(subscribe, (id) => bases.has(id));
    if (this.open.has(session.sessionId)) sendStates(session, states, frame.id);
  }

  /** The user showed or hid their presence (already stored): everyone watching them hears of it. */
  setVisible(userId: string, visible: boolean): void {
    this.presence.setVisible(userId, visible);
  }

  /** What each of `targetIds` looks like to a viewer who may see those for which `maySee` holds. */
  private async shownStates(targetIds: readonly string[], maySee: (id: string) => boolean): Promise<PresenceState[]> {
    const visible = targetIds.filter(maySee);
    const [records, hidden] = await Promise.all([this.presence.statesOf(visible), this.ctx.store.listPresenceHidden(visible)]);
    const hides = new Set(hidden);
    return targetIds.map((id) => (maySee(id) ? shownState(id, records.get(id), !hides.has(id)) : unknownState(id)));
  }

  /** One user's presence changed: queued for every session here that watches them. */
  private changed(record: PresenceRecord): void {
    const state = shownState(record.userId, record, record.visible);
    for (const viewerId of this.index.watchersOf(record.userId)) {
      for (const session of this.users.get(viewerId)?.sessions ?? []) this.coalescer.add(session, state);
    }
    for (const session of this.subscriptions.watchersOf(record.userId)) this.coalescer.add(session, state);
  }

  private serially(task: () => Promise<void>): void {
    this.changes = this.changes.then(task).catch((err: unknown) => this.ctx.log.error({ err }, 'presence: applying a relation or group change failed'));
  }

  private async relationsChanged(pairs: readonly (readonly [string, string])[]): Promise<void> {
    await this.applyDiffs(await this.index.relationsChanged(pairs));
    const resting: SubscriptionRef<PresenceSession>[] = [];
    for (const [a, b] of pairs) {
      for (const [viewerId, targetId] of [[a, b], [b, a]] as const) {
        for (const session of this.users.get(viewerId)?.sessions ?? []) {
          if (this.subscriptions.basisOf(session, targetId) === 'friend') resting.push({ session, targetId });
        }
      }
    }
    await this.recheck(resting);
  }

  private async groupChanged(conversationId: string): Promise<void> {
    await this.applyDiffs(await this.index.groupChanged(conversationId));
    const resting = this.subscriptions.restingOn(conversationId);
    if (resting.length === 0) return;
    const group = await this.ctx.store.getGroup(conversationId);
    const members = new Set(group && group.dissolvedAt === null ? await this.ctx.store.listMemberIds(conversationId) : []);
    await this.recheck(resting.filter(({ session, targetId }) => !members.has(session.userId) || !members.has(targetId)));
  }

  /** Sends what viewers gained (current states) and lost (`unknown`, unless a subscription still lets them see). */
  private async applyDiffs(diffs: readonly WatchDiff[]): Promise<void> {
    for (const { viewerId, gained, lost } of diffs) {
      const states = await this.shownStates(gained, () => true);
      for (const session of this.users.get(viewerId)?.sessions ?? []) {
        for (const state of states) this.coalescer.add(session, state);
        for (const id of lost) if (this.subscriptions.basisOf(session, id) == null) this.coalescer.add(session, unknownState(id));
      }
    }
  }

  /** Re-checks subscriptions whose basis may have ended; those the viewer may no longer see turn `unknown`. */
  private async recheck(refs: readonly SubscriptionRef<PresenceSession>[]): Promise<void> {
    const byViewer = new Map<string, SubscriptionRef<PresenceSession>[]>();
    for (const ref of refs) byViewer.set(ref.session.userId, [...(byViewer.get(ref.session.userId) ?? []), ref]);
    for (const [viewerId, viewerRefs] of byViewer) {
      const bases = await seeingBases(this.ctx.store, viewerId, viewerRefs.map((r) => r.targetId));
      for (const { session, targetId } of viewerRefs) {
        if (!this.open.has(session.sessionId) || this.subscriptions.basisOf(session, targetId) === undefined) continue;
        const basis = bases.get(targetId) ?? null;
        this.subscriptions.set(session, targetId, basis);
        if (basis === null && !this.index.watchedBy(viewerId).has(targetId)) this.coalescer.add(session, unknownState(targetId));
      }
    }
  }
}
