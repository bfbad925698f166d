import { useRef, useState } from 'preact/hooks';
import type { Attachment } from '@quickchat/sdk/messages';
import { useEnv } from '../../state/context.js';
import { useAttachText } from './strings.js';
import { Lightbox } from './lightbox.js';
import { previewBox } from '../../util/attachments.js';
import type { FileUrl } from '../../util/attachment-types.js';
import { useLink } from './use-link.js';

/**
 * An image attachment: a box of the image's shape (a neutral placeholder until its thumbnail
 * loads), a button that opens it full size in a {@link Lightbox}. The image's text alternative is
 * its file name. A link that can't be had, or an image that doesn't load, shows a retry.
 */
export function ImagePreview({ attachment, fileUrl }: { attachment: Attachment; fileUrl: FileUrl }) {
  const { t } = useEnv();
  const a = useAttachText();
  const [link, retry] = useLink(fileUrl, attachment.id, attachment.thumbnail ? 'thumbnail' : undefined);
  const [broken, setBroken] = useState<string | null>(null);
  const [open, setOpen] = useState(false);
  const button = useRef<HTMLButtonElement>(null);
  const box = previewBox(attachment);
  const url = link.status === 'ready' ? link.url : null;
  if (link.status === 'failed' || (url && broken === url)) {
    return (
      <div class="qc-att-img qc-att-fail" style={box}>
        <p>{a('loadFailed', { name: attachment.name })}</p>
        <button
          type="button"
          class="qc-link"
          onClick={() => {
            setBroken(null);
            retry();
          }}
        >
          {t('banner.retry')}
        </button>
      </div>
    );
  }
  return (
    <>
      <button ref={button} type="button" class="qc-att-img" style={box} aria-label={a('open', { name: attachment.name })} onClick={() => setOpen(true)}>
        {url && <img src={url} alt={attachment.name} onError={() => setBroken(url)} />}
      </button>
      {open && <Lightbox attachment={attachment} fileUrl={fileUrl} onClose={() => setOpen(false)} />}
    </>
  );
}
