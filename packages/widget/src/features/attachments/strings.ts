import { useEnv } from '../../state/context.js';
import { wordsTranslator, type Locale } from '../../i18n/index.js';

/**
 * The attachments' words, in every locale. They load with the attachments chunk; the entry's
 * catalogues (i18n/) hold only the attach button's name. Every locale has exactly these keys with the
 * same `{placeholders}` (tested).
 */
const en = {
  list: 'Attachments',
  open: 'Open image {name}',
  viewer: 'Image: {name}',
  close: 'Close',
  loadFailed: '{name} could not be loaded.',
  download: 'Download {name}',
  downloadFailed: 'The file could not be fetched.',
  tray: 'Files to send',
  uploading: 'Uploading {name}',
  cancel: 'Cancel uploading {name}',
  remove: 'Remove {name}',
  retry: 'Try again: upload {name}',
  ready: 'Ready to send',
  cancelled: 'Cancelled',
  tooLarge: 'Too large (max {max}).',
  tooMany: 'Too many files (max {max} per message).',
  type: 'This type of file can’t be sent.',
  name: 'This file name isn’t allowed.',
  empty: 'The file is empty.',
  quota: 'Your file storage is full: delete messages with files first.',
  network: 'Upload failed: check your connection.',
  failed: 'Upload failed.',
} as const;

/** A key of {@link useAttachText}'s words. */
export type AttachText = keyof typeof en;

const zhCN: Record<AttachText, string> = {
  list: '附件',
  open: '查看图片 {name}',
  viewer: '图片：{name}',
  close: '关闭',
  loadFailed: '{name} 无法加载。',
  download: '下载 {name}',
  downloadFailed: '无法获取该文件。',
  tray: '待发送的文件',
  uploading: '正在上传 {name}',
  cancel: '取消上传 {name}',
  remove: '移除 {name}',
  retry: '重试：上传 {name}',
  ready: '可以发送',
  cancelled: '已取消',
  tooLarge: '文件过大（最大 {max}）。',
  tooMany: '文件过多（每条消息最多 {max} 个）。',
  type: '不能发送此类型的文件。',
  name: '不允许使用此文件名。',
  empty: '文件为空。',
  quota: '你的文件存储空间已满：请先删除带文件的消息。',
  network: '上传失败：请检查网络连接。',
  failed: '上传失败。',
};

/** The words by locale. */
export const ATTACH_STRINGS: Record<Locale, Record<AttachText, string>> = { en, 'zh-CN': zhCN };

/** Translates these words in the widget's locale, filling `{name}` placeholders from `vars`. */
export type AttachTranslate = (key: AttachText, vars?: Record<string, string | number>) => string;

/** A translator for these words in the widget's locale (as the entry's `t` does). */
export function useAttachText(): AttachTranslate {
  const { locale } = useEnv();
  return wordsTranslator(ATTACH_STRINGS[locale]);
}
