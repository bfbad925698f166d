import type { MessageKey } from '../i18n/index.js';
import { useEnv } from '../state/context.js';

/** Stands in for the name while the sentence is translated; never in a catalogue. */
const SLOT = '\u0000';

/**
 * A translated sentence with a `{name}` placeholder, the user-supplied name set in a `<bdi>` so it
 * takes its own direction: a Hebrew or Arabic name does not reorder the sentence's punctuation.
 */
export function WithName({ k, name }: { k: MessageKey; name: string }) {
  const { t } = useEnv();
  const [before = '', after = ''] = t(k, { name: SLOT }).split(SLOT);
  return (
    <>
      {before}
      <bdi>{name}</bdi>
      {after}
    </>
  );
}
