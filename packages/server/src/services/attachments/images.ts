import { ErrorCode } from '@quickchat/protocol';
import { AppError } from '../../errors.js';
import type { FileType } from './file-types.js';

/** Longest side of a thumbnail, in pixels; smaller images keep their size. */
const THUMBNAIL_MAX_PX = 320;
/** The type every thumbnail is stored and served as. */
export const THUMBNAIL_MIME = 'image/webp';
/**
 * Largest image accepted, in pixels (width × height): a 48-megapixel phone photo fits, a small
 * file that decodes to gigabytes of pixels (a decompression bomb) does not.
 */
const MAX_INPUT_PIXELS = 60_000_000;

/** sharp's name for the decoder each stored image type must decode with. */
const DECODER: Record<string, string> = { 'image/png': 'png', 'image/jpeg': 'jpeg', 'image/gif': 'gif', 'image/webp': 'webp' };

/**
 * sharp, loaded on the first image: importing it starts file system work (it probes the C
 * library), and importing the server must have no side effects.
 */
let sharpModule: Promise<typeof import('sharp')> | null = null;

/** What decoding an image gives: its displayed size and its thumbnail. */
export interface DecodedImage {
  /** Pixel size as displayed (EXIF rotation applied). */
  width: number;
  height: number;
  /** A WebP of at most {@link THUMBNAIL_MAX_PX} on its longest side. */
  thumbnail: Buffer;
}

/**
 * Decodes an uploaded image with sharp (libvips) to prove it is the image its first bytes claim
 * (a PNG header followed by anything else does not decode), measures it, and makes its
 * thumbnail. Throws a `validation` error naming the problem when it does not decode as that type.
 */
export async function decodeImage(bytes: Buffer, type: FileType): Promise<DecodedImage> {
  const { default: sharp } = await (sharpModule ??= import('sharp'));
  const image = sharp(bytes, { failOn: 'error', limitInputPixels: MAX_INPUT_PIXELS });
  try {
    const meta = await image.metadata();
    if (meta.format !== DECODER[type.mime]) throw new Error(`decodes as ${meta.format}`);
    const thumbnail = await image
      .clone()
      .autoOrient()
      .resize({ width: THUMBNAIL_MAX_PX, height: THUMBNAIL_MAX_PX, fit: 'inside', withoutEnlargement: true })
      .webp({ quality: 75 })
      .toBuffer();
    return { width: meta.autoOrient.width, height: meta.autoOrient.height, thumbnail };
  } catch (err) {
    const reason = (err as Error).message.split('\n')[0]?.trim() ?? 'unknown error';
    if (/pixel limit/i.test(reason)) {
      throw new AppError(ErrorCode.Validation, `the image is too large: at most ${MAX_INPUT_PIXELS / 1_000_000} megapixels are accepted`);
    }
    throw new AppError(ErrorCode.Validation, `the file starts like ${type.label} but does not decode as one (${reason})`);
  }
}
