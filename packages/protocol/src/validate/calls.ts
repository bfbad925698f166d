import { z } from 'zod';
import * as p from './primitives.js';

/**
 * 1:1 calls: the `call` frames that drive a call's lifecycle (which the server enforces), the
 * `signal` frames that carry SDP and ICE between the two sessions bound to an accepted call, and
 * the call record a call leaves in the DM's history. See `docs/calls.md`.
 */

/** A call's id (`c_…`), chosen by the server when the call is placed. */
export const callId = z.string().regex(/^c_[A-Za-z0-9_-]{8,40}$/, 'must be a call id (c_…)');

/** What a side sends: audio and/or video (at least one). */
export const callMedia = z
  .object({ audio: z.boolean(), video: z.boolean() })
  .refine((m) => m.audio || m.video, 'needs audio or video');

/** Where a call is in its lifecycle. `connected`: a bound session reported its media connected. */
export const callState = z.enum(['ringing', 'accepted', 'connected', 'ended']);

/**
 * How an ended call ended: `completed` (hung up after an accept), `declined`, `busy` (the callee
 * was already in a call), `missed` (nobody answered within the ring timeout), `cancelled` (the
 * caller gave up before an answer), `failed` (a side vanished and did not rejoin in time).
 */
export const callOutcome = z.enum(['completed', 'declined', 'busy', 'missed', 'cancelled', 'failed']);

const base = { type: z.literal('call'), id: p.requestId.optional() };

/** Ring `peerId` (a mutual friend, as for DMs) on every device; this session becomes the caller's side. */
const inviteCall = z.object({ ...base, action: z.literal('invite'), peerId: p.userId, media: callMedia });
/** Answer a ringing call on this session (the first accept wins; it binds this session). */
const acceptCall = z.object({ ...base, action: z.literal('accept'), callId, media: callMedia });
/** Refuse a ringing call (callee). */
const declineCall = z.object({ ...base, action: z.literal('decline'), callId });
/** Stop ringing before an answer (caller). */
const cancelCall = z.object({ ...base, action: z.literal('cancel'), callId });
/** End an accepted call (either side's bound session). */
const hangupCall = z.object({ ...base, action: z.literal('hangup'), callId });
/** The bound session's peer connection is up (either side): `accepted` becomes `connected`. */
const connectedCall = z.object({ ...base, action: z.literal('connected'), callId });
/**
 * Bind this session to a call its user is part of (after a reconnect, within the grace period):
 * signaling then flows to and from this session; the one bound before is unbound.
 */
const rejoinCall = z.object({ ...base, action: z.literal('rejoin'), callId });

/** Drives a call's lifecycle; one shape per `action`. */
export const callFrame = z.discriminatedUnion('action', [inviteCall, acceptCall, declineCall, cancelCall, hangupCall, connectedCall, rejoinCall]);

/** Largest serialized `signal.data`, in bytes of JSON text (SDP with many codecs fits well under it). */
export const MAX_SIGNAL_BYTES = 16 * 1024;

/** A JSON object of at most {@link MAX_SIGNAL_BYTES} serialized; its contents are the peers' business. */
const signalData = z
  .record(z.string(), z.unknown())
  .refine((d) => JSON.stringify(d).length <= MAX_SIGNAL_BYTES, `must be at most ${MAX_SIGNAL_BYTES} bytes serialized`);

/**
 * SDP or ICE for the other side of an accepted call. Relayed only between the two sessions
 * bound to the call; anything else is refused with an `error` frame (never dropped silently).
 */
export const signalFrame = z.object({ type: z.literal('signal'), id: p.requestId.optional(), callId, data: signalData });

// ---------- server → client ----------

/** A call as one session sees it; sent on every transition to every session that must know. */
export const callEventFrame = z.object({
  type: z.literal('call'),
  /** With the reply to this session's own `call` frame: its request id. */
  id: p.requestId.optional(),
  callId: z.string(),
  /** The DM of the two users (where the call's record is written). */
  conversationId: z.string(),
  callerId: z.string(),
  calleeId: z.string(),
  /** What the caller offered. */
  media: callMedia,
  /** What the callee accepted with, once accepted. */
  acceptedMedia: callMedia.optional(),
  state: callState,
  /** With `ended`. */
  outcome: callOutcome.optional(),
  /**
   * True on the session bound to the call (the caller's inviting session, the callee's accepting
   * one). `state: 'accepted'` with `here: false` on a callee's device means "answered elsewhere".
   */
  here: z.boolean(),
  startedAt: z.number(),
  acceptedAt: z.number().optional(),
  endedAt: z.number().optional(),
});

/** Signaling from the other side of the call, relayed verbatim. */
export const signalEventFrame = z.object({
  type: z.literal('signal'),
  callId: z.string(),
  fromUserId: z.string(),
  data: z.record(z.string(), z.unknown()),
});

/**
 * A call record: the message every call leaves in its DM when it ends, authored by the server in
 * the caller's name. Stored content only: no client frame can carry one.
 */
export const callRecordContent = z.object({
  type: z.literal('call'),
  callId: z.string(),
  callerId: z.string(),
  outcome: callOutcome,
  media: callMedia,
  /** Completed and failed calls that were accepted: from the accept (or connection) to the end, in ms. */
  durationMs: p.nonNegativeInt.optional(),
  /**
   * The server stopped during the call (a restart, a crash) and ended it. The call lasted at least
   * `durationMs`: up to the stop, or after a crash up to the last moment the server is known to have
   * been up.
   */
  interrupted: z.literal(true).optional(),
});
