import type { CallOutcome, CallRecordContent, CallState } from '@quickchat/protocol';
import type { Logger } from 'pino';
import type { Bus } from '../../bus/types.js';
import type { OpenCallRecord, Store } from '../../store/types.js';
import { messageFrameJson } from '../frame-json.js';
import { newMessageId } from '../message-ids.js';
import { publishJsonToUsers } from '../publish.js';
import type { Call } from './call.js';

/**
 * The idempotency key of a call's record. The colon is outside what a client's `clientMsgId`
 * may hold, so no client can write under this key first and suppress the record.
 */
export function recordKey(callId: string): string {
  return `call:${callId}`;
}

/**
 * The outcome of a call the server ends because it stops (gracefully, or found at the next start
 * after a crash): `completed` once media flowed, else `failed`, whether it was still ringing or
 * answered but not yet connected. Nobody declined, cancelled or missed it, so none of those.
 */
export function outcomeAtStop(state: Exclude<CallState, 'ended'>): CallOutcome {
  return state === 'connected' ? 'completed' : 'failed';
}

/**
 * Appends a record to the call's DM and closes the call's row in the store's journal, in one
 * transaction (`Store.closeCall`): a seq like any message, so sync and history carry it to every
 * device, in the caller's name; then publishes it to both users. Idempotent: the key is the
 * call's, so a second write stores nothing new.
 */
async function appendRecord(
  store: Store,
  bus: Bus,
  log: Logger,
  call: { callId: string; conversationId: string; callerId: string; calleeId: string },
  content: CallRecordContent,
  createdAt: number,
): Promise<void> {
  const contentJson = JSON.stringify(content);
  try {
    const result = await store.closeCall(call.callId, {
      id: newMessageId(),
      conversationId: call.conversationId,
      senderId: call.callerId,
      clientMsgId: recordKey(call.callId),
      content,
      contentJson,
      createdAt,
    });
    if (result.status !== 'stored') {
      if (result.status !== 'duplicate') log.error({ callId: call.callId, status: result.status }, 'call record not stored');
      return;
    }
    publishJsonToUsers(bus, [call.callerId, call.calleeId], messageFrameJson(result.message, contentJson));
  } catch (err) {
    log.error({ err, callId: call.callId }, 'call record failed');
  }
}

/** Writes an ended call's record (see {@link appendRecord}); never throws. */
export function writeCallRecord(store: Store, bus: Bus, log: Logger, call: Call): Promise<void> {
  return appendRecord(store, bus, log, call, call.record(), call.endedAt ?? Date.now());
}

/**
 * The record of a call a previous run left open (it stopped without ending it): outcome by how
 * far the call got ({@link outcomeAtStop}), `interrupted`. A connected call's duration runs to
 * the last moment that run is known to have been up (`lastWriteAt`, the store's last write before
 * this start), so it is a lower bound; without that moment it is left out.
 */
export function leftOpenRecord(call: OpenCallRecord, lastWriteAt: number | null): CallRecordContent {
  const connected = call.connectedAt !== null;
  return {
    type: 'call',
    callId: call.callId,
    callerId: call.callerId,
    outcome: outcomeAtStop(connected ? 'connected' : 'ringing'),
    media: call.media,
    ...(connected && lastWriteAt !== null ? { durationMs: Math.max(0, lastWriteAt - call.connectedAt!) } : {}),
    interrupted: true,
  };
}

/**
 * Records one call the journal holds for a node that is gone (it stopped without ending the call:
 * a crash, `kill -9`): its one record now (see {@link leftOpenRecord}), with a duration up to
 * `upTo`, closing its row in the same transaction; a record already there (same key) is not
 * written twice.
 */
export async function closeLeftOpenCall(store: Store, bus: Bus, log: Logger, call: OpenCallRecord, upTo: number | null, now: number): Promise<void> {
  const content = leftOpenRecord(call, upTo);
  log.warn({ callId: call.callId, ownerNode: call.ownerNode, outcome: content.outcome, durationMs: content.durationMs }, 'call left open by a node that is gone: recorded as interrupted');
  await appendRecord(store, bus, log, call, content, now);
}
