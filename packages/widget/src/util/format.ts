import type { Locale, Translate } from '../i18n/index.js';

const DAY_MS = 86_400_000;

/** Local calendar day of a timestamp, as a comparable key. */
export function dayKey(ts: number): string {
  const d = new Date(ts);
  return `${d.getFullYear()}-${d.getMonth()}-${d.getDate()}`;
}

/** "Today", "Yesterday" or a date in the locale's words. */
export function dayLabel(ts: number, now: number, locale: Locale, t: Translate): string {
  if (dayKey(ts) === dayKey(now)) return t('thread.today');
  if (dayKey(ts) === dayKey(now - DAY_MS)) return t('thread.yesterday');
  const sameYear = new Date(ts).getFullYear() === new Date(now).getFullYear();
  return new Intl.DateTimeFormat(locale, { month: 'long', day: 'numeric', ...(sameYear ? {} : { year: 'numeric' }), weekday: 'short' }).format(ts);
}

/** Time of day, e.g. 14:05 or 2:05 PM. */
export function timeLabel(ts: number, locale: Locale): string {
  return new Intl.DateTimeFormat(locale, { hour: 'numeric', minute: '2-digit' }).format(ts);
}

/** A compact stamp for the conversation list: the time today, else the date. */
export function shortStamp(ts: number, now: number, locale: Locale): string {
  if (dayKey(ts) === dayKey(now)) return timeLabel(ts, locale);
  return new Intl.DateTimeFormat(locale, { month: 'short', day: 'numeric' }).format(ts);
}

const SIZE_UNITS = ['kilobyte', 'megabyte', 'gigabyte'] as const;

/** A file size in the locale's words, 1024-based: "500 byte", "2.5 MB" ("25 MB" for 26,214,400 bytes). */
export function fileSize(bytes: number, locale: Locale): string {
  let value = bytes;
  let unit: 'byte' | (typeof SIZE_UNITS)[number] = 'byte';
  for (const next of SIZE_UNITS) {
    if (value < 1024) break;
    value /= 1024;
    unit = next;
  }
  // Bytes spelled out ("77 bytes", "77 字节"): the short form of that unit is "77 byte" in English.
  return new Intl.NumberFormat(locale, { style: 'unit', unit, unitDisplay: unit === 'byte' ? 'long' : 'short', maximumFractionDigits: value < 10 ? 1 : 0 }).format(value);
}

const RELATIVE_STEPS: readonly [Intl.RelativeTimeFormatUnit, number][] = [
  ['minute', 60_000],
  ['hour', 3_600_000],
  ['day', DAY_MS],
  ['week', 7 * DAY_MS],
];

/** How long ago `ts` was, in the locale's words: "this minute", "5 minutes ago", "yesterday", "3 weeks ago". */
export function timeAgo(ts: number, now: number, locale: Locale): string {
  const ago = Math.max(0, now - ts);
  let [unit, size] = RELATIVE_STEPS[0]!;
  for (const [u, s] of RELATIVE_STEPS) if (ago >= s) [unit, size] = [u, s];
  return new Intl.RelativeTimeFormat(locale, { numeric: 'auto' }).format(-Math.floor(ago / size), unit);
}

const EMOJI_ONLY = /^(?:\p{Extended_Pictographic}|\p{Emoji_Modifier}|\p{Regional_Indicator}|\u200d|\ufe0f|\s)+$/u;
const PICTOGRAPH = /\p{Extended_Pictographic}|\p{Regional_Indicator}{2}/gu;

/** True for a short message made only of emoji (1-3), shown larger. */
export function isJumboEmoji(text: string): boolean {
  if (!EMOJI_ONLY.test(text)) return false;
  const count = text.match(PICTOGRAPH)?.length ?? 0;
  return count >= 1 && count <= 3;
}
