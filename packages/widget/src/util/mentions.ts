/**
 * `text` split at each `@handle` naming the reader (case-insensitive, the whole handle): the
 * mentions of them are the odd-numbered parts. Only for text the server flagged as mentioning
 * them (the caller checks `content.mentions`).
 */
export function splitMentions(text: string, handle: string | null | undefined): string[] {
  return handle ? text.split(new RegExp(`(@${handle.replace(/\./g, '\\.')})(?![\\w.]*\\w)`, 'i')) : [text];
}
