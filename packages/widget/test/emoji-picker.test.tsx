// @vitest-environment happy-dom
/**
 * The composer's emoji picker: a lazily loaded chunk shown in a modal dialog. Picking inserts
 * the emoji at the caret (replacing a selection) and returns focus to the text box; arrow keys
 * move within the grid and the category tabs; Escape closes without inserting.
 */
import { cleanup, fireEvent, waitFor } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import { Composer } from '../src/components/composer.js';
import { emojiOf } from '../src/features/emoji/emoji-data.js';
import { renderChat } from './support/render.js';

afterEach(cleanup);

const CONV = 'dm:u_a~u_me';

async function openPicker() {
  const view = renderChat(<Composer conversationId={CONV} peerName="Ann" />);
  const box = view.getByRole('textbox', { name: 'Message to Ann' }) as HTMLTextAreaElement;
  fireEvent.input(box, { target: { value: 'hi there' } });
  box.setSelectionRange(3, 8); // "there" selected
  fireEvent.click(view.getByRole('button', { name: 'Insert emoji' }));
  const dialog = await view.findByRole('dialog', { name: 'Emoji' });
  return { ...view, box, dialog };
}

const active = () => document.activeElement as HTMLElement;

describe('emoji picker', () => {
  it('opens in a modal dialog with focus on the first emoji; a click inserts at the caret and focus goes back to the text box', async () => {
    const v = await openPicker();
    const smileys = emojiOf('smileys');
    expect(active().textContent).toBe(smileys[0]);
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
});
