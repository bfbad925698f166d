import { linkify } from '../util/linkify.js';

/**
 * Message text as text nodes, with http(s) URLs as links that open in a new tab without
 * giving the new page a handle on this one. Nothing is ever parsed as HTML.
 */
export function RichText({ text }: { text: string }) {
  return (
    <>
      {linkify(text).map((s, i) =>
        s.href ? (
          <a key={i} href={s.href} target="_blank" rel="noopener noreferrer">
            {s.text}
          </a>
        ) : (
          s.text
        ),
      )}
    </>
  );
}
