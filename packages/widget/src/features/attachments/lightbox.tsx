import { useLayoutEffect, useRef } from 'preact/hooks';
import type { Attachment } from '@quickchat/sdk/messages';
import { useEnv } from '../../state/context.js';
import { useAttachText } from './strings.js';
import { FileName } from './file-name.js';
import type { FileUrl } from '../../util/attachment-types.js';
import { useLink } from './use-link.js';
import { focusableIn, modalKeys } from '../../util/modal-keys.js';

/**
 * An image at full size over everything (`position: fixed`), as a modal dialog named after the
 * file: focus moves to its close button and stays inside (Tab, Shift+Tab), Escape, the close
 * button or a click beside the image closes it, and focus goes back where it was (the preview).
 */
export function Lightbox({ attachment, fileUrl, onClose }: { attachment: Attachment; fileUrl: FileUrl; onClose(): void }) {
  const { t } = useEnv();
  const a = useAttachText();
  const [link, retry] = useLink(fileUrl, attachment.id, undefined);
  const box = useRef<HTMLDivElement>(null);
  useLayoutEffect(() => {
    const root = box.current?.getRootNode() as Document | ShadowRoot | undefined;
    const was = root?.activeElement as HTMLElement | null | undefined;
    focusableIn(box.current)[0]?.focus();
    return () => was?.focus();
  }, []);
  const onKeyDown = (e: KeyboardEvent) => modalKeys(e, box.current, onClose);
  return (
    <div
      ref={box}
      class="qc-lightbox"
      role="dialog"
      aria-modal="true"
      aria-label={a('viewer', { name: attachment.name })}
      onKeyDown={onKeyDown}
      onClick={(e) => e.target === e.currentTarget && onClose()}
    >
      <button type="button" class="qc-icon" aria-label={a('close')} onClick={onClose}>
        <span aria-hidden="true">✕</span>
      </button>
      {link.status === 'ready' && <img src={link.url} alt={attachment.name} />}
      {link.status === 'loading' && <p>{t('state.loading')}</p>}
      {link.status === 'failed' && (
        <p>
          {a('loadFailed', { name: attachment.name })}{' '}
          <button type="button" class="qc-link" onClick={retry}>
            {t('banner.retry')}
          </button>
        </p>
      )}
      <FileName name={attachment.name} />
    </div>
  );
}
