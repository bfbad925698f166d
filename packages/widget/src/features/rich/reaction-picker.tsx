import { useEffect, useState } from 'preact/hooks';
import type { RichWords } from '../../state/widget-client.js';
import { lazyChunk } from '../../util/lazy.js';

/** The emoji picker's chunk (the composer's picker, the same file): fetched the first time it is needed. */
const loadEmojiPicker = lazyChunk(() => import('../emoji/emoji-picker.js'));

/** The reactions offered first, one click each. */
const QUICK = ['👍', '❤️', '😂', '😮', '😢', '🙏'];

/**
 * Picking a reaction: a row of common ones, then the whole emoji picker with its search (the
 * composer's, loaded on first use; if it can't be loaded, the quick row still works).
 */
export function ReactionPicker({ words, onPick }: { words: RichWords; onPick: (emoji: string) => void }) {
  const [picker, setPicker] = useState<Awaited<ReturnType<typeof loadEmojiPicker>> | null>(null);
  useEffect(() => void loadEmojiPicker().then(setPicker, () => undefined), []);
  return (
    <>
      <h2>{words.reactTitle}</h2>
      <div role="group" aria-label={words.quick}>
        {QUICK.map((e) => (
          <button key={e} type="button" class="qc-icon" onClick={() => onPick(e)}>
            {e}
          </button>
        ))}
      </div>
      {picker && <picker.default onPick={onPick} />}
    </>
  );
}
