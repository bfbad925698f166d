import type { PresenceTimers } from '../../src/services/presence/presence.js';

/** A clock and timers the test moves by hand: no waiting, no sleeps. */
export class ManualTime implements PresenceTimers {
  now = 1_000;
  private timers: { at: number; callback: () => void; handle: number }[] = [];
  private next = 0;

  setTimeout(callback: () => void, ms: number): unknown {
    const handle = ++this.next;
    this.timers.push({ at: this.now + ms, callback, handle });
    return handle;
  }
  clearTimeout(handle: unknown): void {
    this.timers = this.timers.filter((t) => t.handle !== handle);
  }
  /** Moves the clock forward, firing the timers that come due, in order. */
  advance(ms: number): void {
    const until = this.now + ms;
    for (;;) {
      const due = this.timers.filter((t) => t.at <= until).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      this.timers = this.timers.filter((t) => t !== due);
      this.now = due.at;
      due.callback();
    }
    this.now = until;
  }
  /** How many timers are set and not yet fired. */
  get pending(): number {
    return this.timers.length;
  }
}
