import type { ByteRange } from '../../blobs/types.js';
import type { AttachmentRecord } from '../../store/types.js';
import type { FileVariant } from './file-links.js';
import { THUMBNAIL_MIME } from './images.js';

/** The only types a browser may show in place; everything else is a download. */
const INLINE_TYPES = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);

/**
 * Response headers of a file download. The type is the one detected from the bytes (never the
 * uploader's), `nosniff` stops browsers guessing another, anything but a raster image is an
 * attachment, and the CSP sandbox keeps even a file opened directly from running anything.
 * Browsers may cache it privately until the link expires.
 */
export function downloadHeaders(file: AttachmentRecord, variant: FileVariant, linkExpiresAt: number, now: number): Record<string, string> {
  const mime = variant === 'thumbnail' ? THUMBNAIL_MIME : file.mime;
  const name = variant === 'thumbnail' ? `${file.name.replace(/\.[^.]*$/, '')}-thumbnail.webp` : file.name;
  return {
    'Content-Type': mime === 'text/plain' ? 'text/plain; charset=utf-8' : mime,
    'Content-Disposition': contentDisposition(INLINE_TYPES.has(mime) ? 'inline' : 'attachment', name),
    'X-Content-Type-Options': 'nosniff',
    'Content-Security-Policy': "default-src 'none'; sandbox",
    'Cache-Control': `private, max-age=${Math.max(0, Math.floor((linkExpiresAt - now) / 1000))}`,
    'Accept-Ranges': 'bytes',
    'Cross-Origin-Resource-Policy': 'cross-origin',
    'Referrer-Policy': 'no-referrer',
  };
}

/**
 * `Content-Disposition` with the name in RFC 5987 form (`filename*=UTF-8''…`, any Unicode) and
 * an ASCII fallback for old clients.
 */
function contentDisposition(kind: 'inline' | 'attachment', name: string): string {
  const fallback = name.replace(/[^\x20-\x7e]|["\\%]/g, '_');
  const encoded = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `${kind}; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}

/**
 * The one byte range of a `Range` header (`bytes=a-b`, `bytes=a-`, `bytes=-n`), clamped to
 * `size`; `'unsatisfiable'` when it starts past the end; null when there is none or it is not
 * one simple range (then the whole file is sent, as HTTP allows).
 */
export function parseRange(header: string | undefined, size: number): ByteRange | 'unsatisfiable' | null {
  const match = header ? /^bytes=(\d{0,15})-(\d{0,15})$/.exec(header.trim()) : null;
  if (!match || (match[1] === '' && match[2] === '')) return null;
  if (match[1] === '') {
    const suffix = Number(match[2]);
    return suffix === 0 ? 'unsatisfiable' : { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(match[1]);
  const last = match[2] === '' ? Infinity : Number(match[2]);
  if (last < start) return null;
  if (start >= size) return 'unsatisfiable';
  return { start, end: Math.min(last, size - 1) };
}
