import { describe, expect, it } from 'vitest';
import { en } from '../src/i18n/en.js';
import { zhCN } from '../src/i18n/zh-CN.js';
import { LOCALES, resolveLocale, translator } from '../src/i18n/index.js';

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('message catalogues', () => {
  it('have exactly the same keys in every locale', () => {
    const reference = Object.keys(en).sort();
    for (const [locale, catalogue] of Object.entries(LOCALES)) expect(Object.keys(catalogue).sort(), locale).toEqual(reference);
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

  it('fills placeholders', () => {
    expect(translator('en')('thread.typing', { name: 'Ann' })).toBe('Ann is typing…');
    expect(translator('zh-CN')('thread.typing', { name: 'Ann' })).toBe('Ann 正在输入…');
    expect(translator('en')('list.noMatch', { query: '{name}' })).toBe('No chats match “{name}”.');
  });
});
