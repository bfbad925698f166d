import type { SearchHit } from '@quickchat/protocol';

/** About how many characters a snippet holds. */
const SNIPPET_LENGTH = 160;
/** How much text to keep before the first match. */
const LEAD = 40;

/**
 * A snippet of `text` around the first place a word of `query` occurs, with every occurrence of
 * the query's words inside it marked as `[start, end)` offsets. Plain text: the client renders
 * the marks itself, so nothing in a message can become markup. Matching ignores case; a word the
 * index matched through folding (accents) may go unmarked, and then the snippet is the text's start.
 */
export function snippetOf(text: string, query: string): Pick<SearchHit, 'snippet' | 'highlights'> {
  const words = [...new Set(query.split(/\s+/).map((w) => w.trim()).filter(Boolean))].sort((a, b) => b.length - a.length);
  const pattern = words.length ? new RegExp(words.map(escape).join('|'), 'giu') : null;
  const first = pattern ? text.search(pattern) : -1;
  let start = first > LEAD ? first - LEAD : 0;
  // Start after the first space past the cut (a whole word), never inside a surrogate pair.
  const space = start > 0 ? text.indexOf(' ', start) : -1;
  if (space >= 0 && space < first) start = space + 1;
  if (isLowSurrogate(text.charCodeAt(start))) start++;
  let end = Math.min(text.length, start + SNIPPET_LENGTH);
  if (end < text.length && isLowSurrogate(text.charCodeAt(end))) end--;
  const prefix = start > 0 ? '…' : '';
  const body = text.slice(start, end);
  const snippet = `${prefix}${body}${end < text.length ? '…' : ''}`;
  const highlights: [number, number][] = [];
  if (pattern) for (const m of body.matchAll(pattern)) highlights.push([prefix.length + m.index, prefix.length + m.index + m[0].length]);
  return { snippet, highlights };
}

function escape(word: string): string {
  return word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}
