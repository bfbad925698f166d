import type { Locale } from '../../i18n/index.js';
import type { AttachTranslate } from './strings.js';
import { rootError } from '../../util/errors.js';
import { fileSize } from '../../util/format.js';
import type { Refusal } from '../../util/attachment-types.js';

/**
 * Why an upload failed, from the SDK's error: `payload_too_large` is the file's size or, when the
 * server names it, your quota; `validation` a refused type (or name, or an empty file); anything
 * else a network failure when retrying may help.
 */
export function refusalOf(err: unknown, maxUploadBytes: number | null): Refusal {
  const e = rootError(err);
  const message = e?.message ?? '';
  switch (e?.code ?? 'network') {
    case 'payload_too_large':
    {
      if (/quota/i.test(message)) return { kind: 'quota' };
      // The server names its cap ("at most 26214400 bytes"); else the one it announced.
      const max = Number(/at most (\d+) bytes/.exec(message)?.[1] ?? maxUploadBytes ?? NaN);
      return Number.isFinite(max) ? { kind: 'tooLarge', max } : { kind: 'failed' };
    }
    case 'validation':
      if (message.startsWith('name:')) return { kind: 'name' };
      if (/empty/i.test(message)) return { kind: 'empty' };
      return { kind: 'type' };
    case 'network':
    case 'timeout':
    case 'disconnected':
    case 'internal':
      return { kind: 'network' };
    default:
      return { kind: 'failed' };
  }
}

/** The refusal in words: "Too large (max 25 MB).", "This type of file can't be sent.", … */
export function refusalText(refusal: Refusal, a: AttachTranslate, locale: Locale): string {
  switch (refusal.kind) {
    case 'tooLarge':
      return a('tooLarge', { max: fileSize(refusal.max, locale) });
    case 'tooMany':
      return a('tooMany', { max: refusal.max });
    default:
      return a(refusal.kind);
  }
}
