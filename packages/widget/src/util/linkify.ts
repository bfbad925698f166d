/** A run of message text; `href` is set when the run is a web link. */
export interface Segment {
  text: string;
  href?: string;
}

/** Candidates: explicit http(s) URLs only. Any other scheme (javascript:, data:, …) stays text. */
const CANDIDATE = /\bhttps?:\/\/[^\s<>"]+/gi;
/** Punctuation that usually ends a sentence rather than a URL. */
const TRAILING = /[.,;:!?'")\]}>]+$/;

/**
 * Splits text into plain runs and http(s) links. The result is rendered as text nodes and
 * `<a>` elements, never parsed as HTML.
 */
export function linkify(text: string): Segment[] {
  const out: Segment[] = [];
  let last = 0;
  for (const match of text.matchAll(CANDIDATE)) {
    let candidate = match[0];
    const trailing = TRAILING.exec(candidate);
    if (trailing) candidate = candidate.slice(0, -trailing[0].length);
    const href = safeHref(candidate);
    if (!href) continue;
    const start = match.index;
    if (start > last) out.push({ text: text.slice(last, start) });
    out.push({ text: candidate, href });
    last = start + candidate.length;
  }
  if (last < text.length) out.push({ text: text.slice(last) });
  return out;
}

/** The normalised URL when `raw` is a valid http(s) URL, else null. */
export function safeHref(raw: string): string | null {
  try {
    const url = new URL(raw);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
  } catch {
    return null;
  }
}
