import { describe, expect, it } from 'vitest';
import { segments } from '../src/features/search/segments.js';

const join = (s: ReturnType<typeof segments>) => s.map((x) => (x.mark ? `[${x.text}]` : x.text)).join('');

describe('search snippet segments', () => {
  it('cuts the snippet at the ranges, keeping every character once, in order', () => {
    const text = 'we meet at the Café Rouge for dinner';
    const at = text.indexOf('Café');
    expect(join(segments(text, [[at, at + 4]]))).toBe('we meet at the [Café] Rouge for dinner');
    expect(segments(text, [])).toEqual([{ text, mark: false }]);
    expect(segments('', [])).toEqual([{ text: '', mark: false }]);
  });

  it('sorts, merges overlapping and touching ranges, and drops empty or inverted ones', () => {
    expect(join(segments('abcdefghij', [[6, 8], [0, 2], [1, 3], [3, 4], [5, 5], [9, 7]]))).toBe('[abcd]ef[gh]ij');
  });

  it('clamps ranges to the text', () => {
    expect(join(segments('hello', [[-3, 2], [4, 99]]))).toBe('[he]ll[o]');
    expect(join(segments('hello', [[10, 20]]))).toBe('hello');
  });

  it('never splits an emoji (a surrogate pair) in half', () => {
    const text = 'go 🧗 now';
    const emoji = text.indexOf('🧗');
    // A range that starts or ends between the two halves grows to the whole character.
    expect(join(segments(text, [[emoji + 1, emoji + 2]]))).toBe('go [🧗] now');
    expect(join(segments(text, [[0, emoji + 1]]))).toBe('[go 🧗] now');
  });

  it('marks right-to-left and CJK text by the server’s UTF-16 offsets', () => {
    const hebrew = 'נפגשים מחר בקפה';
    const h = hebrew.indexOf('מחר');
    expect(join(segments(hebrew, [[h, h + 3]]))).toBe('נפגשים [מחר] בקפה');
    const chinese = '我们明天在北京见面';
    const c = chinese.indexOf('北京');
    expect(join(segments(chinese, [[c, c + 2]]))).toBe('我们明天在[北京]见面');
  });
});
