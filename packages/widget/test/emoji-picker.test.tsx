// @vitest-environment happy-dom
/**
 * The composer's emoji picker: a lazily loaded chunk shown in a modal dialog. Picking inserts
 * the emoji at the caret (replacing a selection) and returns focus to the text box; arrow keys
 * move within the grid and the category tabs; Escape closes without inserting. A search field
 * (English names and keywords, Simplified Chinese keywords) and a "Recently used" category kept
 * in localStorage.
 */
import { cleanup, fireEvent, waitFor } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import { Composer } from '../src/components/composer.js';
import { allEmoji, emojiOf } from '../src/features/emoji/emoji-data.js';
import { NAME_COUNT, searchEmoji } from '../src/features/emoji/emoji-search.js';
import { MAX_RECENT, loadRecent, recentKey, rememberRecent } from '../src/features/emoji/recent.js';
import { ME } from './support/fake-client.js';
import { renderChat } from './support/render.js';

afterEach(() => {
  cleanup();
  localStorage.clear();
});

const CONV = 'dm:u_a~u_me';

async function openPicker(locale?: string) {
  const view = renderChat(<Composer conversationId={CONV} peerName="Ann" />, { locale });
  const box = view.getByRole('textbox', { name: locale === 'zh-CN' ? '发给 Ann 的消息' : 'Message to Ann' }) as HTMLTextAreaElement;
  fireEvent.input(box, { target: { value: 'hi there' } });
  box.setSelectionRange(3, 8); // "there" selected
  fireEvent.click(view.getByRole('button', { name: locale === 'zh-CN' ? '插入表情' : 'Insert emoji' }));
  const dialog = await view.findByRole('dialog', { name: locale === 'zh-CN' ? '表情' : 'Emoji' });
  return { ...view, box, dialog, search: view.getByRole('searchbox') as HTMLInputElement };
}

const active = () => document.activeElement as HTMLElement;

describe('emoji picker', () => {
  it('opens in a modal dialog with focus in the search field; a click inserts at the caret and focus goes back to the text box', async () => {
    const v = await openPicker();
    const smileys = emojiOf('smileys');
    expect(active()).toBe(v.search);
    expect(v.search.getAttribute('aria-label')).toBe('Search emoji');
    expect(v.dialog.getAttribute('aria-modal')).toBe('true');
    fireEvent.click(v.getByRole('button', { name: smileys[2] }));
    await waitFor(() => expect(v.queryByRole('dialog')).toBeNull());
    expect(v.box.value).toBe(`hi ${smileys[2]}`);
    expect(active()).toBe(v.box);
    expect(v.box.selectionStart).toBe(3 + smileys[2]!.length);
    expect(v.drafts.get(CONV)).toBe(`hi ${smileys[2]}`); // the draft follows
  });

  it('moves with the arrow keys inside the grid, one tab stop; Enter picks', async () => {
    const v = await openPicker();
    const smileys = emojiOf('smileys');
    fireEvent.keyDown(v.search, { key: 'ArrowDown' }); // from the search field into the grid
    await waitFor(() => expect(active().textContent).toBe(smileys[0]));
    fireEvent.keyDown(active(), { key: 'ArrowRight' });
    await waitFor(() => expect(active().textContent).toBe(smileys[1]));
    fireEvent.keyDown(active(), { key: 'ArrowDown' });
    await waitFor(() => expect(active().textContent).toBe(smileys[9])); // 8 per row
    const grid = v.getByRole('tabpanel');
    expect([...grid.querySelectorAll('button')].filter((b) => b.tabIndex === 0)).toHaveLength(1);
    fireEvent.click(active()); // what Enter does on a button
    await waitFor(() => expect(v.box.value).toBe(`hi ${smileys[9]}`));
  });

  it('switches category from the tabs with the arrow keys', async () => {
    const v = await openPicker();
    const tabs = v.getAllByRole('tab');
    expect(tabs.map((t) => t.getAttribute('aria-label'))).toEqual(['Smileys', 'People and gestures', 'Animals and nature', 'Food and drink', 'Activities', 'Travel and places', 'Objects', 'Symbols']);
    tabs[0]!.focus();
    fireEvent.keyDown(tabs[0]!, { key: 'ArrowRight' });
    await waitFor(() => expect(active().getAttribute('aria-label')).toBe('People and gestures'));
    expect(active().getAttribute('aria-selected')).toBe('true');
    expect(v.getByRole('tabpanel').querySelector('button')!.textContent).toBe(emojiOf('people')[0]);
    fireEvent.keyDown(active(), { key: 'End' });
    await waitFor(() => expect(active().getAttribute('aria-label')).toBe('Symbols'));
  });

  it('Escape closes without inserting, and the text stays as it was', async () => {
    const v = await openPicker();
    fireEvent.keyDown(active(), { key: 'Escape' });
    await waitFor(() => expect(v.queryByRole('dialog')).toBeNull());
    expect(v.box.value).toBe('hi there');
    expect(active()).toBe(v.box);
  });

  it('keeps recently used emoji per user: a "Recently used" tab, first and open, newest first', async () => {
    let v = await openPicker();
    expect(v.getAllByRole('tab')[0]!.getAttribute('aria-label')).toBe('Smileys'); // none yet: no such tab
    fireEvent.click(v.getByRole('button', { name: '😂' }));
    await waitFor(() => expect(v.queryByRole('dialog')).toBeNull());
    cleanup();
    v = await openPicker();
    fireEvent.click(v.getByRole('tab', { name: 'Animals and nature' }));
    fireEvent.click(v.getByRole('button', { name: '🐱' }));
    await waitFor(() => expect(v.queryByRole('dialog')).toBeNull());
    cleanup();
    v = await openPicker();
    const tabs = v.getAllByRole('tab');
    expect(tabs.map((t) => t.getAttribute('aria-label'))[0]).toBe('Recently used');
    expect(tabs).toHaveLength(9);
    expect(tabs[0]!.getAttribute('aria-selected')).toBe('true');
    const panel = v.getByRole('tabpanel', { name: 'Recently used' });
    expect([...panel.querySelectorAll('button')].map((b) => b.textContent)).toEqual(['🐱', '😂']);
    expect(JSON.parse(localStorage.getItem(`quickchat:emoji-recent:${ME}`)!)).toEqual(['🐱', '😂']);
  });

  it('bounds the recent list, moves a repeat to the front, and ignores junk or unavailable storage', () => {
    const known = new Set(allEmoji());
    const key = recentKey('u_x');
    for (const e of allEmoji().slice(0, 30)) rememberRecent(key, e, known);
    rememberRecent(key, allEmoji()[20]!, known);
    const recent = loadRecent(key, known);
    expect(recent).toHaveLength(MAX_RECENT);
    expect(recent.slice(0, 3)).toEqual([allEmoji()[20], allEmoji()[29], allEmoji()[28]]);
    localStorage.setItem(key, '{"not":"a list"}');
    expect(loadRecent(key, known)).toEqual([]);
    localStorage.setItem(key, JSON.stringify(['<img src=x>', 42, '😀']));
    expect(loadRecent(key, known)).toEqual(['😀']);
    localStorage.setItem(key, 'not json');
    expect(loadRecent(key, known)).toEqual([]);
  });

  it('searches by English name and keyword: results are a grid (one tab stop, arrow keys), Enter picks the first', async () => {
    const v = await openPicker();
    fireEvent.input(v.search, { target: { value: 'cat' } });
    const results = await v.findByRole('group', { name: 'Search results' });
    expect(v.queryByRole('tablist')).toBeNull();
    const found = [...results.querySelectorAll('button')];
    expect(found[0]!.textContent).toBe('🐱');
    expect(found.filter((b) => b.tabIndex === 0)).toHaveLength(1);
    expect(v.getByText(`${found.length} emoji found`).getAttribute('role')).toBe('status');
    fireEvent.keyDown(v.search, { key: 'ArrowDown' });
    await waitFor(() => expect(active()).toBe(found[0]));

    fireEvent.input(v.search, { target: { value: 'thumbs up' } });
    await waitFor(() => expect(v.getByRole('group', { name: 'Search results' }).querySelector('button')!.textContent).toBe('👍'));
    fireEvent.input(v.search, { target: { value: 'LOL' } });
    await waitFor(() => expect(v.getByRole('group', { name: 'Search results' }).querySelector('button')!.textContent).toBe('😂'));
    fireEvent.keyDown(v.search, { key: 'Enter' });
    await waitFor(() => expect(v.box.value).toBe('hi 😂'));
  });

  it('says "No emoji found"; Escape first empties the search, then closes', async () => {
    const v = await openPicker();
    fireEvent.input(v.search, { target: { value: 'qqzzxx' } });
    await waitFor(() => expect(v.getByRole('status').textContent).toBe('No emoji found'));
    expect(v.queryByRole('group')).toBeNull();
    fireEvent.keyDown(v.search, { key: 'Escape' });
    await waitFor(() => expect(v.search.value).toBe(''));
    expect(v.getByRole('dialog')).toBeTruthy();
    expect(v.getAllByRole('tab')).toHaveLength(8);
    fireEvent.keyDown(v.search, { key: 'Escape' });
    await waitFor(() => expect(v.queryByRole('dialog')).toBeNull());
  });

  it('finds emoji by Simplified Chinese keywords, in the zh-CN widget', async () => {
    const v = await openPicker('zh-CN');
    expect(v.search.getAttribute('aria-label')).toBe('搜索表情');
    fireEvent.input(v.search, { target: { value: '猫' } });
    const results = await v.findByRole('group', { name: '搜索结果' });
    expect(results.querySelector('button')!.textContent).toBe('🐱');
    fireEvent.input(v.search, { target: { value: '大笑' } });
    await waitFor(() => expect([...v.getByRole('group', { name: '搜索结果' }).querySelectorAll('button')].map((b) => b.textContent)).toContain('😂'));
  });

  it('has a name for every emoji, in step with the categories', () => {
    expect(NAME_COUNT).toBe(allEmoji().length);
    expect(searchEmoji('rocket', allEmoji())).toEqual(['🚀']);
    expect(searchEmoji('heart', allEmoji())).toContain('❤️');
    expect(searchEmoji('  ', allEmoji())).toEqual([]);
  });
});
