import { ErrorCode, type GroupRole, type MessageContent, type Quote, type TextContent } from '@quickchat/protocol';
import type { MessageRules } from './conversations.js';

/**
 * The rules of rich messages (replies, edits, deletes, reactions, mentions), written once for
 * every store backend: pure functions of the values a backend read inside its transaction. Each
 * returns a `Refusal` (with the sentence people see) or null, or the value to store; the backend
 * keeps its own reads and writes.
 */

/** Why a rich message was refused: a protocol error code and a sentence for people. */
export interface Refusal {
  refused: true;
  code: ErrorCode;
  reason: string;
}

/** What the appender stores for a rich item, and what the caller learns beyond the stored message. */
export interface PreparedRich {
  /** The content to store (files described, mutation entries as sent). */
  content: MessageContent;
  /** For mutations: the seq they change. */
  target: number | null;
  quote?: Quote;
  /** Blob keys of files a delete released. */
  released?: string[];
}

/** A stored message as the rules need it (`content` is the stored JSON; `target` set on mutation entries). */
export interface StoredMessage {
  seq: number;
  senderId: string;
  createdAt: number;
  target?: number | null;
  content: string;
}

/** The longest quoted text a reply carries. */
export const QUOTE_LENGTH = 200;

/** A refusal with `code` and `reason`. */
export const refuse = (code: ErrorCode, reason: string): Refusal => ({ refused: true, code, reason });

/**
 * The text message `row` read at `seq` (null when none), usable by an item that gets seq `before`
 * from a member whose history starts after `floor`; or why it can't be replied to or changed.
 */
export function checkTarget(row: StoredMessage | null | undefined, floor: number, seq: number, before: number): { text: TextContent } | Refusal {
  if (!row || seq >= before || (row.target !== null && row.target !== undefined) || seq <= floor) {
    return refuse(ErrorCode.NotFound, `there is no message ${seq} in this conversation`);
  }
  const content = JSON.parse(row.content) as MessageContent;
  if (content.type === 'deleted') return refuse(ErrorCode.NotFound, `message ${seq} was deleted`);
  if (content.type !== 'text') return refuse(ErrorCode.Forbidden, `message ${seq} is a notice: it can't be edited, deleted, reacted to or replied to`);
  return { text: content };
}

/** Whether `senderId` may edit `target` at `createdAt`: only one's own message, within the edit window. */
export function checkEdit(target: Pick<StoredMessage, 'senderId' | 'createdAt'>, senderId: string, createdAt: number, rules: MessageRules): Refusal | null {
  if (target.senderId !== senderId) return refuse(ErrorCode.Forbidden, 'you can edit only your own messages');
  if (rules.editWindowMs !== null && createdAt - target.createdAt > rules.editWindowMs) {
    return refuse(ErrorCode.Forbidden, `messages can be edited for ${duration(rules.editWindowMs)} after sending`);
  }
  return null;
}

/** The text `text` becomes after an edit: the new text, and the edit's mentions (or none). */
export function editedContent(text: TextContent, edit: { text: string; mentions?: string[] }): TextContent {
  const edited: TextContent = { ...text, text: edit.text };
  delete edited.mentions;
  if (edit.mentions) edited.mentions = edit.mentions;
  return edited;
}

/** Whether a member with role `actor` (none when not a member) may delete a message of one with role `author` (none: a member). */
export function mayModerate(actor: GroupRole | null | undefined, author: GroupRole | null | undefined, rules: MessageRules): boolean {
  if (!actor) return false;
  return rules.moderation[actor].includes(author ?? 'member');
}

/**
 * Whether `senderId` may delete a message of `authorId`: their own always; another's only when
 * `moderates` (see `mayModerate`; the backend reads the roles only for another's message).
 */
export function checkDelete(authorId: string, senderId: string, moderates: boolean): Refusal | null {
  if (authorId === senderId || moderates) return null;
  return refuse(ErrorCode.Forbidden, 'you can delete only your own messages (and, as a group owner or admin, those of members you outrank)');
}

/** Whether a reaction can be added (`active`) or taken back, given whether the sender already reacted with it (`mine`). */
export function checkReaction(reaction: { emoji: string; active: boolean }, mine: boolean): Refusal | null {
  if (reaction.active && mine) return refuse(ErrorCode.Conflict, `you already reacted with ${reaction.emoji}`);
  if (!reaction.active && !mine) return refuse(ErrorCode.Conflict, `you have not reacted with ${reaction.emoji}`);
  return null;
}

/** Whether `emoji` can be added to a message already carrying the different emoji `used`: the limit binds only a new one. */
export function checkReactionLimit(emoji: string, used: readonly string[], rules: MessageRules): Refusal | null {
  if (used.includes(emoji) || used.length < rules.maxReactions) return null;
  return refuse(ErrorCode.Conflict, `a message can carry at most ${rules.maxReactions} different reactions`);
}

/** Whether everyone in `ids` but the sender is a member (`isMember`); refuses the first who isn't. */
export function checkMentions(ids: readonly string[], senderId: string, isMember: (userId: string) => boolean): Refusal | null {
  const outsider = ids.find((id) => id !== senderId && !isMember(id));
  return outsider === undefined ? null : refuse(ErrorCode.Validation, `mentions: ${outsider} is not a member of this conversation`);
}

/** A quote of `message` as it is now: its text clipped to QUOTE_LENGTH, its file count, whether deleted. */
export function quoteOf(message: Pick<StoredMessage, 'seq' | 'senderId' | 'content'>): Quote {
  const content = JSON.parse(message.content) as MessageContent;
  const deleted = content.type === 'deleted';
  const text = content.type === 'text' ? clip(content.text, QUOTE_LENGTH) : '';
  const attachments = content.type === 'text' ? (content.attachments?.length ?? 0) : 0;
  return { seq: message.seq, senderId: message.senderId, text, attachments, deleted };
}

/** The first `max` UTF-16 units of `text`, never ending in half a surrogate pair. */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max);
  return /[\uD800-\uDBFF]$/.test(cut) ? cut.slice(0, -1) : cut;
}

/** `50 ms`, `90 s`, `15 min`: a window as people read it. */
export function duration(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  if (ms < 120_000) return `${Math.round(ms / 1000)} s`;
  return `${Math.round(ms / 60_000)} min`;
}
