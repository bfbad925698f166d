import { useEffect, useState } from 'preact/hooks';
import type { Attachment } from '@quickchat/sdk/messages';
import { useEnv } from '../state/context.js';
import { lazyChunk } from '../util/lazy.js';
import { previewBox } from '../util/attachments.js';
import type { AttachmentsProps } from '../features/attachments/files.js';

/** The attachments chunk (`attachments.ts`), fetched on first use (a failed fetch is tried again next time). */
export const loadAttachmentsChunk = lazyChunk(() => import('../features/attachments/attachments.js'));

type Chunk = Awaited<ReturnType<typeof loadAttachmentsChunk>>;
let loaded: Chunk | null = null;

/** The chunk once loaded (so later renders show it at once), else null. */
export function loadedAttachmentsChunk(): Chunk | null {
  return loaded;
}

/** Loads the chunk, remembering it for {@link loadedAttachmentsChunk}. */
export function loadAttachments(): Promise<Chunk> {
  return loadAttachmentsChunk().then((m) => (loaded = m));
}

/** A card's height before its stylesheet is there (as tall as a card with one line of name and one of size). */
const CARD_HEIGHT = '3.5em';

/**
 * A message's files (`Attachments`, from the lazily loaded chunk). Until the chunk is there, each
 * file's place is already taken: an image's box of its own shape ({@link previewBox}), a card's
 * height, so the history does not move when it arrives. If it can't be loaded, that is said, with
 * Try again.
 */
export function LazyAttachments(props: AttachmentsProps) {
  const { t } = useEnv();
  const [chunk, setChunk] = useState(loaded);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    if (!chunk && !failed && props.attachments.length) loadAttachments().then(setChunk, () => setFailed(true));
  }, [failed, props.attachments.length > 0]);
  if (chunk) return <chunk.Attachments {...props} />;
  if (props.attachments.length === 0) return null;
  return (
    <div class="qc-atts" aria-busy={!failed}>
      {props.attachments.map((a: Attachment) => (
        <div key={a.id} style={a.width && a.height ? previewBox(a) : { height: CARD_HEIGHT }} />
      ))}
      {failed && (
        <p class="qc-error">
          {t('state.loadFailed')}{' '}
          <button type="button" class="qc-link" onClick={() => setFailed(false)}>
            {t('banner.retry')}
          </button>
        </p>
      )}
    </div>
  );
}
