import type { Attachment } from '@quickchat/sdk/messages';

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
