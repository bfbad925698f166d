/**
 * Conversation identifiers. A conversation id names its kind, so new kinds
 * (groups, channels) can be added without changing any frame shape.
 *
 * - DM: `dm:<userA>~<userB>` with the two user ids sorted, so both ends compute the same id.
 * - Group: `g:<groupId>`.
 */

/** Kinds of conversation. Only `dm` is served today; `group` is reserved for the groups capability. */
export type ConversationKind = 'dm' | 'group';

/** Characters allowed in user ids (built-in `u_…` ids and bring-your-own `sub` claims). */
export const USER_ID_PATTERN = /^[A-Za-z0-9._:@-]{1,64}$/;

/** Returns the canonical DM conversation id for two users, independent of argument order. */
export function dmConversationId(a: string, b: string): string {
  return a < b ? `dm:${a}~${b}` : `dm:${b}~${a}`;
}

/** A parsed conversation id. */
export type ParsedConversationId =
  | { kind: 'dm'; members: [string, string] }
  | { kind: 'group'; groupId: string };

/** Parses a conversation id; returns `null` when it is malformed (never throws). */
export function parseConversationId(id: string): ParsedConversationId | null {
  if (id.startsWith('dm:')) {
    const parts = id.slice(3).split('~');
    if (parts.length !== 2) return null;
    const [a, b] = parts as [string, string];
    if (!USER_ID_PATTERN.test(a) || !USER_ID_PATTERN.test(b) || a >= b) return null;
    return { kind: 'dm', members: [a, b] };
  }
  if (id.startsWith('g:')) {
    const groupId = id.slice(2);
    return /^[A-Za-z0-9_-]{1,64}$/.test(groupId) ? { kind: 'group', groupId } : null;
  }
  return null;
}

/** For a DM id and one member, returns the other member; `null` if `userId` is not a member. */
export function dmPeer(conversationId: string, userId: string): string | null {
  const parsed = parseConversationId(conversationId);
  if (parsed?.kind !== 'dm') return null;
  const [a, b] = parsed.members;
  if (a === userId) return b;
  if (b === userId) return a;
  return null;
}
