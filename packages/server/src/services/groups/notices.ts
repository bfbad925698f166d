import type { GroupBrief, GroupChange as Change, GroupRole, SystemContent } from '@quickchat/protocol';
import type { GroupRecord, NewMessage, NewUserEvent } from '../../store/types.js';
import { newMessageId } from '../message-ids.js';

/**
 * A stored system notice from `actorId`. Its idempotency key is fresh (the server never repeats
 * a change), and its content is the server's own: no client frame can carry `type: 'system'`.
 */
export function systemMessage(conversationId: string, actorId: string, content: Omit<SystemContent, 'type' | 'actorId'>, at: number): NewMessage {
  const id = newMessageId();
  const full: SystemContent = { type: 'system', ...content, actorId };
  return { id, conversationId, senderId: actorId, clientMsgId: `sys_${id.slice(2)}`, content: full, contentJson: JSON.stringify(full), createdAt: at };
}

/** What a conversation list and an invite show of a group, as `viewerRole` sees it. */
export function groupBrief(group: GroupRecord, viewerRole: GroupRole | null): GroupBrief {
  return { name: group.name, avatarUrl: group.avatarUrl, memberCount: group.memberCount, role: viewerRole };
}

/** Optional parts of a group event. */
export interface GroupEventDetails {
  role?: GroupRole;
  memo?: string;
  group?: GroupBrief;
}

/** A `group` user event for `owner`: `change` happened to `subjectId`, caused by `actorId`. */
export function groupEvent(owner: string, conversationId: string, change: Change, actorId: string, subjectId: string, at: number, details: GroupEventDetails = {}): NewUserEvent {
  return {
    userId: owner,
    kind: 'group',
    at,
    conversationId,
    change,
    actorId,
    subjectId,
    ...(details.role !== undefined ? { role: details.role } : {}),
    ...(details.memo !== undefined ? { memo: details.memo } : {}),
    ...(details.group !== undefined ? { group: details.group } : {}),
  };
}
