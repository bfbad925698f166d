import { useEffect, useState } from 'preact/hooks';
import { safeHref } from '../../util/linkify.js';
import type { FileUrl } from '../../util/attachment-types.js';

/** A file link as it loads: asked for, there (`url`), or failed. */
export type Link = { status: 'loading' } | { status: 'ready'; url: string } | { status: 'failed' };

/**
 * Asks `fileUrl` for the link to a file (or its thumbnail) while `enabled`, and again on
 * `retry()`. A link that is not http(s) counts as failed: nothing else goes into `src`.
 */
export function useLink(fileUrl: FileUrl, attachmentId: string, variant: 'thumbnail' | undefined, enabled = true): [Link, () => void] {
  const [link, setLink] = useState<Link>({ status: 'loading' });
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    if (!enabled) return;
    let live = true;
    setLink({ status: 'loading' });
    fileUrl(attachmentId, variant).then(
      (raw) => {
        const url = safeHref(raw);
        if (live) setLink(url ? { status: 'ready', url } : { status: 'failed' });
      },
      () => live && setLink({ status: 'failed' }),
    );
    return () => void (live = false);
  }, [attachmentId, variant, enabled, attempt]);
  return [link, () => setAttempt((n) => n + 1)];
}
