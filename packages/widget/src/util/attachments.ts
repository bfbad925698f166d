import type { LocalMessage } from '@quickchat/sdk';
import type { Attachment } from '@quickchat/sdk/messages';

/**
 * The files of a stored message (described by the server). A message still being sent holds
 * upload ids only, so it has none to show yet.
 */
export function attachmentsOf(message: LocalMessage): Attachment[] {
  const { content } = message;
  if (content.type !== 'text' || !content.attachments) return [];
  return content.attachments.filter((a): a is Attachment => typeof a === 'object' && a !== null);
}


/** The longest side of a preview, in CSS pixels. */
const MAX_SIDE = 240;
/** The smallest side of a preview, so a tiny image stays a target. */
const MIN_SIDE = 48;
/** Previews are at most this much wider than tall, or taller than wide (the image is cropped to fit). */
const MAX_RATIO = 3;

/**
 * A preview's box, from the image's pixel size (the attachment's `width` and `height`), known
 * before anything loads: its width (at most {@link MAX_SIDE}, never wider than the message) and
 * `aspect-ratio`, so its height is reserved and nothing moves when the image arrives. Set inline
 * (through the CSSOM, which a CSP allows), it holds before the feature's stylesheet is there.
 */
export function previewBox(attachment: Pick<Attachment, 'width' | 'height'>): { width: string; maxWidth: string; aspectRatio: string } {
  const w = attachment.width ?? 0;
  const h = attachment.height ?? 0;
  const known = w > 0 && h > 0;
  const natural = known ? w / h : 4 / 3;
  const ratio = Math.min(MAX_RATIO, Math.max(1 / MAX_RATIO, natural));
  // The longest side: the image's own (never enlarged), at most MAX_SIDE.
  const longest = Math.min(MAX_SIDE, known ? Math.max(w, h) : MAX_SIDE);
  const width = Math.max(MIN_SIDE, Math.round(ratio >= 1 ? longest : longest * ratio));
  return { width: `${width}px`, maxWidth: '100%', aspectRatio: known && ratio === natural ? `${w} / ${h}` : String(ratio) };
}

/**
 * The files an event carries: an `<input type=file>`'s change, a paste (clipboard images and
 * copied files) or a drop (`DataTransfer`). Everything else they may hold (text, links, HTML, a
 * dropped folder) is left out, so a paste of text stays a paste of text. Pure: the caller
 * decides what to do with them (and empties the input, so the same file can be picked again).
 */
export function filesFromEvent(event: Event): File[] {
  if ('clipboardData' in event) return filesOf((event as ClipboardEvent).clipboardData);
  if ('dataTransfer' in event) return filesOf((event as DragEvent).dataTransfer);
  const input = event.target as HTMLInputElement | null;
  return input?.type === 'file' ? [...(input.files ?? [])] : [];
}

/** The files of a clipboard or drag payload, without its strings and folders. */
export function filesOf(data: DataTransfer | null): File[] {
  if (!data) return [];
  const items = data.items ? [...data.items] : [];
  if (items.length === 0) return [...(data.files ?? [])];
  const files: File[] = [];
  for (const item of items) {
    if (item.kind !== 'file') continue;
    if (item.webkitGetAsEntry?.()?.isDirectory) continue;
    const file = item.getAsFile();
    if (file) files.push(file);
  }
  return files;
}
