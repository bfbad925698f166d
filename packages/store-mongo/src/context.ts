import type { Message, MessageContent } from '@quickchat/protocol';
import type { Transact } from './connection.js';
import type { MessageDoc, Models } from './schemas.js';

/** What every part of the store shares: the models, transactions, and the clock for upload expiry. */
export interface Ctx {
  models: Models;
  transact: Transact;
  now: () => number;
}

/**
 * Orders strings as MongoDB and SQLite do (by UTF-8 bytes, i.e. code points), not by UTF-16 code
 * units as `<` would, so results sorted in memory agree with those sorted by the server.
 */
export function byCodePoint(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** A stored message document as the wire message. */
export function toMessage(d: MessageDoc): Message {
  return {
    id: d.id,
    conversationId: d.conversationId,
    seq: d.seq,
    senderId: d.senderId,
    clientMsgId: d.clientMsgId,
    content: JSON.parse(d.content) as MessageContent,
    createdAt: d.createdAt,
    ...(d.updatedSeq !== null && d.updatedSeq !== undefined ? { updatedSeq: d.updatedSeq } : {}),
    ...(d.editedAt !== null && d.editedAt !== undefined ? { editedAt: d.editedAt } : {}),
  };
}

/** Whether `user` is one of the two members named by a DM id (`dm:a~b`). */
export function inDm(conversationId: string, user: string): boolean {
  const tilde = conversationId.indexOf('~');
  return (
    (tilde === 3 + user.length && conversationId.startsWith(user, 3)) ||
    (conversationId.length - tilde - 1 === user.length && conversationId.endsWith(user))
  );
}
