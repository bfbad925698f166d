// @vitest-environment happy-dom
/**
 * Rich messages in a thread: replies (the quote, jumping to the original, the composer's reply
 * bar), edits (the composer in edit mode, Save, Cancel and Escape, the draft kept), deletes (a
 * confirmation), reactions (chips, toggling, the picker) and the server's refusals in words. The
 * rich chunk's real code runs (`client.rich` is `richWith` around recorded actions).
 */
import { cleanup, fireEvent, waitFor, within } from '@testing-library/preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { QuickchatError, type LocalMessage } from '@quickchat/sdk';
import { Thread } from '../src/screens/thread.js';
import { ME, FakeClient, conversation, dmId, message, user } from './support/fake-client.js';
import { renderChat, screenProps } from './support/render.js';

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

const ALICE = 'u_alice';
const CONV = dmId(ME, ALICE);
const HEBREW = 'שלום עולם, מה שלומך היום?';
const LONG = 'a'.repeat(3000);
const XSS = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>';

function setup(items: LocalMessage[], options: { hasMoreBefore?: boolean; locale?: string; client?: FakeClient } = {}) {
  const client = options.client ?? new FakeClient();
  client.profiles.set(ALICE, user(ALICE, 'Alice'));
  client.setConversations(conversation(ALICE, { lastSeq: items.length }));
  client.setMessages(CONV, items, options.hasMoreBefore ?? false);
  const r = renderChat(<Thread {...screenProps({ name: 'thread', conversationId: CONV }).props} />, { client, locale: options.locale });
  return { ...r, log: r.getByRole('log'), box: r.getByRole('textbox') as HTMLTextAreaElement };
}

/** Opens a message's actions menu (by its button, once the sender's name is known) and picks `item`. */
async function choose(r: ReturnType<typeof setup>, sender: string, item: string) {
  fireEvent.click(await within(r.log).findByRole('button', { name: `Message actions: ${sender}` }));
  fireEvent.click(r.getByRole('menuitem', { name: item }));
}

const quoteOf = (m: LocalMessage, extra: Partial<NonNullable<LocalMessage['quote']>> = {}) => ({ seq: m.seq!, senderId: m.senderId, text: m.content.type === 'text' ? m.content.text.slice(0, 200) : '', attachments: 0, deleted: false, ...extra });

describe('rich messages: the actions menu', () => {
  it('offers reply and react on anyone’s message, edit and delete only on yours (in a DM)', async () => {
    const r = setup([message(CONV, ALICE, 1, '🎉🎉'), message(CONV, ME, 2, HEBREW)]);
    fireEvent.click(await within(r.log).findByRole('button', { name: 'Message actions: Alice' }));
    expect(r.getAllByRole('menuitem').map((i) => i.textContent)).toEqual(['Reply', 'Add reaction']);
    fireEvent.keyDown(r.getByRole('menu'), { key: 'Escape' });
    const mine = within(r.log).getByRole('button', { name: 'Message actions: You' });
    expect(document.activeElement === mine || r.queryByRole('menu') === null).toBe(true);
    fireEvent.keyDown(mine, { key: 'ArrowDown' });
    expect(r.getAllByRole('menuitem').map((i) => i.textContent)).toEqual(['Reply', 'Add reaction', 'Edit', 'Delete']);
  });

  it('offers nothing on a message not stored yet, nor on a deleted one', () => {
    const r = setup([message(CONV, ME, null, 'on its way', { state: 'pending' }), { ...message(CONV, ALICE, 1, ''), content: { type: 'deleted', by: ALICE } }]);
    expect(within(r.log).queryAllByRole('button', { name: /Message actions/ })).toEqual([]);
    expect(r.log.textContent).toContain('Message deleted');
  });
});

describe('rich messages: replies', () => {
  it('replies from the menu: the bar names the message, Enter sends it with replyTo, and the bar goes', async () => {
    const original = message(CONV, ALICE, 7, HEBREW);
    const r = setup([original]);
    await choose(r, 'Alice', 'Reply');
    const bar = (await r.findByText(/Replying to/)).closest('.qc-banner') as HTMLElement;
    expect(bar.textContent).toContain('Replying to Alice');
    expect(bar.textContent).toContain(HEBREW);
    await waitFor(() => expect(document.activeElement).toBe(r.box));
    fireEvent.input(r.box, { target: { value: 'כן, בסדר 👍' } });
    fireEvent.keyDown(r.box, { key: 'Enter' });
    await waitFor(() => expect(r.client.sentContent).toEqual([{ type: 'text', text: 'כן, בסדר 👍', replyTo: 7 }]));
    await waitFor(() => expect(r.queryByText(/Replying to/)).toBeNull());
    expect(r.box.value).toBe('');
  });

  it('drops the reply with Escape (which does not close the panel) or Cancel; the next message is plain', async () => {
    const r = setup([message(CONV, ALICE, 3, 'question?')]);
    await choose(r, 'Alice', 'Reply');
    await waitFor(() => r.getByText(/Replying to/));
    const escape = new KeyboardEvent('keydown', { key: 'Escape', bubbles: true, cancelable: true });
    let reachedPanel = false;
    const listen = () => (reachedPanel = true);
    document.addEventListener('keydown', listen);
    r.box.dispatchEvent(escape);
    document.removeEventListener('keydown', listen);
    expect(reachedPanel).toBe(false);
    await waitFor(() => expect(r.queryByText(/Replying to/)).toBeNull());
    await choose(r, 'Alice', 'Reply');
    fireEvent.click(await waitFor(() => r.getByRole('button', { name: 'Cancel' })));
    await waitFor(() => expect(r.queryByText(/Replying to/)).toBeNull());
    fireEvent.input(r.box, { target: { value: 'plain' } });
    fireEvent.keyDown(r.box, { key: 'Enter' });
    expect(r.client.sentContent).toEqual([{ type: 'text', text: 'plain' }]);
  });

  it('shows the quote above a reply (RTL and long unbroken text as text) and jumps to the original, marking it', async () => {
    const original = message(CONV, ALICE, 1, HEBREW);
    const long = message(CONV, ALICE, 2, LONG);
    const reply = message(CONV, ME, 3, 'agreed', { quote: quoteOf(original) });
    const reply2 = message(CONV, ME, 4, 'that one', { quote: quoteOf(long) });
    const r = setup([original, long, reply, reply2]);
    const quotes = within(r.log).getAllByRole('button', { name: /^In reply to/ });
    await waitFor(() => expect(quotes.map((q) => q.textContent)).toEqual([`In reply to Alice${HEBREW}`, `In reply to Alice${LONG.slice(0, 200)}`]));
    expect(quotes[0]!.querySelector('[dir=auto]')).not.toBeNull();
    fireEvent.click(quotes[0]!);
    await waitFor(() => expect(r.log.querySelector('.qc-flash')?.textContent).toContain(HEBREW));
    expect(r.log.querySelectorAll('.qc-flash')).toHaveLength(1);
    expect(document.activeElement).toBe(r.log);
  });

  it('loads older pages to reach an original not loaded yet', async () => {
    const client = new FakeClient();
    const original = message(CONV, ALICE, 2, 'way back');
    client.olderPages.set(CONV, [original]);
    const r = setup([message(CONV, ME, 40, 'answer', { quote: quoteOf(original) })], { client, hasMoreBefore: true });
    fireEvent.click(within(r.log).getByRole('button', { name: /^In reply to/ }));
    await waitFor(() => expect(r.log.querySelector('.qc-flash')?.textContent).toContain('way back'));
    expect(client.calls.loadOlder).toContain(CONV);
  });

  it('says so when the original is not in the history, and shows a deleted original as deleted', async () => {
    const gone = { seq: 5, senderId: ALICE, text: '', attachments: 0, deleted: true };
    const r = setup([message(CONV, ME, 9, 'replying to nothing', { quote: gone })]);
    const quote = within(r.log).getByRole('button', { name: /^In reply to/ });
    await waitFor(() => expect(quote.textContent).toBe('In reply to AliceMessage deleted'));
    fireEvent.click(quote);
    expect((await r.findByRole('alert')).textContent).toContain('The original message isn’t available.');
  });
});

describe('rich messages: edits', () => {
  it('edits in the composer: the message in the text box, Save stores it, then the draft comes back', async () => {
    const mine = message(CONV, ME, 4, 'teh typo 😅');
    const r = setup([mine]);
    fireEvent.input(r.box, { target: { value: 'a draft to keep' } });
    const typing = () => r.client.calls.setTyping.filter(([, on]) => on).length;
    const typedDraft = typing();
    await choose(r, 'You', 'Edit');
    await waitFor(() => expect(r.box.value).toBe('teh typo 😅'));
    expect(r.getByText('Editing your message')).toBeTruthy();
    expect(r.getByRole('button', { name: 'Save' })).toBeTruthy();
    // Later than the typing notice's renewal: anything counted as typing now would be sent.
    const later = Date.now() + 10_000;
    const clock = vi.spyOn(Date, 'now').mockImplementation(() => later);
    fireEvent.input(r.box, { target: { value: 'the typo 😅' } });
    fireEvent.keyDown(r.box, { key: 'Enter' });
    await waitFor(() => expect(r.client.richCalls).toEqual([['edit', CONV, 4, 'the typo 😅']]));
    await waitFor(() => expect(r.box.value).toBe('a draft to keep'));
    expect(r.queryByText('Editing your message')).toBeNull();
    expect(r.client.sentContent).toEqual([]); // an edit is not a new message
    expect(r.drafts.get(CONV)).toBe('a draft to keep');
    // Neither the edit nor the draft coming back told Alice that I was typing.
    expect(typing()).toBe(typedDraft);
    clock.mockRestore();
  });

  it('cancels an edit with Escape, leaving the message and the draft as they were', async () => {
    const r = setup([message(CONV, ME, 4, 'unchanged')]);
    await choose(r, 'You', 'Edit');
    await waitFor(() => expect(r.box.value).toBe('unchanged'));
    fireEvent.input(r.box, { target: { value: 'unchanged, or not' } });
    fireEvent.keyDown(r.box, { key: 'Escape' });
    await waitFor(() => expect(r.box.value).toBe(''));
    expect(r.client.richCalls).toEqual([]);
    expect(r.getByRole('button', { name: 'Send' })).toBeTruthy();
  });

  it('says why the server refused an edit (the edit window passed) and keeps the edit open', async () => {
    const r = setup([message(CONV, ME, 4, 'old words')]);
    r.client.richReply = async () => {
      throw new QuickchatError('forbidden', 'the edit window has passed');
    };
    await choose(r, 'You', 'Edit');
    await waitFor(() => expect(r.box.value).toBe('old words'));
    fireEvent.input(r.box, { target: { value: 'new words' } });
    fireEvent.keyDown(r.box, { key: 'Enter' });
    expect((await r.findByRole('alert')).textContent).toContain('This message can’t be edited any more: the time for editing it has passed.');
    expect(r.box.value).toBe('new words');
    expect(r.getByText('Editing your message')).toBeTruthy();
    fireEvent.click(r.getByRole('button', { name: 'Dismiss' }));
    await waitFor(() => expect(r.queryByRole('alert')).toBeNull());
  });
});

describe('rich messages: deletes', () => {
  it('asks first, then deletes; Cancel deletes nothing', async () => {
    const r = setup([message(CONV, ME, 6, 'oops, wrong chat')]);
    await choose(r, 'You', 'Delete');
    const dialog = await r.findByRole('dialog', { name: 'Delete this message?' });
    expect(dialog.textContent).toContain('It will be deleted for everyone in this chat.');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    await waitFor(() => expect(r.queryByRole('dialog')).toBeNull());
    expect(r.client.richCalls).toEqual([]);
    await choose(r, 'You', 'Delete');
    fireEvent.click(within(await r.findByRole('dialog')).getByRole('button', { name: 'Delete' }));
    await waitFor(() => expect(r.client.richCalls).toEqual([['delete', CONV, 6]]));
  });

  it('says why a delete was refused, in Chinese too', async () => {
    const r = setup([message(CONV, ME, 6, '消息')], { locale: 'zh-CN' });
    r.client.richReply = async () => {
      throw new QuickchatError('not_found', 'no such message');
    };
    fireEvent.click(await within(r.log).findByRole('button', { name: '消息操作：我' }));
    fireEvent.click(r.getByRole('menuitem', { name: '删除' }));
    fireEvent.click(within(await r.findByRole('dialog', { name: '删除这条消息？' })).getByRole('button', { name: '删除' }));
    expect((await r.findByRole('alert')).textContent).toContain('这条消息已不存在，可能刚被删除。');
  });
});

describe('rich messages: reactions', () => {
  const reactions = [
    { emoji: '👍🏽', count: 2, mine: true },
    { emoji: '👨‍👩‍👧', count: 1, mine: false },
    { emoji: XSS, count: 1, mine: false },
  ];

  it('shows each reaction with its count, yours pressed, and markup as text', () => {
    const r = setup([message(CONV, ALICE, 1, 'party tonight', { reactions })]);
    const group = within(r.log).getByRole('group', { name: 'Reactions' });
    const chips = within(group).getAllByRole('button');
    expect(chips.map((c) => [c.textContent, c.getAttribute('aria-pressed')])).toEqual([
      ['👍🏽 2', 'true'],
      ['👨‍👩‍👧 1', 'false'],
      [`${XSS} 1`, 'false'],
    ]);
    expect(r.log.querySelector('img, script')).toBeNull();
    expect((window as { __pwned?: number }).__pwned).toBeUndefined();
  });

  it('toggles yours with a click, the emoji exactly as shown (skin tone, ZWJ sequence)', async () => {
    const r = setup([message(CONV, ALICE, 1, 'party tonight', { reactions })]);
    const group = within(r.log).getByRole('group', { name: 'Reactions' });
    fireEvent.click(within(group).getByRole('button', { name: '👨‍👩‍👧 1' }));
    fireEvent.click(within(group).getByRole('button', { name: '👍🏽 2' }));
    await waitFor(() => expect(r.client.richCalls).toEqual([
      ['toggleReaction', CONV, 1, '👨‍👩‍👧'],
      ['toggleReaction', CONV, 1, '👍🏽'],
    ]));
  });

  it('adds one from the picker: common ones first, then the emoji picker (its chunk), and says so when refused', async () => {
    const r = setup([message(CONV, ALICE, 1, '🎂')]);
    await choose(r, 'Alice', 'Add reaction');
    const dialog = await r.findByRole('dialog', { name: 'Add a reaction' });
    const quick = within(dialog).getByRole('group', { name: 'Quick reactions' });
    expect(within(quick).getAllByRole('button').map((b) => b.textContent)).toEqual(['👍', '❤️', '😂', '😮', '😢', '🙏']);
    await within(dialog).findByRole('searchbox', { name: 'Search emoji' }, { timeout: 5000 });
    fireEvent.click(within(quick).getByRole('button', { name: '❤️' }));
    await waitFor(() => expect(r.client.richCalls).toEqual([['react', CONV, 1, '❤️']]));
    await waitFor(() => expect(r.queryByRole('dialog')).toBeNull());

    r.client.richReply = async () => {
      throw new QuickchatError('conflict', 'too many reactions');
    };
    await choose(r, 'Alice', 'Add reaction');
    fireEvent.click(within(await r.findByRole('dialog')).getByRole('button', { name: '🙏' }));
    expect((await r.findByRole('alert')).textContent).toContain('This message can’t take another kind of reaction');
  });
});
