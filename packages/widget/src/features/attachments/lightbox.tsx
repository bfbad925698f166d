import { useLayoutEffect, useRef } from 'preact/hooks';
import type { Attachment } from '@quickchat/sdk/messages';
import { useEnv } from '../../state/context.js';
import { useAttachText } from './strings.js';
import { FileName } from './file-name.js';
import type { FileUrl } from '../../util/attachment-types.js';
import { useLink } from './use-link.js';

const FOCUSABLE = 'button:not([disabled]),[href],[tabindex]:not([tabindex="-1"])';

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
  const focusable = () => [...(box.current?.querySelectorAll<HTMLElement>(FOCUSABLE) ?? [])];
  useLayoutEffect(() => {
    const root = box.current?.getRootNode() as Document | ShadowRoot | undefined;
    const was = root?.activeElement as HTMLElement | null | undefined;
    focusable()[0]?.focus();
    return () => was?.focus();
  }, []);
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'Escape') {
      e.stopPropagation(); // closes the lightbox only, not the launcher panel
      onClose();
    } else if (e.key === 'Tab') {
      const items = focusable();
      const root = box.current?.getRootNode() as Document | ShadowRoot | undefined;
      const at = items.indexOf(root?.activeElement as HTMLElement);
      e.preventDefault();
      items[(at + (e.shiftKey ? -1 : 1) + items.length) % items.length]?.focus();
    }
  };
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
