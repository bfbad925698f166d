import type { ConversationsState } from '@quickchat/sdk';

/** Total unread messages across conversations: the launcher's badge, `onUnreadChange`, the title badge. */
export function totalUnread(conversations: ConversationsState): number {
  let total = 0;
  for (const c of Object.values(conversations)) total += c.unread;
  return total;
}
