import { useEnv } from '../../state/context.js';
import { wordsTranslator, type Locale } from '../../i18n/index.js';

/**
 * The search screen's words in every locale. They load with the screen's lazy chunk rather than sit in the
 * entry's catalogues (i18n/), which hold only the words of the entry point into it. Every locale
 * has exactly these keys with the same `{placeholders}` (tested).
 */
const en = {
  title: 'Search',
  label: 'Words to find',
  submit: 'Search',
  hint: 'Finds messages with all the words, in every chat.',
  none: 'No messages match “{query}”.',
  count: '{count} results',
  countOne: '1 result',
  countMore: 'More than {count} results',
  more: 'Show more results',
  searching: 'Searching…',
} as const;

/** A key of useSearchText's words. */
export type SearchText = keyof typeof en;

const zhCN: Record<SearchText, string> = {
  title: '搜索',
  label: '要查找的词',
  submit: '搜索',
  hint: '在所有聊天中查找包含全部词语的消息。',
  none: '没有与“{query}”匹配的消息。',
  count: '{count} 条结果',
  countOne: '1 条结果',
  countMore: '超过 {count} 条结果',
  more: '显示更多结果',
  searching: '正在搜索…',
};

/** The words by locale. */
export const SEARCH_STRINGS: Record<Locale, Record<SearchText, string>> = { en, 'zh-CN': zhCN };

/** A translator for these words in the widget's locale, filling `{name}` placeholders from `vars` (as the entry's `t` does). */
export function useSearchText(): (key: SearchText, vars?: Record<string, string | number>) => string {
  const { locale } = useEnv();
  return wordsTranslator(SEARCH_STRINGS[locale]);
}
