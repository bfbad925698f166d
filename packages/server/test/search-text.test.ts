import { describe, expect, it } from 'vitest';
import { searchText } from '../src/store/sqlite/search-text.js';
import { toMatchExpression } from '../src/store/sqlite/search.js';
import { snippetOf } from '../src/services/search/snippet.js';

/** The pure parts of search: how text becomes tokens, how a query becomes FTS5 syntax, and snippets. */
describe('searchText: CJK characters become tokens of their own', () => {
  it('spaces out Han, kana and Hangul, and leaves other scripts alone', () => {
    expect(searchText('北京烤鸭 is great')).toBe(' 北  京  烤  鸭  is great');
    expect(searchText('カタカナとひらがな')).toBe(' カ  タ  カ  ナ  と  ひ  ら  が  な ');
    expect(searchText('한국어')).toBe(' 한  국  어 ');
    expect(searchText('Ünïcödé שלום مرحبا')).toBe('Ünïcödé שלום مرحبا');
  });
});

describe('toMatchExpression: user input never becomes FTS5 syntax', () => {
  it('quotes every word as a phrase (whole words), CJK words as phrases of characters', () => {
    expect(toMatchExpression('dinner plans')).toBe('"dinner" AND "plans"');
    expect(toMatchExpression('北京 dinner')).toBe('"北 京" AND "dinner"');
  });
  it('drops operators, quotes and punctuation; nothing searchable is null', () => {
    expect(toMatchExpression('"quoted" OR NEAR(x)')).toBe('"quoted" AND "OR" AND "NEAR x"');
    expect(toMatchExpression('title:foo^ *')).toBe('"title foo"');
    expect(toMatchExpression(' *** ')).toBeNull();
  });
});

describe('snippetOf', () => {
  it('keeps short text whole and marks every match, ignoring case', () => {
    const s = snippetOf('Report due: the REPORT is late', 'report');
    expect(s.snippet).toBe('Report due: the REPORT is late');
    expect(s.highlights.map(([a, b]) => s.snippet.slice(a, b))).toEqual(['Report', 'REPORT']);
  });
  it('cuts long text around the first match at a word boundary, with ellipses, never splitting an emoji', () => {
    const text = `${'word '.repeat(60)}the needle 🪡 is here ${'tail '.repeat(60)}`;
    const s = snippetOf(text, 'needle');
    expect(s.snippet.startsWith('…word')).toBe(true);
    expect(s.snippet.endsWith('…')).toBe(true);
    expect(s.snippet.length).toBeLessThanOrEqual(162);
    expect(s.highlights.map(([a, b]) => s.snippet.slice(a, b))).toEqual(['needle']);
    expect(s.snippet).toContain('🪡');
    const astral = snippetOf(`${'😀'.repeat(100)} end`, 'end');
    expect(astral.snippet).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/);
  });
  it('treats regex characters in the query as text', () => {
    const s = snippetOf('cost: $5 (approx.)', '$5 (approx');
    expect(s.highlights.map(([a, b]) => s.snippet.slice(a, b))).toEqual(['$5', '(approx']);
  });
});
