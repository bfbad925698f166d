import { describe, expect, it } from 'vitest';
import { en } from '../src/i18n/en.js';
import { zhCN } from '../src/i18n/zh-CN.js';
import { hasLocale, LOCALES, loadLocale, resolveLocale, translator } from '../src/i18n/index.js';

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('message catalogues', () => {
  it('have exactly the same keys in every locale', async () => {
    const reference = Object.keys(en).sort();
    for (const [locale, load] of Object.entries(LOCALES)) expect(Object.keys(await load()).sort(), locale).toEqual(reference);
  });

  it('use the same placeholders for each key, and no empty text', () => {
    for (const key of Object.keys(en) as (keyof typeof en)[]) {
      expect(placeholders(zhCN[key]), key).toEqual(placeholders(en[key]));
      expect(zhCN[key].trim(), key).not.toBe('');
    }
  });

  it('picks the locale from options, else the browser, else English', () => {
    expect(resolveLocale('zh')).toBe('zh-CN');
    expect(resolveLocale('zh-Hans-CN')).toBe('zh-CN');
    expect(resolveLocale('en-GB')).toBe('en');
    expect(resolveLocale('fr')).toBe('en');
  });

  it('speaks English until a catalogue is loaded, then its language (mount() loads it before rendering)', async () => {
    expect(hasLocale('en')).toBe(true);
    expect(hasLocale('zh-CN')).toBe(false); // nothing in this file loaded it yet
    expect(translator('zh-CN')('thread.typing', { name: 'Ann' })).toBe('Ann is typing…');
    await loadLocale('zh-CN');
    expect(hasLocale('zh-CN')).toBe(true);
  });

  it('fills placeholders', async () => {
    await loadLocale('zh-CN');
    expect(translator('en')('thread.typing', { name: 'Ann' })).toBe('Ann is typing…');
    expect(translator('zh-CN')('thread.typing', { name: 'Ann' })).toBe('Ann 正在输入…');
    expect(translator('en')('list.noMatch', { query: '{name}' })).toBe('No chats match “{name}”.');
  });
});
