import { en, type Catalogue, type MessageKey } from './en.js';

export type { Catalogue, MessageKey } from './en.js';

/**
 * Locales with a catalogue, and how to get each: English is built in (it is also the fallback
 * for a missing key); every other catalogue is a chunk of its own, fetched once by `mount()`
 * before the widget first renders in that locale, so nobody downloads a language they don't read.
 */
export const LOCALES = {
  en: async () => en,
  'zh-CN': () => import('./zh-CN.js').then((m) => m.zhCN),
} as const satisfies Record<string, () => Promise<Catalogue>>;
/** A supported locale. */
export type Locale = keyof typeof LOCALES;

const loaded = new Map<Locale, Catalogue>([['en', en]]);

/** True when `locale`'s catalogue is here (English always is). */
export function hasLocale(locale: Locale): boolean {
  return loaded.has(locale);
}

/**
 * Fetches `locale`'s catalogue once; {@link translator} uses it from then on. Rejects when the
 * chunk can't be loaded (offline, blocked): the widget then speaks English.
 */
export async function loadLocale(locale: Locale): Promise<void> {
  if (!loaded.has(locale)) loaded.set(locale, await LOCALES[locale]());
}

/** Translates a key, filling `{name}` placeholders from `vars`; `{origin}` defaults to the page's origin. */
export type Translate = (key: MessageKey, vars?: Record<string, string | number>) => string;

/**
 * Picks the supported locale for a requested tag (e.g. `zh`, `zh-Hans-CN`, `en-GB`), falling back
 * to the browser's language, then English.
 */
export function resolveLocale(requested?: string): Locale {
  const tag = (requested ?? (typeof navigator === 'undefined' ? '' : navigator.language) ?? '').toLowerCase();
  return tag.startsWith('zh') ? 'zh-CN' : 'en';
}

/** A translator for `locale` (English until its catalogue is loaded: see {@link loadLocale}). */
export function translator(locale: Locale): Translate {
  const catalogue: Catalogue = loaded.get(locale) ?? en;
  return (key, vars) => {
    const text = catalogue[key] ?? en[key];
    const all: Record<string, string | number> = { origin: typeof location === 'undefined' ? '' : location.origin, ...vars };
    return fillPlaceholders(text, all);
  };
}

/** `text` with each `{name}` replaced by `vars[name]`; names not in `vars` stay as written. */
export function fillPlaceholders(text: string, vars: Record<string, string | number>): string {
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole));
}

/**
 * A translator for a lazily loaded part's own words (`words`: one locale's, e.g.
 * `GROUP_STRINGS[locale]`), filling placeholders as {@link translator} does: lazy parts carry
 * their words in their chunk, not in the main catalogues.
 */
export function wordsTranslator<K extends string>(words: Record<K, string>): (key: K, vars?: Record<string, string | number>) => string {
  return (key, vars = {}) => fillPlaceholders(words[key], vars);
}
