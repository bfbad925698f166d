import { afterEach, describe, expect, it } from 'vitest';
import type { Presence, PresenceRecord, PresenceTimers } from '../../src/services/presence/presence.js';
import { ManualTime } from './manual-time.js';

export { ManualTime } from './manual-time.js';

/** What the contract hands an implementation to build one deployment's presence with. */
export interface PresenceSetup {
  /** The grace period. */
  graceMs: number;
  /** The test's clock (for `lastSeenAt` and the grace period). */
  now: () => number;
  /** The test's timers: every timer of the presence must come from here. */
  timers: PresenceTimers;
}

/** One deployment's presence, opened for one test. */
export interface OpenedPresence {
  /** The presence the test drives (connects, disconnects, hides). */
  presence: Presence;
  /**
   * Where the test also watches changes and reads states: `presence` itself for a single node, or
   * another node of the same deployment, which must see exactly what `presence` does.
   */
  watcher: Presence;
  /**
   * Resolves once everything done so far (including what timers fired) has taken effect and
   * every change it made reached every listener; asynchronous implementations wait on their
   * backend here, never on a clock.
   */
  settle(): Promise<void>;
  /** Releases everything the open made. */
  close(): Promise<void>;
}

/** Opens a fresh, empty presence for one test. */
export type OpenPresence = (setup: PresenceSetup) => Promise<OpenedPresence>;

/** The grace period the contract runs with. */
export const GRACE = 5_000;

/**
 * The behaviour every {@link Presence} implementation must share, as one vitest suite (the seam's
 * doc is the spec): device counting, the grace period, `lastSeenAt`, visibility, and what is
 * never reported. The clock and timers are the test's; an asynchronous implementation is waited
 * for through {@link OpenedPresence.settle}.
 */
export function runPresenceContract(name: string, open: OpenPresence): void {
  describe(`Presence contract: ${name}`, () => {
    let opened: OpenedPresence | null = null;
    afterEach(async () => {
      await opened?.close();
      opened = null;
    });

    /** Opens one, and records the changes its own listeners and the watcher's hear. */
    async function start() {
      const time = new ManualTime();
      const o = await open({ graceMs: GRACE, now: () => time.now, timers: time });
      opened = o;
      const changes: PresenceRecord[] = [];
      const own: PresenceRecord[] = [];
      o.watcher.onChange((r) => changes.push(r));
      if (o.watcher !== o.presence) o.presence.onChange((r) => own.push(r));
      const { presence, watcher } = o;
      /** Settles, then checks both nodes heard the same changes. */
      const settle = async () => {
        await o.settle();
        if (watcher !== presence) expect(own).toEqual(changes);
      };
      const stateOf = async (userId: string) => {
        const [mine, theirs] = await Promise.all([presence.statesOf([userId]), watcher.statesOf([userId])]);
        expect(mine.get(userId)).toEqual(theirs.get(userId));
        return theirs.get(userId);
      };
      return { time, presence, changes, settle, stateOf };
    }

    it('is online while any of a user’s devices is connected, and offline with lastSeenAt when the last one leaves (after the grace)', async () => {
      const { time, presence, changes, settle, stateOf } = await start();
      presence.connected('u1', true);
      presence.connected('u1', true);
      await settle();
      expect(changes).toEqual([{ userId: 'u1', online: true, visible: true }]);
      time.advance(1_000);
      presence.disconnected('u1');
      time.advance(GRACE * 2);
      await settle();
      // One device is still there: nothing changed.
      expect(changes).toHaveLength(1);
      expect(await stateOf('u1')).toEqual({ userId: 'u1', online: true, visible: true });
      const leftAt = time.now;
      presence.disconnected('u1');
      time.advance(GRACE - 1);
      await settle();
      expect(changes).toHaveLength(1);
      expect((await stateOf('u1'))?.online).toBe(true);
      time.advance(1);
      await settle();
      expect(changes.at(-1)).toEqual({ userId: 'u1', online: false, lastSeenAt: leftAt, visible: true });
      expect(changes).toHaveLength(2);
      expect(await stateOf('u1')).toEqual({ userId: 'u1', online: false, lastSeenAt: leftAt, visible: true });
      expect((await presence.statesOf(['u1', 'never-seen'])).has('never-seen')).toBe(false);
      expect((await presence.statesOf(['never-seen'])).size).toBe(0);
    });

    it('does not flap when the last device reconnects within the grace period', async () => {
      const { time, presence, changes, settle } = await start();
      presence.connected('u1', true);
      presence.disconnected('u1');
      time.advance(GRACE - 1);
      await settle();
      presence.connected('u1', true);
      // The reconnect lands within the grace (a network presence applies it asynchronously);
      // only then does the clock jump far past it.
      await settle();
      time.advance(GRACE * 3);
      await settle();
      expect(changes).toEqual([{ userId: 'u1', online: true, visible: true }]);
      // A later, real departure still goes offline, with its own time.
      presence.disconnected('u1');
      const leftAt = time.now;
      time.advance(GRACE);
      await settle();
      expect(changes.at(-1)).toEqual({ userId: 'u1', online: false, lastSeenAt: leftAt, visible: true });
      expect(changes).toHaveLength(2);
    });

    it('reports visibility changes, for online and offline users, only when they change', async () => {
      const { time, presence, changes, settle } = await start();
      presence.connected('u1', true);
      presence.setVisible('u1', true);
      presence.setVisible('u1', false);
      await settle();
      expect(changes).toEqual([
        { userId: 'u1', online: true, visible: true },
        { userId: 'u1', online: true, visible: false },
      ]);
      // A hidden user's comings and goings are not reported at all.
      const leftAt = time.now;
      presence.disconnected('u1');
      time.advance(GRACE);
      await settle();
      presence.connected('u1', false);
      presence.disconnected('u1');
      time.advance(GRACE);
      await settle();
      expect(changes).toHaveLength(2);
      // Showing again reports the state as it is, with the real last seen.
      presence.setVisible('u1', true);
      await settle();
      expect(changes.at(-1)).toEqual({ userId: 'u1', online: false, lastSeenAt: leftAt + GRACE, visible: true });
      presence.setVisible('u2', false);
      await settle();
      expect(changes.at(-1)).toEqual({ userId: 'u2', online: false, visible: false });
      presence.setVisible('u2', false);
      await settle();
      expect(changes).toHaveLength(4);
    });

    it('reports the new visibility when a device connects with another one, and keeps hidden users hidden in states', async () => {
      const { presence, changes, settle, stateOf } = await start();
      presence.connected('u1', false);
      await settle();
      expect(changes).toEqual([]);
      expect(await stateOf('u1')).toEqual({ userId: 'u1', online: true, visible: false });
      presence.connected('u1', true);
      await settle();
      expect(changes).toEqual([{ userId: 'u1', online: true, visible: true }]);
    });

    it('ignores a disconnect it was never told of', async () => {
      const { presence, changes, settle, stateOf } = await start();
      presence.disconnected('ghost');
      presence.connected('u1', true);
      presence.disconnected('ghost');
      await settle();
      expect(changes).toEqual([{ userId: 'u1', online: true, visible: true }]);
      expect(await stateOf('ghost')).toBeUndefined();
      expect((await stateOf('u1'))?.online).toBe(true);
    });

    it('answers the states of many users at once, and stops calling a listener once unsubscribed', async () => {
      const { presence, settle } = await start();
      const heard: string[] = [];
      const stop = presence.onChange((r) => heard.push(r.userId));
      const users = Array.from({ length: 300 }, (_, i) => `m${i}`);
      for (const [i, userId] of users.entries()) if (i % 3 !== 2) presence.connected(userId, i % 3 === 0);
      await settle();
      expect(heard).toHaveLength(100);
      stop();
      presence.connected('late', true);
      await settle();
      expect(heard).toHaveLength(100);
      const states = await presence.statesOf([...users, 'nobody']);
      expect(states.size).toBe(200);
      expect(states.get('m0')).toEqual({ userId: 'm0', online: true, visible: true });
      expect(states.get('m1')).toEqual({ userId: 'm1', online: true, visible: false });
      expect(states.has('m2')).toBe(false);
    });
  });
}
