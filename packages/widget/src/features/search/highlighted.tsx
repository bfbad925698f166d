import { segments } from './segments.js';

/**
 * A search snippet with its matches in `<mark>` elements, built from the server's ranges. Every
 * piece is a text node: nothing in a message can become markup.
 */
export function Highlighted({ snippet, ranges }: { snippet: string; ranges: readonly (readonly [number, number])[] }) {
  return (
    <>
      {segments(snippet, ranges).map((s, i) => (s.mark ? <mark key={i}>{s.text}</mark> : s.text))}
    </>
  );
}
