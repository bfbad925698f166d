import type { AppendResult, CallJournalStore, NewMessage, NewOpenCall, OpenCallRecord, OpenCalls } from '@quickchat/server';
import { checkMessage, type Appender } from './append.js';
import { isDuplicateKey } from './connection.js';
import type { Ctx } from './context.js';
import { bool, filters, int, str } from './filters.js';
import type { OpenCallDoc } from './schemas.js';

const toOpenCall = (d: OpenCallDoc): OpenCallRecord => ({
  callId: d._id,
  conversationId: d.conversationId,
  callerId: d.callerId,
  calleeId: d.calleeId,
  media: { audio: d.audio, video: d.video },
  startedAt: d.startedAt,
  ownerNode: d.ownerNode,
  acceptedAt: d.acceptedAt,
  connectedAt: d.connectedAt,
});

/**
 * {@link CallJournalStore} on MongoDB: the `open_calls` collection, one small document per call in
 * progress. Opening is an upsert with `$setOnInsert` and connecting one conditional update, each a
 * single-document write (atomic, no transaction needed, idempotent: a repeat changes nothing). A
 * call's record and the removal of its document commit in one transaction with the appender.
 *
 * `lastWriteAt` is null ("the backend cannot tell", which the interface allows): the database is
 * shared by every node, so no instance can tell when the run before it stopped from it, and MongoDB
 * keeps no time of last write to read. Calls left open by a node that is gone are found by their
 * `ownerNode` instead.
 */
export class MongoCallJournal implements CallJournalStore {
  constructor(
    private readonly ctx: Ctx,
    private readonly appender: Appender,
  ) {}

  async openCall(call: NewOpenCall): Promise<void> {
    const filter = filters.call(call.callId);
    const fresh = {
      conversationId: str(call.conversationId, 'conversation id'),
      callerId: str(call.callerId, 'caller id'),
      calleeId: str(call.calleeId, 'callee id'),
      audio: bool(call.media.audio, 'audio'),
      video: bool(call.media.video, 'video'),
      startedAt: int(call.startedAt, 'startedAt'),
      ownerNode: str(call.ownerNode, 'owner node'),
      acceptedAt: null,
      connectedAt: null,
    };
    try {
      await this.ctx.models.openCalls.updateOne(filter, { $setOnInsert: fresh }, { upsert: true });
    } catch (err) {
      // The same call opened twice at once: the first row stays, as documented.
      if (!isDuplicateKey(err)) throw err;
    }
  }

  async markCallConnected(callId: string, at: { acceptedAt: number; connectedAt: number }): Promise<void> {
    const set = { acceptedAt: int(at.acceptedAt, 'acceptedAt'), connectedAt: int(at.connectedAt, 'connectedAt') };
    await this.ctx.models.openCalls.updateOne(filters.call(callId), { $set: set });
  }

  async closeCall(callId: string, record: NewMessage): Promise<AppendResult> {
    const filter = filters.call(callId);
    checkMessage(record);
    return this.ctx.transact(async (s) => {
      const [result] = await this.appender.append(s, [record]);
      await this.ctx.models.openCalls.deleteOne(filter, { session: s });
      return result!;
    });
  }

  async listOpenCalls(): Promise<OpenCalls> {
    const docs = await this.ctx.models.openCalls.find({}).sort({ startedAt: 1, _id: 1 }).lean<OpenCallDoc[]>();
    return { calls: docs.map(toOpenCall), lastWriteAt: null };
  }
}
