import { useLayoutEffect, useReducer, useRef } from 'preact/hooks';
import type { CallOutcome, CallReason, CallState, CallStats } from '@quickchat/sdk/calls';
import type { WidgetCallSession } from '../../state/calls.js';

/** Packet loss (a fraction) from which the connection counts as poor. */
export const POOR_PACKET_LOSS = 0.05;
/** Round-trip time (ms) from which the connection counts as poor. */
export const POOR_RTT_MS = 400;

/** What the call screens show of a session, kept up to date from its events. */
export interface CallSnapshot {
  state: CallState;
  code: CallReason | null;
  outcome: CallOutcome | null;
  /** The last `error` event's message (e.g. why the call did not connect). */
  error: string | null;
  local: MediaStream | null;
  /** Bumped on every `localStream` event: same stream, new tracks (a switched input, a shared screen). */
  localVersion: number;
  remote: MediaStream | null;
  /** The media path is lost (`network: interrupted`) and not back yet. */
  reconnecting: boolean;
  /** The latest `stats` sample says the connection is poor (packet loss or round trip over the limits above). */
  poor: boolean;
  /** When the call connected (`Date.now()`), for its duration. */
  connectedAt: number | null;
  /** When it ended. */
  endedAt: number | null;
}

/** True when a stats sample shows a poor connection. */
export function isPoor(stats: CallStats): boolean {
  return (stats.packetLoss ?? 0) >= POOR_PACKET_LOSS || (stats.rttMs ?? 0) >= POOR_RTT_MS;
}

/** Follows `session`'s events; re-renders on each. */
export function useCallSession(session: WidgetCallSession): CallSnapshot {
  const [, rerender] = useReducer((n: number) => n + 1, 0);
  const snap = useRef<CallSnapshot | null>(null);
  snap.current ??= {
    state: session.state,
    code: null,
    outcome: session.outcome,
    error: null,
    local: session.localStream,
    localVersion: 0,
    remote: null,
    reconnecting: false,
    poor: false,
    connectedAt: session.state === 'connected' ? Date.now() : null,
    endedAt: null,
  };
  // A layout effect: listening starts right after the first render, so no event is missed.
  useLayoutEffect(() => {
    const set = (patch: Partial<CallSnapshot>) => {
      snap.current = { ...snap.current!, ...patch };
      rerender(0);
    };
    const offs = [
      session.on('state', ({ newState, code }) => set({ state: newState, code, ...(newState === 'connected' ? { connectedAt: Date.now() } : {}), ...(newState === 'ended' ? { endedAt: Date.now(), reconnecting: false, poor: false } : {}) })),
      session.on('ended', ({ outcome, code }) => set({ outcome, code })),
      session.on('localStream', ({ stream }) => set({ local: stream, localVersion: snap.current!.localVersion + 1 })),
      session.on('remoteStream', ({ stream }) => set({ remote: stream })),
      session.on('network', ({ state }) => set({ reconnecting: state === 'interrupted' })),
      session.on('stats', (stats) => set({ poor: isPoor(stats) })),
      session.on('error', ({ error }) => set({ error: error.message })),
    ];
    // A change between the first render and these listeners (e.g. the local stream of a placed call).
    if (session.state !== snap.current!.state || session.localStream !== snap.current!.local) set({ state: session.state, local: session.localStream, outcome: session.outcome });
    return () => offs.forEach((off) => off());
  }, [session]);
  return snap.current;
}
