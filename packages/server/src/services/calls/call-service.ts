import { ErrorCode, type CallFrame, type CallMedia, type CallOutcome, type SignalFrame } from '@quickchat/protocol';
import { AppError, notFound } from '../../errors.js';
import { newId } from '../../ids.js';
import { KeyedRateLimiter } from '../../limits/token-bucket.js';
import type { ConversationAccess } from '../access/access.js';
import type { ServiceContext } from '../context.js';
import { SYSTEM_TIMERS, type PresenceTimers } from '../presence/presence.js';
import { publishJsonToSession } from '../publish.js';
import { announceCall, type CallOrigin } from './announce.js';
import { Call, type CallSide, type CallTransition } from './call.js';
import { closeLeftOpenCall, outcomeAtStop, writeCallRecord } from './records.js';
import { LocalCallRegistry, type CallRegistry } from './registry.js';

/** The socket a call frame came from. */
export interface CallSession {
  readonly userId: string;
  readonly sessionId: string;
}

/** Timers of ring timeouts and rejoin graces (injectable: tests and fake clocks). */
export type CallTimers = PresenceTimers;

/** A call this node owns, with its pending timers. */
interface LiveCall {
  call: Call;
  ring: unknown;
  grace: Partial<Record<CallSide, unknown>>;
  /**
   * The call's writes to the store's journal, in order: opened, connected, closed with its
   * record. Each waits for the one before, so a record never lands before the row it closes.
   */
  journal: Promise<void>;
}

/** What the call service may be given instead of its defaults. */
export interface CallServiceOptions {
  /** Who is in which call, for the whole deployment (default: this process's memory, for one node). */
  registry?: CallRegistry;
  timers?: CallTimers;
}

/** "No such call" for every call id a session may not act on: unknown, ended, or someone else's. */
const noCall = (): AppError => notFound('call');
/** An invite while the server is stopping. */
const shuttingDown = (): AppError => new AppError(ErrorCode.Conflict, 'the server is shutting down; call again once it is back');

/**
 * 1:1 calls, enforced on the server: who may ring whom (the access seam), one call per user
 * (busy), every device of the callee rings and the first accept wins, the ring timeout, the
 * rejoin grace after a bound session drops, signaling relayed only between the two bound
 * sessions, and one record per call in the DM. This node owns the calls it took the invite for;
 * who is in a call is asked of the {@link CallRegistry}. See docs/calls.md.
 */
export class CallService {
  private readonly calls = new Map<string, LiveCall>();
  /** The call each bound session of this node is bound to. */
  private readonly bySession = new Map<string, string>();
  private readonly invites: KeyedRateLimiter;
  private readonly registry: CallRegistry;
  private readonly timers: CallTimers;
  /** Calls ended whose record is not yet stored: {@link close} waits for them. */
  private readonly writing = new Set<Promise<void>>();
  /** Set by {@link close}: no new call starts. */
  private closing = false;

  constructor(
    private readonly ctx: ServiceContext,
    private readonly access: ConversationAccess,
    options: CallServiceOptions = {},
  ) {
    const perMinute = ctx.config.limits.callInvitesPerMinute;
    this.invites = new KeyedRateLimiter(perMinute / 60, perMinute, ctx.now);
    this.registry = options.registry ?? new LocalCallRegistry(ctx.nodeId);
    this.timers = options.timers ?? SYSTEM_TIMERS;
  }

  /** Whether this node runs `callId` (it took the invite, and the call has not ended). */
  owns(callId: string): boolean {
    return this.calls.has(callId);
  }

  /**
   * Records every call in the store's journal whose owner node is gone (`isGone(ownerNode)`): a
   * previous run of this node that crashed (`kill -9`), or another node that died. Each gets its one
   * record (interrupted), its duration running to `lastAliveAt(ownerNode)` when a connected call's
   * node was last known alive (else to the store's last write before this start; see
   * docs/calls.md#restarts). Resolves how many calls it recorded.
   */
  async recordCallsOfGoneNodes(isGone: (ownerNode: string) => Promise<boolean>, lastAliveAt: (ownerNode: string) => Promise<number | null>): Promise<number> {
    const { calls, lastWriteAt } = await this.ctx.store.listOpenCalls();
    const now = this.ctx.now();
    let recorded = 0;
    for (const call of calls) {
      if (this.calls.has(call.callId) || !(await isGone(call.ownerNode))) continue;
      const upTo = (await lastAliveAt(call.ownerNode)) ?? lastWriteAt;
      await closeLeftOpenCall(this.ctx.store, this.ctx.bus, this.ctx.log, call, upTo === null ? null : Math.min(upTo, now), now);
      recorded++;
    }
    return recorded;
  }

  /** Handles one `call` frame; refusals throw an {@link AppError} (an `error` frame for that session). */
  async handle(session: CallSession, frame: CallFrame): Promise<void> {
    const origin: CallOrigin = { userId: session.userId, sessionId: session.sessionId, ...(frame.id !== undefined ? { requestId: frame.id } : {}) };
    if (frame.action === 'invite') return this.invite(origin, frame.peerId, frame.media);
    const live = this.calls.get(frame.callId);
    const side = live?.call.sideOf(session.userId) ?? null;
    if (!live || side === null) throw noCall();
    const { call } = live;
    switch (frame.action) {
      case 'accept':
        return this.accept(live, side, origin, frame.media);
      case 'decline':
        if (side !== 'callee') throw noCall();
        if (call.state !== 'ringing') throw new AppError(ErrorCode.Conflict, 'the call was already answered');
        return this.end(live, 'declined', origin);
      case 'cancel':
      case 'hangup':
        return this.hangUp(live, side, origin);
      case 'connected':
        if (call.boundSide(session.sessionId) === null || !call.live) throw noCall();
        if (call.state === 'accepted') {
          call.connect(this.ctx.now());
          const at = { acceptedAt: call.acceptedAt!, connectedAt: call.connectedAt! };
          // Durable before anyone hears of it: after a crash the record says it connected.
          await this.journal(live, () => this.ctx.store.markCallConnected(call.callId, at));
          if (call.live) announceCall(this.ctx.bus, call, origin); // not ended meanwhile
        }
        return;
      case 'rejoin':
        return this.rejoin(live, side, origin);
    }
  }

  /**
   * Relays signaling to the other bound session of a live call. Anything else (an unknown or
   * ended call, a session not bound to it, a call not yet accepted, a peer that is away during
   * its grace) is refused with an error: never delivered, never lost silently.
   */
  signal(session: CallSession, frame: SignalFrame): void {
    const call = this.calls.get(frame.callId)?.call;
    const side = call?.boundSide(session.sessionId) ?? null;
    if (!call || side === null || call.userOf(side) !== session.userId || !call.live) throw noCall();
    const peer: CallSide = side === 'caller' ? 'callee' : 'caller';
    const peerSession = call.sessionOf(peer);
    if (peerSession === null || !call.isPresent(peer)) throw new AppError(ErrorCode.Conflict, 'the other side is reconnecting; signal again once it rejoins');
    const json = JSON.stringify({ type: 'signal', callId: call.callId, fromUserId: session.userId, data: frame.data });
    publishJsonToSession(this.ctx.bus, call.userOf(peer), peerSession, json);
  }

  /**
   * A session closed. If it was bound to a call, the call waits `callGraceMs` for that user to
   * `rejoin` from another session, then ends (`failed`; `cancelled` while still ringing).
   */
  sessionClosed(session: CallSession): void {
    const callId = this.bySession.get(session.sessionId);
    if (callId === undefined) return;
    this.bySession.delete(session.sessionId);
    const live = this.calls.get(callId);
    const side = live?.call.boundSide(session.sessionId) ?? null;
    if (!live || side === null) return;
    live.call.markAbsent(side);
    this.clearGrace(live, side);
    live.grace[side] = this.timers.setTimeout(() => {
      live.grace[side] = undefined;
      if (live.call.sessionOf(side) !== session.sessionId || live.call.state === 'ended') return;
      void this.end(live, live.call.state === 'ringing' ? 'cancelled' : 'failed', null);
    }, this.ctx.config.limits.callGraceMs);
  }

  /**
   * Server shutdown, before the sockets close: ends every call in progress as the server stopping
   * ({@link outcomeAtStop}, `interrupted`), tells both users' sessions, and resolves once every
   * record (these, and any still being written) is stored. Invites from then on are refused.
   */
  async close(): Promise<void> {
    this.closing = true;
    for (const live of [...this.calls.values()]) {
      if (live.call.state !== 'ended') this.end(live, outcomeAtStop(live.call.state), null, undefined, true).catch((err: unknown) => this.ctx.log.error({ err }, 'call not ended at shutdown'));
    }
    // The records of these calls, and of any that ended just before (a failure is logged, not thrown).
    await Promise.allSettled([...this.writing]);
    this.calls.clear();
    this.bySession.clear();
  }

  private async invite(origin: CallOrigin, peerId: string, media: CallMedia): Promise<void> {
    if (this.closing) throw shuttingDown();
    const wait = this.invites.take(origin.userId);
    if (wait > 0) throw new AppError(ErrorCode.RateLimited, 'too many call invites; wait before calling again', Math.ceil(wait));
    const conversationId = await this.access.requireCallable(origin.userId, peerId);
    const callId = newId('c');
    const engagement = await this.registry.engage(callId, origin.userId, peerId);
    if (this.closing) {
      // close() began meanwhile: it would not see this call.
      if (engagement === 'engaged') await this.registry.release(callId, [origin.userId, peerId]);
      throw shuttingDown();
    }
    if (engagement === 'caller_busy') throw new AppError(ErrorCode.Conflict, 'you are already in a call; end it first');
    const live: LiveCall = {
      call: new Call(callId, conversationId, origin.userId, peerId, media, origin.sessionId, this.ctx.now(), (t) => this.logTransition(t)),
      ring: undefined,
      grace: {},
      journal: Promise.resolve(),
    };
    this.calls.set(callId, live);
    this.bySession.set(origin.sessionId, callId);
    if (engagement === 'callee_busy') {
      // The callee never rings: only the caller hears "busy"; both see the record. It is the
      // call's only write, so the journal is not needed.
      return this.end(live, 'busy', origin, ['caller']);
    }
    live.ring = this.timers.setTimeout(() => {
      live.ring = undefined;
      if (live.call.state === 'ringing') void this.end(live, 'missed', null);
    }, this.ctx.config.limits.callRingTimeoutMs);
    const { call } = live;
    const opened = { callId, conversationId, callerId: call.callerId, calleeId: call.calleeId, media, startedAt: call.startedAt, ownerNode: this.ctx.nodeId };
    // Durable before anything rings: a call anyone has heard of always gets its record.
    await this.journal(live, () => this.ctx.store.openCall(opened));
    if (call.state === 'ringing') announceCall(this.ctx.bus, call, origin);
  }

  private accept(live: LiveCall, side: CallSide, origin: CallOrigin, media: CallMedia): void {
    const { call } = live;
    if (side !== 'callee') throw noCall();
    if (call.state !== 'ringing') throw new AppError(ErrorCode.Conflict, 'the call was already answered');
    if (live.ring !== undefined) this.timers.clearTimeout(live.ring);
    live.ring = undefined;
    call.accept(origin.sessionId, media, this.ctx.now());
    this.bySession.set(origin.sessionId, call.callId);
    announceCall(this.ctx.bus, call, origin);
  }

  /**
   * `cancel` and `hangup`: only from a bound session. Before an answer the caller cancels; after
   * it, a call whose peers never reported `connected` ended without media ever flowing: `failed`
   * (e.g. a client gave up waiting for a network path), else `completed`.
   */
  private hangUp(live: LiveCall, side: CallSide, origin: CallOrigin): Promise<void> {
    const { call } = live;
    if (call.sessionOf(side) !== origin.sessionId) throw noCall();
    if (call.state === 'ringing') return this.end(live, 'cancelled', origin);
    return this.end(live, call.state === 'connected' ? 'completed' : 'failed', origin);
  }

  /** Binds this session to the call in place of the side's earlier one (a reconnect, a device switch). */
  private rejoin(live: LiveCall, side: CallSide, origin: CallOrigin): void {
    const { call } = live;
    if (side === 'callee' && call.state === 'ringing') throw new AppError(ErrorCode.Conflict, 'the call is ringing: accept it instead');
    const before = call.sessionOf(side);
    if (before !== null) this.bySession.delete(before);
    this.clearGrace(live, side);
    call.rebind(side, origin.sessionId);
    this.bySession.set(origin.sessionId, call.callId);
    announceCall(this.ctx.bus, call, origin);
  }

  /**
   * Ends a call: timers stopped, users freed, every session told, then the record written (after
   * the call's earlier journal writes), closing its journal row. `interrupted`: the server is
   * stopping.
   */
  private end(live: LiveCall, outcome: CallOutcome, origin: CallOrigin | null, sides?: readonly CallSide[], interrupted = false): Promise<void> {
    const { call } = live;
    if (call.state === 'ended') return Promise.resolve();
    if (live.ring !== undefined) this.timers.clearTimeout(live.ring);
    live.ring = undefined;
    this.clearGrace(live, 'caller');
    this.clearGrace(live, 'callee');
    call.end(outcome, this.ctx.now(), interrupted);
    this.calls.delete(call.callId);
    for (const side of ['caller', 'callee'] as const) {
      const session = call.sessionOf(side);
      if (session !== null && this.bySession.get(session) === call.callId) this.bySession.delete(session);
    }
    announceCall(this.ctx.bus, call, origin, sides);
    const finishing = this.finish(live);
    this.writing.add(finishing);
    const forget = () => void this.writing.delete(finishing);
    finishing.then(forget, forget);
    return finishing;
  }

  /** The rest of {@link end}: the users freed, then the record, after the call's earlier journal writes. */
  private async finish(live: LiveCall): Promise<void> {
    const { call } = live;
    await this.registry.release(call.callId, [call.callerId, call.calleeId]);
    await this.journal(live, () => writeCallRecord(this.ctx.store, this.ctx.bus, this.ctx.log, call));
  }

  /**
   * Chains one write to the call's journal after its earlier ones and resolves once it is done.
   * A failed write is logged, not thrown: the call goes on, and its record is still written.
   */
  private journal(live: LiveCall, write: () => Promise<void>): Promise<void> {
    live.journal = live.journal.then(write).catch((err: unknown) => this.ctx.log.error({ err, callId: live.call.callId }, 'call journal write failed'));
    return live.journal;
  }

  private clearGrace(live: LiveCall, side: CallSide): void {
    const handle = live.grace[side];
    if (handle !== undefined) this.timers.clearTimeout(handle);
    live.grace[side] = undefined;
  }

  private logTransition(t: CallTransition): void {
    this.ctx.log.debug(t, 'call state');
  }
}
