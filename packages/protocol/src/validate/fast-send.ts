import type { SendFrame } from '../types.js';
import { PROTOCOL_LIMITS as L } from '../limits.js';
import { parseConversationId } from '../ids.js';

const CLIENT_MSG_ID = new RegExp(`^[A-Za-z0-9_-]{1,${L.maxClientMsgIdLength}}$`);

/** Conversation ids that passed recently (parsing is pure), so a chat's id is parsed once. */
const knownIds = new Set<string>();
/** Bound on {@link knownIds} (ids are at most 200 characters): past it, the set starts over. */
const KNOWN_IDS_MAX = 10_000;

/** The `conversationId` rule: at most 200 characters, and a well-formed DM or group id. */
function isConversationId(id: string): boolean {
  if (knownIds.has(id)) return true;
  if (id.length > 200 || parseConversationId(id) === null) return false;
  if (knownIds.size >= KNOWN_IDS_MAX) knownIds.clear();
  knownIds.add(id);
  return true;
}

/** The `requestId` rule: a string of at most 64 characters, or a non-negative safe integer (never -0). */
function isRequestId(id: unknown): id is string | number {
  return typeof id === 'string' ? id.length <= 64 : typeof id === 'number' && Number.isSafeInteger(id) && id >= 0 && !Object.is(id, -0);
}

/**
 * A hand-written check of the usual `send` frame (plain text content), for the server's hot path. It
 * returns exactly what the zod `sendFrame` schema returns (the same keys in the same order,
 * unknown keys dropped) when it is sure the frame is valid, and `undefined` otherwise. It never
 * refuses anything: on `undefined` the caller runs zod, so every refusal and its message still
 * comes from zod. `test/fast-send.test.ts` holds the two to the same answers.
 */
export function fastSendFrame(obj: Record<string, unknown>): SendFrame | undefined {
  const { id, conversationId, clientMsgId, content } = obj;
  if (obj['type'] !== 'send') return undefined;
  if (id !== undefined && !isRequestId(id)) return undefined;
  if (typeof conversationId !== 'string' || !isConversationId(conversationId)) return undefined;
  if (typeof clientMsgId !== 'string' || !CLIENT_MSG_ID.test(clientMsgId)) return undefined;
  if (typeof content !== 'object' || content === null || Array.isArray(content)) return undefined;
  const { type, text } = content as Record<string, unknown>;
  if (type !== 'text' || typeof text !== 'string' || text.length < 1 || text.length > L.maxTextLength) return undefined;
  // Plain text only: a reply, mentions or files go to zod, which checks and keeps them (other keys are dropped by both).
  if ('replyTo' in content || 'mentions' in content || 'attachments' in content) return undefined;
  const body = { type: 'text' as const, text };
  return id === undefined
    ? { type: 'send', conversationId, clientMsgId, content: body }
    : { type: 'send', id, conversationId, clientMsgId, content: body };
}
