import type { Logger } from 'pino';
import type { Bus } from '../../bus/types.js';
import type { Store } from '../../store/types.js';
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
 * Appends an ended call's record to its DM through the store's append path (a seq like any
 * message, so sync and history carry it to every device), in the caller's name, and publishes it
 * to both users. Idempotent: the key is the call's, so a second write stores nothing new.
 */
export async function writeCallRecord(store: Store, bus: Bus, log: Logger, call: Call): Promise<void> {
  const content = call.record();
  const contentJson = JSON.stringify(content);
  try {
    const [result] = await store.appendMessages([
      { id: newMessageId(), conversationId: call.conversationId, senderId: call.callerId, clientMsgId: recordKey(call.callId), content, contentJson, createdAt: call.endedAt ?? Date.now() },
    ]);
    if (result?.status !== 'stored') {
      if (result?.status !== 'duplicate') log.error({ callId: call.callId, status: result?.status }, 'call record not stored');
      return;
    }
    publishJsonToUsers(bus, [call.callerId, call.calleeId], messageFrameJson(result.message, contentJson));
  } catch (err) {
    log.error({ err, callId: call.callId }, 'call record failed');
  }
}
