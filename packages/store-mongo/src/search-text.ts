/*
 * Search tokens, with the same meaning as the SQLite store's FTS5 index (unicode61 with
 * remove_diacritics over `searchText`): words of letters, digits and marks, lower-cased and
 * without diacritics; every Chinese, Japanese or Korean character a token of its own. A message
 * stores the set of its tokens (`terms`, indexed), and adjacent CJK pairs too, so a query can be
 * narrowed by the index and then checked exactly in memory (see `search.ts`).
 */

/** Han, kana and Hangul syllables: one token per character. */
const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;
const CJK_ALL = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/gu;
/** Separators: anything that is not a letter, digit or mark. */
const SEPARATORS = /[^\p{L}\p{N}\p{M}]+/u;

/** Lower case, diacritics removed (é → e), as unicode61's `remove_diacritics 2` does for Latin text. */
function fold(token: string): string {
  return token.normalize('NFD').replace(/\p{M}+/gu, '').toLowerCase();
}

/** The tokens of `text`, in order (repeats kept): what phrases are matched against. */
export function tokens(text: string): string[] {
  const out: string[] = [];
  for (const word of text.replace(CJK_ALL, ' $& ').split(SEPARATORS)) {
    const folded = CJK.test(word) ? word : fold(word);
    if (folded.length > 0) out.push(folded);
  }
  return out;
}

/** A pair of adjacent CJK tokens, as stored in `terms` (a leading space keeps it apart from any word). */
const pair = (a: string, b: string): string => ` ${a}${b}`;

/**
 * What a message's `terms` hold: each distinct token, and each adjacent pair of CJK tokens, so a
 * two-character query like 公园 is found by the index alone and 园公 is not.
 */
export function termsOf(text: string): string[] {
  const list = tokens(text);
  const terms = new Set(list);
  for (let i = 1; i < list.length; i++) {
    const [a, b] = [list[i - 1]!, list[i]!];
    if (CJK.test(a) && CJK.test(b)) terms.add(pair(a, b));
  }
  return [...terms];
}

/**
 * A query as phrases: each whitespace-separated word becomes the sequence of its tokens (a
 * Chinese word the sequence of its characters), all of which must match. Empty when nothing
 * searchable is left.
 */
export function toPhrases(query: string): string[][] {
  return query
    .split(/\s+/)
    .map((word) => tokens(word))
    .filter((phrase) => phrase.length > 0);
}

/** The index terms a message must hold to possibly match `phrases` (its tokens and CJK pairs). */
export function requiredTerms(phrases: readonly string[][]): string[] {
  const terms = new Set<string>();
  for (const phrase of phrases) {
    for (const token of phrase) terms.add(token);
    for (let i = 1; i < phrase.length; i++) {
      const [a, b] = [phrase[i - 1]!, phrase[i]!];
      if (CJK.test(a) && CJK.test(b)) terms.add(pair(a, b));
    }
  }
  return [...terms];
}

/** Whether `text` holds every phrase as consecutive tokens (the exact check after the index). */
export function matchesAll(text: string, phrases: readonly string[][]): boolean {
  const list = tokens(text);
  return phrases.every((phrase) => containsRun(list, phrase));
}

function containsRun(list: readonly string[], run: readonly string[]): boolean {
  outer: for (let i = 0; i + run.length <= list.length; i++) {
    for (let j = 0; j < run.length; j++) if (list[i + j] !== run[j]) continue outer;
    return true;
  }
  return false;
}
