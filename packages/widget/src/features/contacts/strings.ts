import { useEnv } from '../../state/context.js';
import { fillPlaceholders, type Locale, type MessageKey } from '../../i18n/index.js';

/**
 * The Contacts screen's words (friends, requests, blocks, adding a friend), in every locale. They
 * load with the screen's chunk; the entry's catalogues (i18n/) keep only those shown elsewhere.
 * Every locale has exactly these keys with the same `{placeholders}` (tested).
 */
const en = {
  'contacts.add': 'Add a friend',
  'contacts.handle': 'Their handle',
  'contacts.memo': 'Note to them (optional)',
  'contacts.send': 'Send friend request',
  'contacts.requested': 'Friend request sent to {name}.',
  'contacts.nowFriends': 'You and {name} are now friends.',
  'contacts.noSuchHandle': 'No one has that handle.',
  'contacts.self': 'That’s your own handle.',
  'contacts.conflict': 'You’re already friends, or you blocked them.',
  'contacts.incoming': 'Friend requests',
  'contacts.outgoing': 'Sent requests',
  'contacts.friends': 'Friends',
  'contacts.blocked': 'Blocked',
  'contacts.none': 'No friends yet. Add one by their handle.',
  'contacts.removedYou': 'Removed you as a friend',
  'contacts.accept': 'Accept',
  'contacts.acceptName': 'Accept {name}',
  'contacts.decline': 'Decline',
  'contacts.declineName': 'Decline {name}',
  'contacts.cancel': 'Cancel',
  'contacts.cancelName': 'Cancel request to {name}',
  'contacts.declined': '{name} didn’t accept your request',
  'contacts.declinedNote': 'Didn’t accept your request',
  'contacts.dismissName': 'Dismiss the notice about {name}',
  'contacts.message': 'Message',
  'contacts.messageName': 'Message {name}',
  'contacts.more': 'More actions for {name}',
  'contacts.removeFriend': 'Remove friend',
  'contacts.remove': 'Remove',
  'contacts.removeTitle': 'Remove {name}?',
  'contacts.removeBody': '{name} will no longer be your friend. Your chat history stays.',
  'contacts.block': 'Block',
  'contacts.blockTitle': 'Block {name}?',
  'contacts.blockBody': '{name} won’t be able to message you or send you friend requests.',
  'contacts.unblock': 'Unblock',
  'contacts.unblockName': 'Unblock {name}',
} as const;

/** A key of the Contacts screen's own words. */
export type ContactsKey = keyof typeof en;

const zhCN: Record<ContactsKey, string> = {
  'contacts.add': '添加好友',
  'contacts.handle': '对方的用户名',
  'contacts.memo': '附言（可选）',
  'contacts.send': '发送好友请求',
  'contacts.requested': '已向 {name} 发送好友请求。',
  'contacts.nowFriends': '你和 {name} 已成为好友。',
  'contacts.noSuchHandle': '没有使用该用户名的人。',
  'contacts.self': '这是你自己的用户名。',
  'contacts.conflict': '你们已经是好友，或你已将对方拉黑。',
  'contacts.incoming': '好友请求',
  'contacts.outgoing': '已发送的请求',
  'contacts.friends': '好友',
  'contacts.blocked': '已拉黑',
  'contacts.none': '还没有好友。输入对方的用户名来添加。',
  'contacts.removedYou': '已将你移出好友',
  'contacts.accept': '接受',
  'contacts.acceptName': '接受 {name}',
  'contacts.decline': '拒绝',
  'contacts.declineName': '拒绝 {name}',
  'contacts.cancel': '取消',
  'contacts.cancelName': '取消发给 {name} 的请求',
  'contacts.declined': '{name} 没有接受你的好友请求',
  'contacts.declinedNote': '没有接受你的好友请求',
  'contacts.dismissName': '关闭关于 {name} 的提示',
  'contacts.message': '发消息',
  'contacts.messageName': '给 {name} 发消息',
  'contacts.more': '{name} 的更多操作',
  'contacts.removeFriend': '删除好友',
  'contacts.remove': '删除',
  'contacts.removeTitle': '删除 {name}？',
  'contacts.removeBody': '{name} 将不再是你的好友，聊天记录会保留。',
  'contacts.block': '拉黑',
  'contacts.blockTitle': '拉黑 {name}？',
  'contacts.blockBody': '{name} 将无法给你发消息或发送好友请求。',
  'contacts.unblock': '取消拉黑',
  'contacts.unblockName': '取消拉黑 {name}',
};

/** The words by locale. */
export const CONTACTS_STRINGS: Record<Locale, Record<ContactsKey, string>> = { en, 'zh-CN': zhCN };

/** Translates the screen's own words and the entry's, in the widget's locale. */
export type ContactsTranslate = (key: ContactsKey | MessageKey, vars?: Record<string, string | number>) => string;

/** A translator for the Contacts screen: its own words, else the entry's (`t`). */
export function useContactsText(): ContactsTranslate {
  const { t, locale } = useEnv();
  const words: Partial<Record<string, string>> = CONTACTS_STRINGS[locale];
  return (key, vars = {}) => {
    const text = words[key];
    return text === undefined ? t(key as MessageKey, vars) : fillPlaceholders(text, vars);
  };
}
