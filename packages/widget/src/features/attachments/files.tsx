import { useRef } from 'preact/hooks';
import type { Attachment } from '@quickchat/sdk/messages';
import { useEnv } from '../../state/context.js';
import { useAttachText } from './strings.js';
import { FileCard } from './file-card.js';
import { ImagePreview } from './image-preview.js';
import { useSheet } from './sheet.js';
import { ATTACH_CSS } from './styles.js';
import type { FileUrl } from '../../util/attachment-types.js';

/** The types the server keeps as images (decoded, sized, with a thumbnail) and serves inline. */
const IMAGES = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);

/** True for an attachment shown as a picture. */
export function isImage(attachment: Attachment): boolean {
  return IMAGES.has(attachment.mime);
}

/** What {@link Attachments} shows and where its links come from. */
export interface AttachmentsProps {
  attachments: readonly Attachment[];
  /** Links to files and thumbnails: the SDK's `messagesOf(client).fileUrl`. */
  fileUrl: FileUrl;
  /** Starts a file's download from its fresh link (default: a link click); for tests and hosts. */
  save?: (url: string) => void;
}

/**
 * A message's files, in order: images as previews sized before they load (opening a lightbox),
 * other files as cards with their name, size and a download button. Nothing for none.
 */
export function Attachments({ attachments, fileUrl, save }: AttachmentsProps) {
  const { t } = useEnv();
  const a = useAttachText();
  const list = useRef<HTMLUListElement>(null);
  useSheet(list, ATTACH_CSS);
  if (attachments.length === 0) return null;
  return (
    <ul ref={list} class="qc-atts" aria-label={a('list')}>
      {attachments.map((a) => (
        <li key={a.id}>{isImage(a) ? <ImagePreview attachment={a} fileUrl={fileUrl} /> : <FileCard attachment={a} fileUrl={fileUrl} save={save} />}</li>
      ))}
    </ul>
  );
}
