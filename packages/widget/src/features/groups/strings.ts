import { useEnv } from '../../state/context.js';
import { wordsTranslator, type Locale } from '../../i18n/index.js';

/**
 * The group screens' words, in every locale. They load with the screen's lazy chunk rather than sit in the
 * entry's catalogues (i18n/), which hold only the words of the entry point into it. Every locale
 * has exactly these keys with the same `{placeholders}` (tested).
 */
const en = {
  back: 'Back to the chat',
  name: 'Group name',
  avatarUrl: 'Group picture URL (optional, https://…)',
  pickFriends: 'Friends to add',
  noFriends: 'You have no friends to add yet. You can create the group now and add people later.',
  create: 'Create group',
  needName: 'Enter a name for the group.',
  badAvatar: 'The picture must be an http(s) link to an image.',
  memberCount: '{count} members',
  memberCountOne: '1 member',
  members: 'Members',
  moreMembers: 'Show more members',
  roleOwner: 'Owner',
  roleAdmin: 'Admin',
  roleMember: 'Member',
  you: 'You',
  memberActions: 'More actions for {name}',
  makeAdmin: 'Make admin',
  makeMember: 'Remove as admin',
  makeOwner: 'Make owner',
  remove: 'Remove from group',
  removeTitle: 'Remove {name}?',
  removeBody: '{name} will be removed from “{group}” and stop receiving its messages.',
  transferTitle: 'Make {name} the owner?',
  transferBody: '{name} will own “{group}”, and you’ll become an admin. Only the new owner can undo this.',
  leave: 'Leave group',
  leaveTitle: 'Leave “{group}”?',
  leaveBody: 'You’ll stop receiving its messages. What you already have stays readable here.',
  ownerLeave: 'To leave, make another member the owner first.',
  dissolve: 'Dissolve group',
  dissolveTitle: 'Dissolve “{group}”?',
  dissolveBody: 'The group ends for everyone: nobody can send to it again. This can’t be undone.',
  edit: 'Edit name and picture',
  save: 'Save',
  saved: 'Saved.',
  invite: 'Invite friends',
  inviteNone: 'All your friends are already in this group.',
  inviteSend: 'Add to group',
  outcome: 'Added {added}, invited {invited}.',
  requests: 'Requests to join',
  approve: 'Approve',
  approveName: 'Approve {name}',
  decline: 'Decline',
  declineName: 'Decline {name}',
  invalid: 'Check the fields: a name of up to 64 characters on one line, and an http(s) image link (not SVG).',
  limit: 'A limit was reached: the group is full, too many requests are waiting, or that person owns as many groups as allowed.',
  forbidden: 'Your role in this group doesn’t allow that.',
  gone: 'This group no longer exists, or you’re no longer in it.',
} as const;

/** A key of useGroupText's words. */
export type GroupText = keyof typeof en;

const zhCN: Record<GroupText, string> = {
  back: '返回聊天',
  name: '群组名称',
  avatarUrl: '群头像链接（可选，https://…）',
  pickFriends: '要加入的好友',
  noFriends: '你还没有可以加入的好友。可以先创建群组，稍后再添加成员。',
  create: '创建群组',
  needName: '请输入群组名称。',
  badAvatar: '群头像必须是 http(s) 图片链接。',
  memberCount: '{count} 位成员',
  memberCountOne: '1 位成员',
  members: '成员',
  moreMembers: '显示更多成员',
  roleOwner: '群主',
  roleAdmin: '管理员',
  roleMember: '成员',
  you: '你',
  memberActions: '{name} 的更多操作',
  makeAdmin: '设为管理员',
  makeMember: '取消管理员',
  makeOwner: '转让群主',
  remove: '移出群组',
  removeTitle: '移出 {name}？',
  removeBody: '{name} 将被移出“{group}”，不再收到群消息。',
  transferTitle: '将群主转让给 {name}？',
  transferBody: '{name} 将成为“{group}”的群主，你将成为管理员。只有新群主可以撤销。',
  leave: '退出群组',
  leaveTitle: '退出“{group}”？',
  leaveBody: '你将不再收到群消息。已有的消息仍可在此查看。',
  ownerLeave: '如需退出，请先将群主转让给其他成员。',
  dissolve: '解散群组',
  dissolveTitle: '解散“{group}”？',
  dissolveBody: '群组将对所有人结束，任何人都不能再发送消息。此操作无法撤销。',
  edit: '修改名称和头像',
  save: '保存',
  saved: '已保存。',
  invite: '邀请好友',
  inviteNone: '你的好友都已在本群中。',
  inviteSend: '加入群组',
  outcome: '已加入 {added} 人，已邀请 {invited} 人。',
  requests: '入群申请',
  approve: '同意',
  approveName: '同意 {name}',
  decline: '拒绝',
  declineName: '拒绝 {name}',
  invalid: '请检查填写内容：名称最多 64 个字符且只有一行，头像必须是 http(s) 图片链接（不支持 SVG）。',
  limit: '已达到上限：群组已满、待处理的申请过多，或对方拥有的群组已达上限。',
  forbidden: '你在本群的角色不能执行此操作。',
  gone: '该群组已不存在，或你已不在群中。',
};

/** The words by locale. */
export const GROUP_STRINGS: Record<Locale, Record<GroupText, string>> = { en, 'zh-CN': zhCN };

/** A translator for these words in the widget's locale, filling `{name}` placeholders from `vars` (as the entry's `t` does). */
export function useGroupText(): (key: GroupText, vars?: Record<string, string | number>) => string {
  const { locale } = useEnv();
  return wordsTranslator(GROUP_STRINGS[locale]);
}
