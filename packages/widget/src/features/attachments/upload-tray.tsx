import { useRef } from 'preact/hooks';
import { useEnv } from '../../state/context.js';
import { useAttachText } from './strings.js';
import { FileName } from './file-name.js';
import { refusalText } from './refusals.js';
import { useSheet } from './sheet.js';
import { ATTACH_CSS } from './styles.js';
import type { UploadItem } from '../../util/attachment-types.js';

/** What {@link UploadTray} shows, and what its buttons do. */
export interface UploadTrayProps {
  items: readonly UploadItem[];
  /** Stops an upload (its row's ✕ while uploading). */
  onCancel(id: string): void;
  /** Takes a finished, failed or cancelled file off the message. */
  onRemove(id: string): void;
  /** Uploads a file again that failed on the network; without it, no retry is offered. */
  onRetry?(id: string): void;
}

/** Percent done, 0-100. */
function percent(item: UploadItem): number {
  return item.total > 0 ? Math.min(100, Math.round((item.loaded / item.total) * 100)) : 0;
}

/**
 * The composer's files: one row per file with its name and, while it uploads, a progress bar and
 * Cancel; once stored, "Ready to send" and Remove; refused, why (too large, with the server's cap,
 * a refused type, the quota, the network…) and Remove (and Try again after a network failure).
 * Nothing when there are no files.
 */
export function UploadTray({ items, onCancel, onRemove, onRetry }: UploadTrayProps) {
  const { t, locale } = useEnv();
  const a = useAttachText();
  const list = useRef<HTMLUListElement>(null);
  useSheet(list, ATTACH_CSS);
  if (items.length === 0) return null;
  return (
    <ul ref={list} class="qc-tray" aria-label={a('tray')}>
      {items.map((item) => {
        const uploading = item.state === 'uploading';
        return (
          <li key={item.id} class="qc-tray-row" data-state={item.state}>
            <div>
              <FileName name={item.name} />
              {uploading && (
                <div class="qc-bar" role="progressbar" aria-label={a('uploading', { name: item.name })} aria-valuemin={0} aria-valuemax={100} aria-valuenow={percent(item)}>
                  <span style={{ width: `${percent(item)}%` }} />
                </div>
              )}
              {item.state === 'done' && <span class="qc-tray-note">{a('ready')}</span>}
              {item.state === 'cancelled' && <span class="qc-tray-note">{a('cancelled')}</span>}
              {item.state === 'failed' && (
                <span class="qc-error" role="alert">
                  {refusalText(item.error ?? { kind: 'failed' }, a, locale)}
                </span>
              )}
            </div>
            {item.state === 'failed' && item.error?.kind === 'network' && onRetry && (
              <button type="button" class="qc-link" aria-label={a('retry', { name: item.name })} onClick={() => onRetry(item.id)}>
                {t('banner.retry')}
              </button>
            )}
            <button type="button" class="qc-icon" aria-label={a(uploading ? 'cancel' : 'remove', { name: item.name })} onClick={() => (uploading ? onCancel : onRemove)(item.id)}>
              <span aria-hidden="true">✕</span>
            </button>
          </li>
        );
      })}
    </ul>
  );
}
