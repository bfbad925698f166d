import type { CallEventFrame, CallMedia, CallOutcome, CallRecordContent, CallState } from '@quickchat/protocol';

/** Which end of a call a user is. */
export type CallSide = 'caller' | 'callee';

/** A state change of one call, as {@link Call.setState} reports it. */
export interface CallTransition {
  callId: string;
  newState: CallState;
  oldState: CallState;
  reason: string;
}

/** The transitions a call may take; anything else is a bug in the service, not a client error. */
const NEXT: Readonly<Record<CallState, readonly CallState[]>> = {
  ringing: ['accepted', 'ended'],
  accepted: ['connected', 'ended'],
  connected: ['ended'],
  ended: [],
};

/**
 * One 1:1 call: its state machine (ringing → accepted → connected → ended, or ringing → ended),
 * the two sessions bound to it (the caller's inviting session; the callee's accepting one) and
 * the times a record needs. No I/O and no timers: the call service drives it and announces it.
 */
export class Call {
  private current: CallState = 'ringing';
  private ended: CallOutcome | null = null;
  /** The server ended it because it is stopping (see {@link end}). */
  private interrupted = false;
  /** Bound session per side; the callee has none until it accepts. */
  private readonly bound: Record<CallSide, string | null>;
  /** Whether each side's bound session is connected (false during a rejoin grace). */
  private readonly present: Record<CallSide, boolean> = { caller: true, callee: true };
  acceptedMedia: CallMedia | null = null;
  acceptedAt: number | null = null;
  connectedAt: number | null = null;
  endedAt: number | null = null;

  constructor(
    readonly callId: string,
    /** The DM of the two users, where the record goes. */
    readonly conversationId: string,
    readonly callerId: string,
    readonly calleeId: string,
    readonly media: CallMedia,
    callerSessionId: string,
    readonly startedAt: number,
    private readonly onTransition: (t: CallTransition) => void,
  ) {
    this.bound = { caller: callerSessionId, callee: null };
  }

  get state(): CallState {
    return this.current;
  }

  get outcome(): CallOutcome | null {
    return this.ended;
  }

  /** Accepted or connected: signaling may flow. */
  get live(): boolean {
    return this.current === 'accepted' || this.current === 'connected';
  }

  /** The side `userId` is on, or null for anyone else. */
  sideOf(userId: string): CallSide | null {
    return userId === this.callerId ? 'caller' : userId === this.calleeId ? 'callee' : null;
  }

  /** The user on a side. */
  userOf(side: CallSide): string {
    return side === 'caller' ? this.callerId : this.calleeId;
  }

  /** The session bound on a side (null: the callee before an accept). */
  sessionOf(side: CallSide): string | null {
    return this.bound[side];
  }

  /** Whether a side's bound session is connected. */
  isPresent(side: CallSide): boolean {
    return this.present[side];
  }

  /** The side whose bound session is `sessionId`, or null. */
  boundSide(sessionId: string): CallSide | null {
    return this.bound.caller === sessionId ? 'caller' : this.bound.callee === sessionId ? 'callee' : null;
  }

  /** The one place the state changes: a no-op when unchanged, refused when not a legal step. */
  setState(newState: CallState, reason: string): boolean {
    const oldState = this.current;
    if (newState === oldState) return false;
    if (!NEXT[oldState].includes(newState)) throw new Error(`call ${this.callId}: illegal transition ${oldState} → ${newState}`);
    this.current = newState;
    this.onTransition({ callId: this.callId, newState, oldState, reason });
    return true;
  }

  /** The callee answered on `sessionId`, which becomes its bound session. */
  accept(sessionId: string, media: CallMedia, at: number): void {
    this.bound.callee = sessionId;
    this.acceptedMedia = media;
    this.acceptedAt = at;
    this.setState('accepted', 'accepted');
  }

  /** A bound session reported its peer connection up. */
  connect(at: number): void {
    if (this.current !== 'accepted') return;
    this.connectedAt = at;
    this.setState('connected', 'media connected');
  }

  /** Ends the call with `outcome`; `interrupted` when the server ends it because it is stopping. */
  end(outcome: CallOutcome, at: number, interrupted = false): void {
    this.ended = outcome;
    this.endedAt = at;
    this.interrupted = interrupted;
    this.setState('ended', interrupted ? `${outcome} (server stopping)` : outcome);
  }

  /** Binds a side to `sessionId` (a rejoin), present again. */
  rebind(side: CallSide, sessionId: string): void {
    this.bound[side] = sessionId;
    this.present[side] = true;
  }

  /** A side's bound session went away; it may rejoin within the grace. */
  markAbsent(side: CallSide): void {
    this.present[side] = false;
  }

  /** The call as one session sees it: `here` when that session is bound to it. */
  view(here: boolean): Omit<CallEventFrame, 'id'> {
    return {
      type: 'call',
      callId: this.callId,
      conversationId: this.conversationId,
      callerId: this.callerId,
      calleeId: this.calleeId,
      media: this.media,
      ...(this.acceptedMedia ? { acceptedMedia: this.acceptedMedia } : {}),
      state: this.current,
      ...(this.ended ? { outcome: this.ended } : {}),
      here,
      startedAt: this.startedAt,
      ...(this.acceptedAt !== null ? { acceptedAt: this.acceptedAt } : {}),
      ...(this.endedAt !== null ? { endedAt: this.endedAt } : {}),
    };
  }

  /** The record an ended call leaves in its DM; accepted calls carry their duration. */
  record(): CallRecordContent {
    if (!this.ended || this.endedAt === null) throw new Error(`call ${this.callId} has not ended`);
    const from = this.connectedAt ?? this.acceptedAt;
    return {
      type: 'call',
      callId: this.callId,
      callerId: this.callerId,
      outcome: this.ended,
      media: this.media,
      ...(from !== null ? { durationMs: Math.max(0, this.endedAt - from) } : {}),
      ...(this.interrupted ? { interrupted: true as const } : {}),
    };
  }
}
