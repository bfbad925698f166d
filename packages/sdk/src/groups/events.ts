import type { GroupBrief, GroupChange, GroupRole } from '@quickchat/protocol';
import type { GroupUserEvent } from '../events.js';

/** What every group event tells: one `group` user event, live or replayed by sync. */
export interface GroupEventContext {
  /** The group's conversation id (`g:…`). */
  groupId: string;
  /** Whom it is about: you, or (in an owner's or admin's inbox) the user who asked to join. */
  subjectId: string;
  /** Who caused it (the subject themselves when they acted). */
  actorId: string;
  /** Server time of the change (ms). */
  at: number;
  /** With `roleChanged` and `joined`: the subject's role now. */
  role?: GroupRole;
  /** With `requested`: the requester's memo. */
  memo?: string;
  /** With `invited`, `joined` and `requested`: the group as it is now. */
  group?: GroupBrief;
  /** The user event as the server sent it. */
  event: GroupUserEvent;
}

type Listener = (context: GroupEventContext) => void;

/**
 * The events of a {@link GroupsManager} (`groupsOf(client).on(name, listener)`), one per
 * `change` of a `group` user event. Each listener receives a {@link GroupEventContext}. The
 * client's stores are updated before they fire.
 */
export interface GroupEvents {
  /** You were invited to a group (`group`: what it is). Accept or decline with `acceptInvite`/`declineInvite`. */
  invited: Listener;
  /** You declined an invite (on another of your devices). */
  inviteDeclined: Listener;
  /** An invite to you was withdrawn (by the inviter or an admin, or the group was dissolved). */
  inviteCancelled: Listener;
  /**
   * A join request: yours (on your other devices), or, for a group you own or administer,
   * `subjectId`'s (with `memo`): answer with `approve`/`decline`.
   */
  requested: Listener;
  /** A join request was withdrawn by its requester (yours, or one in your admin inbox). */
  requestCancelled: Listener;
  /** A join request in your admin inbox was approved (by you or another admin). */
  requestApproved: Listener;
  /** A join request was declined: yours, or one in your admin inbox. */
  requestDeclined: Listener;
  /** You joined a group (created it, were added, accepted an invite, or were approved). Its conversation is being loaded. */
  joined: Listener;
  /** You left a group (on this or another device). Its conversation is `left`. */
  left: Listener;
  /** You were removed from a group. Its conversation is `left`. */
  removed: Listener;
  /** Your role in a group changed (`role`): made admin or member, or given (or handed on) ownership. */
  roleChanged: Listener;
  /** A group you were in was dissolved. Its conversation is `left`. */
  dissolved: Listener;
}

/** The {@link GroupEvents} name of each protocol `change`. */
export const EVENT_OF: Readonly<Record<GroupChange, keyof GroupEvents>> = {
  invited: 'invited',
  invite_declined: 'inviteDeclined',
  invite_cancelled: 'inviteCancelled',
  requested: 'requested',
  request_cancelled: 'requestCancelled',
  request_approved: 'requestApproved',
  request_declined: 'requestDeclined',
  joined: 'joined',
  left: 'left',
  removed: 'removed',
  role: 'roleChanged',
  dissolved: 'dissolved',
};

/** The context of a `group` user event. */
export function contextOf(event: GroupUserEvent): GroupEventContext {
  const { conversationId: groupId, subjectId, actorId, at, role, memo, group } = event;
  return { groupId, subjectId, actorId, at, event, ...(role ? { role } : {}), ...(memo !== undefined ? { memo } : {}), ...(group ? { group } : {}) };
}
