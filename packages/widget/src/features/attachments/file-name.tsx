/** Names this long or shorter are shown whole (the CSS still ellipsizes them if they don't fit). */
const SHORT = 16;
/** How much of the end of a long name stays visible: at least this many characters… */
const TAIL = 6;
/** …and the whole extension when it has at most this many. */
const MAX_EXTENSION = 10;

/** The user-perceived characters of `s` (an emoji with its modifiers is one), so a cut never splits one. */
function graphemes(s: string): string[] {
  if (typeof Intl.Segmenter === 'function') return [...new Intl.Segmenter().segment(s)].map((g) => g.segment);
  return [...s];
}

/**
 * A file name cut in two for a middle ellipsis: the start, which the CSS ellipsizes, and the end
 * (the extension and a few characters before it), which always shows. Short names stay whole.
 */
export function splitName(name: string): [head: string, tail: string] {
  const chars = graphemes(name);
  if (chars.length <= SHORT) return [name, ''];
  const dot = chars.lastIndexOf('.');
  const extension = dot > 0 && chars.length - dot <= MAX_EXTENSION ? chars.length - dot : 0;
  const cut = chars.length - Math.min(extension + TAIL, Math.floor(chars.length / 2));
  return [chars.slice(0, cut).join(''), chars.slice(cut).join('')];
}

/**
 * A file name as text, isolated from the text around it (`<bdi>`, its own direction: an Arabic or
 * Hebrew name reads right to left, and its characters can't reorder the sentence it is in), cut
 * in the middle when it doesn't fit ("a-very-long-na…-final.pdf"). The whole name is its text, for
 * screen readers and copying, and its tooltip.
 */
export function FileName({ name }: { name: string }) {
  const [head, tail] = splitName(name);
  return (
    <bdi class="qc-fname" title={name}>
      <span>{head}</span>
      {tail && <span>{tail}</span>}
    </bdi>
  );
}
