/**
 * What the search index holds of a text: the text with a space around every Chinese, Japanese
 * and Korean character, so that FTS5's unicode61 tokenizer makes each of them a token of its own
 * (it splits only at spaces and punctuation, and these scripts put no spaces between words). A
 * query gets the same treatment and becomes a phrase, so "你好" finds the two characters side by
 * side anywhere in a sentence, like a substring, while Latin words stay whole words. Indexing
 * and queries both use it, so they agree.
 */
export function searchText(text: string): string {
  return text.replace(CJK, ' $& ');
}

/** Han (with its punctuation-free extensions), kana, and Hangul syllables. */
const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/gu;
