import type { Locale, Translate } from '../../i18n/index.js';
import { errorKey, rootError } from '../../util/errors.js';
import type { RichAction, RichWords } from '../../state/widget-client.js';

/**
 * Rich messages' words that show only after their chunk loaded (dialogs, refusals, the mention
 * list), in every locale. They load with the chunk rather than sit in the entry's catalogues
 * (i18n/), which hold only the words every thread shows. Every locale has exactly these keys
 * (tested).
 */
const en: RichWords = {
  replyingTo: 'Replying to {name}',
  editing: 'Editing your message',
  deleteTitle: 'Delete this message?',
  deleteBody: 'It will be deleted for everyone in this chat. This can’t be undone.',
  reactTitle: 'Add a reaction',
  quick: 'Quick reactions',
  mentionList: 'Members to mention',
  notLoaded: 'The original message isn’t available.',
  editForbidden: 'This message can’t be edited any more: the time for editing it has passed.',
  deleteForbidden: 'You can’t delete this message: your role in this group doesn’t allow it.',
  forbidden: 'You’re not allowed to do that here.',
  gone: 'That message no longer exists: it may have just been deleted.',
  tooManyReactions: 'This message can’t take another kind of reaction: it has as many as a message may have.',
};

const zhCN: RichWords = {
  replyingTo: '回复 {name}',
  editing: '正在编辑你的消息',
  deleteTitle: '删除这条消息？',
  deleteBody: '这条消息将对聊天中的所有人删除，且无法撤销。',
  reactTitle: '添加表情回应',
  quick: '常用表情回应',
  mentionList: '可提及的成员',
  notLoaded: '原消息已无法查看。',
  editForbidden: '这条消息已不能编辑：可编辑的时间已过。',
  deleteForbidden: '你不能删除这条消息：你在本群的角色不允许。',
  forbidden: '你无权在这里执行此操作。',
  gone: '这条消息已不存在，可能刚被删除。',
  tooManyReactions: '这条消息的表情回应种类已达上限，无法再添加新的种类。',
};

/** The words by locale. */
export const RICH_WORDS: Readonly<Record<Locale, RichWords>> = { en, 'zh-CN': zhCN };

/**
 * Why the server refused an edit, a delete or a reaction, in words: the edit window passed, a
 * role that may not delete that message, a message deleted meanwhile, too many kinds of reaction;
 * otherwise the general wording (offline, rate limited…).
 */
export function explain(action: RichAction, err: unknown, t: Translate, locale: Locale): string {
  const w = RICH_WORDS[locale];
  const code = rootError(err)?.code;
  if (code === 'forbidden') return action === 'edit' ? w.editForbidden : action === 'delete' ? w.deleteForbidden : w.forbidden;
  if (code === 'not_found') return w.gone;
  if (code === 'conflict' && action === 'react') return w.tooManyReactions;
  return t(errorKey(err));
}
