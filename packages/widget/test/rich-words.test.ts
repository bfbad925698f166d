/**
 * The rich chunk's own words (dialogs, refusals, the mention list, the composer's bar): every
 * locale has every word, non-empty, with the same `{placeholders}` as English.
 */
import { describe, expect, it } from 'vitest';
import { LOCALES } from '../src/i18n/index.js';
import { RICH_WORDS } from '../src/features/rich/words.js';

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('rich messages: words', () => {
  it('exist in every locale, with the same placeholders', () => {
    expect(Object.keys(RICH_WORDS).sort()).toEqual(Object.keys(LOCALES).sort());
    const en = RICH_WORDS.en;
    for (const [locale, words] of Object.entries(RICH_WORDS)) {
      expect(Object.keys(words).sort(), locale).toEqual(Object.keys(en).sort());
      for (const [key, text] of Object.entries(words)) {
        expect(text.trim(), `${locale} ${key}`).not.toBe('');
        expect(placeholders(text), `${locale} ${key}`).toEqual(placeholders(en[key as keyof typeof en]));
      }
    }
    expect(placeholders(en.replyingTo)).toEqual(['name']);
  });
});
