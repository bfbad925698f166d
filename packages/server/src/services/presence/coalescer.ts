import type { PresenceState } from '@quickchat/protocol';
import type { PresenceTimers } from './presence.js';

/** Most users in one server `presence` frame; a longer batch is sent as several frames. */
export const USERS_PER_FRAME = 500;

/** Where a session's presence frames go. */
export interface PresenceSink {
  readonly sessionId: string;
  sendRaw(text: string): void;
}

/**
 * Coalesces presence changes: each session's changes are held for one window and then sent as
 * ONE `presence` frame listing every user who changed (the latest state of each), never one frame
 * per change. A thousand members connecting within a window cost a subscriber one frame.
 */
export class PresenceCoalescer {
  private readonly pending = new Map<string, { sink: PresenceSink; states: Map<string, PresenceState> }>();
  private timer: unknown = null;

  constructor(
    private readonly windowMs: number,
    private readonly timers: PresenceTimers,
  ) {}

  /** Queues `state` for `sink`, replacing what was queued for the same user. */
  add(sink: PresenceSink, state: PresenceState): void {
    let entry = this.pending.get(sink.sessionId);
    if (!entry) this.pending.set(sink.sessionId, (entry = { sink, states: new Map() }));
    entry.states.set(state.userId, state);
    this.timer ??= this.timers.setTimeout(() => this.flush(), this.windowMs);
  }

  /** Forgets what was queued for a session that went away. */
  drop(sink: PresenceSink): void {
    this.pending.delete(sink.sessionId);
  }

  /** Stops the timer and drops everything queued (server shutdown). */
  close(): void {
    if (this.timer !== null) this.timers.clearTimeout(this.timer);
    this.timer = null;
    this.pending.clear();
  }

  private flush(): void {
    this.timer = null;
    const batches = [...this.pending.values()];
    this.pending.clear();
    for (const { sink, states } of batches) sendStates(sink, [...states.values()]);
  }
}

/** Sends `states` as `presence` frames of at most {@link USERS_PER_FRAME} users (one frame, also when empty). */
export function sendStates(sink: PresenceSink, states: readonly PresenceState[], id?: string | number): void {
  let from = 0;
  do {
    const users = states.slice(from, from + USERS_PER_FRAME);
    sink.sendRaw(JSON.stringify(id === undefined ? { type: 'presence', users } : { type: 'presence', id, users }));
    from += USERS_PER_FRAME;
  } while (from < states.length);
}
