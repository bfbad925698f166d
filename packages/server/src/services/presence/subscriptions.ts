import type { SeeingBasis } from './who-sees.js';

/** One session's side of the subscription table. */
interface Subscriber<S> {
  session: S;
  /** Subscribed user → why the viewer may see them, or null when they may not (shown `unknown`, never pushed). */
  targets: Map<string, SeeingBasis | null>;
}

/** A subscription: a session, and whom it follows. */
export interface SubscriptionRef<S> {
  session: S;
  targetId: string;
}

/**
 * Subscribe-on-demand presence (for members of large groups), per session, indexed by target (a
 * change of one user finds its subscribers without a scan) and by basis (a change of one group
 * finds the subscriptions that rest on it). Subscriptions to users the viewer may not see are
 * kept with no basis and count toward the cap like the others, so the cap reveals nothing about
 * who is visible.
 */
export class SubscriptionTable<S extends { readonly sessionId: string }> {
  private readonly sessions = new Map<string, Subscriber<S>>();
  private readonly byTarget = new Map<string, Set<Subscriber<S>>>();
  private readonly byBasis = new Map<SeeingBasis, Map<Subscriber<S>, Set<string>>>();

  /** How many users `session` follows. */
  countFor(session: S): number {
    return this.sessions.get(session.sessionId)?.targets.size ?? 0;
  }

  /** Why `session` may see `targetId` it follows: a basis, null (it may not), or undefined (it does not follow them). */
  basisOf(session: S, targetId: string): SeeingBasis | null | undefined {
    return this.sessions.get(session.sessionId)?.targets.get(targetId);
  }

  /** Starts (or re-bases) `session` following `targetId`. */
  set(session: S, targetId: string, basis: SeeingBasis | null): void {
    let subscriber = this.sessions.get(session.sessionId);
    if (!subscriber) this.sessions.set(session.sessionId, (subscriber = { session, targets: new Map() }));
    if (subscriber.targets.has(targetId)) this.unindexBasis(subscriber, targetId);
    subscriber.targets.set(targetId, basis);
    let watchers = this.byTarget.get(targetId);
    if (!watchers) this.byTarget.set(targetId, (watchers = new Set()));
    watchers.add(subscriber);
    if (basis === null) return;
    let onBasis = this.byBasis.get(basis);
    if (!onBasis) this.byBasis.set(basis, (onBasis = new Map()));
    let targets = onBasis.get(subscriber);
    if (!targets) onBasis.set(subscriber, (targets = new Set()));
    targets.add(targetId);
  }

  /** Stops `session` following `targetId`. */
  delete(session: S, targetId: string): void {
    const subscriber = this.sessions.get(session.sessionId);
    if (!subscriber?.targets.has(targetId)) return;
    this.unindex(subscriber, targetId);
    subscriber.targets.delete(targetId);
    if (subscriber.targets.size === 0) this.sessions.delete(session.sessionId);
  }

  /** Drops every subscription of a session that went away. */
  dropSession(session: S): void {
    const subscriber = this.sessions.get(session.sessionId);
    if (!subscriber) return;
    for (const targetId of subscriber.targets.keys()) this.unindex(subscriber, targetId);
    this.sessions.delete(session.sessionId);
  }

  /** The sessions following `targetId` that may see them. */
  *watchersOf(targetId: string): Iterable<S> {
    for (const subscriber of this.byTarget.get(targetId) ?? []) if (subscriber.targets.get(targetId) != null) yield subscriber.session;
  }

  /** Every subscription that rests on `basis` (for a group: that group's co-membership). */
  restingOn(basis: SeeingBasis): SubscriptionRef<S>[] {
    const found: SubscriptionRef<S>[] = [];
    for (const [subscriber, targets] of this.byBasis.get(basis) ?? []) for (const targetId of targets) found.push({ session: subscriber.session, targetId });
    return found;
  }

  private unindex(subscriber: Subscriber<S>, targetId: string): void {
    this.unindexBasis(subscriber, targetId);
    const watchers = this.byTarget.get(targetId);
    if (watchers?.delete(subscriber) && watchers.size === 0) this.byTarget.delete(targetId);
  }

  private unindexBasis(subscriber: Subscriber<S>, targetId: string): void {
    const basis = subscriber.targets.get(targetId);
    if (basis == null) return;
    const onBasis = this.byBasis.get(basis);
    const targets = onBasis?.get(subscriber);
    if (!targets?.delete(targetId) || targets.size > 0) return;
    onBasis!.delete(subscriber);
    if (onBasis!.size === 0) this.byBasis.delete(basis);
  }
}
