import type { MessageKey } from '../i18n/index.js';
import { useEnv } from '../state/context.js';

/** Stand in for the names while the sentence is translated; never in a catalogue. */
const SLOT = '\u0000';
const OTHER_SLOT = '\u0001';

/**
 * A translated sentence with a `{name}` placeholder (and optionally `{other}` and `{count}`), each
 * user-supplied name set in a `<bdi>` so it takes its own direction: a Hebrew or Arabic name does
 * not reorder the sentence's punctuation.
 */
export function WithName({ k, name, other, count }: { k: MessageKey; name: string; other?: string; count?: number }) {
  const { t } = useEnv();
  const text = t(k, { name: SLOT, other: OTHER_SLOT, ...(count === undefined ? {} : { count }) });
  return <>{text.split(/(\u0000|\u0001)/).map((part) => (part === SLOT ? <bdi>{name}</bdi> : part === OTHER_SLOT ? <bdi>{other}</bdi> : part))}</>;
}
