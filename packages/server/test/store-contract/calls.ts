import { describe, expect, it } from 'vitest';
import type { CallRecordContent } from '@quickchat/protocol';
import type { NewMessage, NewOpenCall, OpenCallRecord } from '../../src/store/types.js';
import { A, AB, AC, B, C, create, messageOf, messages, MISSING, seqs, useStore, type OpenStore } from './support.js';

/**
 * The {@link CallJournalStore} part of the contract: the journal of open calls that lets a call in
 * progress when the server stopped still get its one record at the next start.
 */
export function callJournalStoreContract(open: OpenStore): void {
  describe('call journal', () => {
    const t = useStore(open);
    const msg = messages();
    const call = (callId: string, conversationId = AB, startedAt = 100, ownerNode = 'n_one'): NewOpenCall => ({
      callId,
      conversationId,
      callerId: A,
      calleeId: conversationId === AB ? B : C,
      media: { audio: true, video: false },
      startedAt,
      ownerNode,
    });
    const opened = (c: NewOpenCall, connected?: { acceptedAt: number; connectedAt: number }): OpenCallRecord => ({
      ...c,
      acceptedAt: connected?.acceptedAt ?? null,
      connectedAt: connected?.connectedAt ?? null,
    });
    const record = (c: NewOpenCall, outcome: CallRecordContent['outcome'] = 'completed', createdAt = 500): NewMessage => ({
      id: `m_rec_${c.callId}_${createdAt}`,
      conversationId: c.conversationId,
      senderId: c.callerId,
      clientMsgId: `call:${c.callId}`,
      content: { type: 'call', callId: c.callId, callerId: c.callerId, outcome, media: c.media },
      createdAt,
    });
    const openIds = async () => (await t.store.listOpenCalls()).calls.map((c) => c.callId);

    it('starts empty', async () => {
      expect((await t.store.listOpenCalls()).calls).toEqual([]);
    });

    it('keeps open calls, oldest first, with when they connected', async () => {
      const { store } = t;
      const late = call('c_late', AB, 300);
      const early = call('c_early', AC, 200);
      const tie = call('c_a_tie', AB, 300);
      await store.openCall(late);
      await store.openCall(early);
      await store.openCall(tie);
      await store.markCallConnected('c_late', { acceptedAt: 310, connectedAt: 320 });
      expect((await store.listOpenCalls()).calls).toEqual([opened(early), opened(tie), opened(late, { acceptedAt: 310, connectedAt: 320 })]);
    });

    it('keeps the node that owns each call (what a node checks before it closes a call it did not run)', async () => {
      const { store } = t;
      const mine = call('c_mine', AB, 100, 'n_one');
      const theirs = call('c_theirs', AC, 200, 'n_two:7f3a');
      await store.openCall(mine);
      await store.openCall(theirs);
      await store.markCallConnected('c_theirs', { acceptedAt: 210, connectedAt: 220 });
      const { calls } = await store.listOpenCalls();
      expect(calls.map((c) => [c.callId, c.ownerNode])).toEqual([['c_mine', 'n_one'], ['c_theirs', 'n_two:7f3a']]);
      expect(calls).toEqual([opened(mine), opened(theirs, { acceptedAt: 210, connectedAt: 220 })]);
      // A second open of the same id (another node, a retry) does not take the call over.
      await store.openCall({ ...mine, ownerNode: 'n_three' });
      expect((await store.listOpenCalls()).calls[0]).toMatchObject({ callId: 'c_mine', ownerNode: 'n_one' });
    });

    it('opening a call twice keeps the first row; connecting a call that is not open changes nothing', async () => {
      const { store } = t;
      const c = call('c_1');
      await store.openCall(c);
      await store.markCallConnected('c_1', { acceptedAt: 110, connectedAt: 120 });
      await store.openCall({ ...c, startedAt: 999, media: { audio: true, video: true } });
      await store.markCallConnected('c_unknown', { acceptedAt: 1, connectedAt: 2 });
      expect((await store.listOpenCalls()).calls).toEqual([opened(c, { acceptedAt: 110, connectedAt: 120 })]);
    });

    it('closing a call appends its record as a message and removes its row, together', async () => {
      const { store } = t;
      await create(store, AB);
      await store.appendMessages([msg(AB, B, 'before')]);
      const c = call('c_1');
      const other = call('c_2');
      await store.openCall(c);
      await store.openCall(other);
      const rec = record(c);
      const result = await store.closeCall('c_1', rec);
      expect(result).toEqual({ status: 'stored', message: { id: rec.id, conversationId: AB, seq: 2, senderId: A, clientMsgId: 'call:c_1', content: rec.content, createdAt: 500 } });
      expect(await openIds()).toEqual(['c_2']);
      const page = await store.getMessages(AB, { limit: 10 });
      expect(seqs(page.messages)).toEqual([1, 2]);
      expect(page.messages[1]).toEqual(messageOf(result));
    });

    it('a call is recorded once: closing it again, or a record already stored under its key, writes no second record', async () => {
      const { store } = t;
      await create(store, AB);
      const c = call('c_1');
      await store.openCall(c);
      const first = await store.closeCall('c_1', record(c, 'completed', 500));
      expect(await store.closeCall('c_1', record(c, 'failed', 600))).toEqual({ status: 'duplicate', message: messageOf(first) });

      // A record stored first (the append path), then the row closed: the row goes, the record stays one.
      const d = call('c_2');
      await store.openCall(d);
      const [direct] = await store.appendMessages([record(d, 'missed', 700)]);
      expect(await store.closeCall('c_2', record(d, 'failed', 800))).toEqual({ status: 'duplicate', message: messageOf(direct) });
      expect(await openIds()).toEqual([]);
      const records = (await store.getMessages(AB, { limit: 10 })).messages.map((m) => (m.content as CallRecordContent).outcome);
      expect(records).toEqual(['completed', 'missed']);
    });

    it('the row is removed even when the record cannot be stored (no conversation, not a member), since no later attempt could store it', async () => {
      const { store } = t;
      await create(store, AB);
      const lost = call('c_lost', MISSING);
      await store.openCall(lost);
      expect(await store.closeCall('c_lost', record(lost))).toEqual({ status: 'no_conversation' });
      const stranger = call('c_stranger');
      await store.openCall(stranger);
      expect(await store.closeCall('c_stranger', { ...record(stranger), senderId: C })).toEqual({ status: 'not_member' });
      expect(await openIds()).toEqual([]);
      expect((await store.getMessages(AB, { limit: 10 })).messages).toEqual([]);
    });

    it('closing a call that is not open only appends its record', async () => {
      const { store } = t;
      await create(store, AB);
      await store.openCall(call('c_other'));
      const busy = call('c_busy');
      expect(await store.closeCall('c_busy', record(busy, 'busy'))).toMatchObject({ status: 'stored', message: { seq: 1 } });
      expect(await openIds()).toEqual(['c_other']);
    });

    it('open calls survive a restart, and the store says when it was last written before it', async () => {
      const before = Date.now();
      const c = call('c_1');
      await t.store.openCall(c);
      await t.store.openCall(call('c_2', AC, 150));
      await t.store.markCallConnected('c_1', { acceptedAt: 110, connectedAt: 120 });
      await t.store.closeCall('c_2', record(call('c_2', AC)));
      const store = await t.reopen();
      const left = await store.listOpenCalls();
      expect(left.calls).toEqual([opened(c, { acceptedAt: 110, connectedAt: 120 })]);
      // Null when the backend cannot tell; else no later than now, and not before the writes
      // (file times may be a clock tick behind the clock the test reads).
      if (left.lastWriteAt !== null) {
        expect(left.lastWriteAt).toBeGreaterThanOrEqual(before - 1000);
        expect(left.lastWriteAt).toBeLessThanOrEqual(Date.now());
      }
    });
  });
}
