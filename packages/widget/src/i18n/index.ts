import { en, type Catalogue, type MessageKey } from './en.js';
import { zhCN } from './zh-CN.js';

export type { Catalogue, MessageKey } from './en.js';

/** Locales with a catalogue. */
export const LOCALES = { en, 'zh-CN': zhCN } as const satisfies Record<string, Catalogue>;
/** A supported locale. */
export type Locale = keyof typeof LOCALES;

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

/** A translator for `locale`. */
export function translator(locale: Locale): Translate {
  const catalogue: Catalogue = LOCALES[locale];
  return (key, vars) => {
    const text = catalogue[key] ?? en[key];
    const all: Record<string, string | number> = { origin: typeof location === 'undefined' ? '' : location.origin, ...vars };
    return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in all ? String(all[name]) : whole));
  };
}
