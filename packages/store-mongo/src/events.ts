import type { ClientSession } from 'mongoose';
import type { UserEvent } from '@quickchat/protocol';
import type { NewUserEvent } from '@quickchat/server';
import type { Ctx } from './context.js';
import { inStrings, int, str } from './filters.js';
import type { EventHeadDoc, UserEventDoc } from './schemas.js';

/** A stored event as the wire event. */
export function toEvent(d: Pick<UserEventDoc, 'seq' | 'kind' | 'at' | 'payload'>): UserEvent {
  return { ...(JSON.parse(d.payload) as object), kind: d.kind, seq: d.seq, at: d.at } as UserEvent;
}

/**
 * Appends to the per-user event logs inside the caller's transaction; shared by every part that
 * writes events (relations, groups), so each user's seqs stay consecutive whoever appends.
 *
 * Seqs come from each owner's head document (`event_heads`), `$inc`-ed by the number of events
 * for that owner in one ordered bulk write, then read back: a concurrent append to the same log
 * is a write conflict on the head and runs again after this one, and `(userId, seq)` is unique.
 * A fan-out to thousands of users is three round trips (heads, read back, one insertMany).
 */
export class UserEventLog {
  constructor(private readonly ctx: Ctx) {}

  /** Highest event seq for `userId`, 0 when none. */
  async latestSeq(userId: string, s: ClientSession | null = null): Promise<number> {
    const head = await this.ctx.models.eventHeads.findOne({ _id: str(userId, 'user id') }).session(s).lean<EventHeadDoc>();
    return head?.seq ?? 0;
  }

  /** Inserts `events` with consecutive per-user seqs, in `s`'s transaction; returns them with their seqs, in order. */
  async append(s: ClientSession, events: readonly NewUserEvent[]): Promise<UserEvent[]> {
    if (events.length === 0) return [];
    const counts = new Map<string, number>();
    for (const e of events) {
      str(e.userId, 'event owner');
      str(e.kind, 'event kind');
      int(e.at, 'event time');
      counts.set(e.userId, (counts.get(e.userId) ?? 0) + 1);
    }
    const { eventHeads, userEvents } = this.ctx.models;
    await eventHeads.bulkWrite(
      [...counts].map(([userId, n]) => ({ updateOne: { filter: { _id: userId }, update: { $inc: { seq: n } }, upsert: true } })),
      { session: s, ordered: true },
    );
    const heads = await eventHeads.find({ _id: inStrings([...counts.keys()]) }).session(s).lean<EventHeadDoc[]>();
    const next = new Map<string, number>();
    for (const h of heads) next.set(h._id, h.seq - counts.get(h._id)! + 1);
    const docs: UserEventDoc[] = events.map((event) => {
      const { userId, kind, at, ...rest } = event as NewUserEvent & Record<string, unknown>;
      const seq = next.get(userId)!;
      next.set(userId, seq + 1);
      return { userId, seq, kind, at, payload: JSON.stringify(rest) };
    });
    await userEvents.insertMany(docs, { session: s, ordered: true });
    return docs.map(toEvent);
  }
}
