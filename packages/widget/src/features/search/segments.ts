/** A stretch of a search snippet: plain text, marked when it matched. */
export interface Segment {
  text: string;
  mark: boolean;
}

/**
 * Cuts `snippet` into plain and marked stretches by the server's `[start, end)` UTF-16 ranges.
 * Ranges are sorted, clamped to the text, and merged where they touch or overlap; an empty or
 * inverted one is dropped. A bound inside a surrogate pair (half an emoji) moves outwards, so a
 * character is never split. The pieces are text for the view to render as text, never markup.
 */
export function segments(snippet: string, ranges: readonly (readonly [number, number])[]): Segment[] {
  const clamp = (n: number) => Math.max(0, Math.min(snippet.length, Math.floor(n)));
  const lowSurrogate = (i: number) => i > 0 && i < snippet.length && /[\uDC00-\uDFFF]/.test(snippet[i]!) && /[\uD800-\uDBFF]/.test(snippet[i - 1]!);
  const spans = ranges
    .map(([a, b]) => [clamp(a), clamp(b)] as [number, number])
    .map(([a, b]) => [lowSurrogate(a) ? a - 1 : a, lowSurrogate(b) ? b + 1 : b] as [number, number])
    .filter(([a, b]) => b > a)
    .sort((x, y) => x[0] - y[0]);
  const merged: [number, number][] = [];
  for (const span of spans) {
    const last = merged.at(-1);
    if (last && span[0] <= last[1]) last[1] = Math.max(last[1], span[1]);
    else merged.push([...span]);
  }
  const out: Segment[] = [];
  let at = 0;
  for (const [a, b] of merged) {
    if (a > at) out.push({ text: snippet.slice(at, a), mark: false });
    out.push({ text: snippet.slice(a, b), mark: true });
    at = b;
  }
  if (at < snippet.length || out.length === 0) out.push({ text: snippet.slice(at), mark: false });
  return out;
}
