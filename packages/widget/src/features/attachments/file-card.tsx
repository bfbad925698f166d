import { useState } from 'preact/hooks';
import type { Attachment } from '@quickchat/sdk/messages';
import { useEnv } from '../../state/context.js';
import { useAttachText } from './strings.js';
import { fileSize } from '../../util/format.js';
import { safeHref } from '../../util/linkify.js';
import { FileName } from './file-name.js';
import type { FileUrl } from '../../util/attachment-types.js';

/** Starts a download of `url` (the server sends files other than images as `Content-Disposition: attachment`, so the page stays). */
export function saveFile(url: string): void {
  const a = document.createElement('a');
  a.href = url;
  a.rel = 'noopener noreferrer';
  a.click();
}

/** A generic file: a page with a folded corner. */
function FileIcon() {
  return (
    <svg data-qc-icon="" width="28" height="28" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="1.6" stroke-linejoin="round" aria-hidden="true" focusable="false">
      <path d="M6 2.75h8l4.25 4.25v14.25H6z" />
      <path d="M14 2.75V7h4.25" />
    </svg>
  );
}

/**
 * A file that is not an image: an icon, its name (isolated, cut in the middle when long), its
 * size, and a download button that asks for a fresh link when pressed (links live minutes). A
 * link that can't be had says so, with a retry. `save` starts the download (default: a link click).
 */
export function FileCard({ attachment, fileUrl, save = saveFile }: { attachment: Attachment; fileUrl: FileUrl; save?: (url: string) => void }) {
  const { t, locale } = useEnv();
  const a = useAttachText();
  const [state, setState] = useState<'idle' | 'asking' | 'failed'>('idle');
  const download = () => {
    setState('asking');
    fileUrl(attachment.id).then(
      (raw) => {
        const url = safeHref(raw);
        setState(url ? 'idle' : 'failed');
        if (url) save(url);
      },
      () => setState('failed'),
    );
  };
  return (
    <div class="qc-att-file">
      <FileIcon />
      <div class="qc-att-meta">
        <FileName name={attachment.name} />
        <span class="qc-att-size">{fileSize(attachment.size, locale)}</span>
        {state === 'failed' && (
          <span class="qc-error" role="alert">
            {a('downloadFailed')}{' '}
            <button type="button" class="qc-link" onClick={download}>
              {t('banner.retry')}
            </button>
          </span>
        )}
      </div>
      <button type="button" class="qc-icon" aria-label={a('download', { name: attachment.name })} disabled={state === 'asking'} onClick={download}>
        <span aria-hidden="true">⤓</span>
      </button>
    </div>
  );
}
