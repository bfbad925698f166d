// @vitest-environment happy-dom
/**
 * Attachments and presence, wired into the widget: a message's files in the thread (the sized
 * boxes before the attachments chunk, then the previews and cards), the composer's attach button,
 * paste and drop feeding the upload tray and the message it sends, refusals, and presence dots in
 * the chat list and a DM thread's header. Its own file, since the chunk loads once per module graph.
 */
import { cleanup, fireEvent, waitFor, within } from '@testing-library/preact';
import type { ComponentChildren } from 'preact';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiError, createStore } from '@quickchat/sdk';
import type { Attachment } from '@quickchat/sdk/messages';
import type { PresenceStates } from '@quickchat/sdk/presence';
import { Composer } from '../src/components/composer.js';
import { loadedAttachmentsChunk } from '../src/components/lazy-attachments.js';
import { ATTACH_STRINGS } from '../src/features/attachments/strings.js';
import { LOCALES } from '../src/i18n/index.js';
import { ConversationList } from '../src/screens/conversation-list.js';
import { Thread } from '../src/screens/thread.js';
import { PresenceContext, type WidgetPresence } from '../src/state/presence.js';
import { FakeClient, ME, conversation, dmId, message, user } from './support/fake-client.js';
import { renderChat, screenProps } from './support/render.js';

afterEach(cleanup);

const PEER = 'u_a';
const CONV = dmId(ME, PEER);
const photo: Attachment = { id: 'f1', name: 'harbour.jpg', mime: 'image/jpeg', size: 48_213, width: 800, height: 600, thumbnail: true };
const report: Attachment = { id: 'f2', name: 'report.pdf', mime: 'application/pdf', size: 1_572_864, thumbnail: false };

function withFiles(seq: number, text: string, attachments: Attachment[], senderId = PEER) {
  const m = message(CONV, senderId, seq, text);
  return { ...m, content: { type: 'text' as const, text, attachments } };
}

function thread(client: FakeClient, children?: (ui: ComponentChildren) => ComponentChildren) {
  client.profiles.set(PEER, user(PEER, 'Ann'));
  client.setConversations(conversation(PEER, { lastSeq: 2 }));
  const ui = <Thread {...screenProps({ name: 'thread', conversationId: CONV }).props} />;
  return renderChat(children ? children(ui) : ui, { client });
}

describe('a message’s files in the thread', () => {
  it('reserves an image’s box before the chunk loads, then shows the preview in it', async () => {
    expect(loadedAttachmentsChunk()).toBeNull(); // the first file of this module graph
    const client = new FakeClient();
    client.setMessages(CONV, [withFiles(1, 'the view', [photo])]);
    const v = thread(client);
    // At once: the message's text, and a box of the image's shape (240 px wide, 4:3) holding its place.
    expect(v.getByText('the view')).toBeTruthy();
    const box = v.container.querySelector('.qc-atts[aria-busy] > div') as HTMLElement;
    expect(box.style.width).toBe('240px');
    expect(box.style.aspectRatio.replace(/\s/g, '')).toBe('800/600');
    // Then the chunk: the preview, same box, with the thumbnail's link from the messages manager.
    const preview = await v.findByRole('button', { name: 'Open image harbour.jpg' });
    expect(preview.style.aspectRatio.replace(/\s/g, '')).toBe('800/600');
    const img = (await v.findByRole('img', { name: 'harbour.jpg' })) as HTMLImageElement;
    expect(img.getAttribute('src')).toBe('https://files.test/f1/thumbnail');
    expect(client.fileUrls).toContainEqual(['f1', 'thumbnail']);
  });

  it('shows a message of files only without an empty bubble, still naming its sender and offering its actions', async () => {
    const client = new FakeClient();
    client.setMessages(CONV, [withFiles(1, '', [report])]);
    const v = thread(client);
    await v.findByRole('button', { name: 'Download report.pdf' });
    const msg = v.container.querySelector('.qc-msg')!;
    expect(msg.querySelector('.qc-bubble')).toBeNull();
    expect(msg.querySelector('.qc-sr')!.textContent).toBe('Ann: ');
    expect(within(msg as HTMLElement).getByRole('button', { name: /Actions/i })).toBeTruthy();
    expect(within(msg as HTMLElement).getByText('1.5 MB')).toBeTruthy();
  });

  it('shows nothing of a deleted message’s files', async () => {
    const client = new FakeClient();
    const gone = { ...message(CONV, PEER, 1, ''), content: { type: 'deleted' as const } };
    client.setMessages(CONV, [gone as never, withFiles(2, 'still here', [report])]);
    const v = thread(client);
    await v.findByRole('button', { name: 'Download report.pdf' });
    expect(v.getAllByRole('button', { name: /^Download/ })).toHaveLength(1);
    expect(v.getByText('Message deleted')).toBeTruthy();
  });
});

/** The composer of a DM, with a file picked through its hidden input; resolves once the tray shows it. */
function composer(client = new FakeClient(), locale?: string) {
  const v = renderChat(<Composer conversationId={CONV} peerName="Ann" />, { client, locale });
  const input = v.container.querySelector('input[type=file]') as HTMLInputElement;
  const pick = async (...files: File[]) => {
    Object.defineProperty(input, 'files', { value: files, configurable: true });
    fireEvent.change(input);
    await v.findAllByRole('listitem');
  };
  const box = v.getByRole('textbox') as HTMLTextAreaElement;
  const send = v.container.querySelector('button[type=submit]') as HTMLButtonElement;
  return { ...v, input, pick, box, send };
}

const png = (name = 'shot.png', bytes = 2048) => new File([new Uint8Array(bytes)], name, { type: 'image/png' });

describe('the composer’s files', () => {
  it('picks files with the attach button: a tray with progress, then Send carries the stored ids with the text', async () => {
    const client = new FakeClient();
    const v = composer(client);
    let clicked = 0;
    v.input.addEventListener('click', () => clicked++);
    fireEvent.click(v.getByRole('button', { name: 'Attach files' }));
    expect(clicked).toBe(1);
    expect(v.input.multiple).toBe(true);
    await v.pick(png());
    expect(v.input.value).toBe(''); // the same file can be picked again
    expect(client.uploads.map((u) => [u.conversationId, u.name])).toEqual([[CONV, 'shot.png']]);
    const bar = v.getByRole('progressbar', { name: 'Uploading shot.png' });
    client.uploads[0]!.progress(1024, 2048);
    await waitFor(() => expect(bar.getAttribute('aria-valuenow')).toBe('50'));
    // While it uploads, nothing can be sent (not even the text).
    fireEvent.input(v.box, { target: { value: 'look' } });
    expect(v.send.disabled).toBe(true);
    fireEvent.keyDown(v.box, { key: 'Enter' });
    expect(client.calls.send).toEqual([]);
    client.uploads[0]!.finish('att_1', { width: 10, height: 10 });
    await v.findByText('Ready to send');
    expect(v.send.disabled).toBe(false);
    fireEvent.click(v.send);
    expect(client.calls.send).toEqual([[CONV, 'look']]);
    expect(client.sentContent).toEqual([{ type: 'text', text: 'look', attachments: ['att_1'] }]);
    await waitFor(() => expect(v.queryByRole('list')).toBeNull());
    expect(v.box.value).toBe('');
  });

  it('sends files without text, and not a file that was cancelled', async () => {
    const client = new FakeClient();
    const v = composer(client);
    expect(v.send.disabled).toBe(true);
    await v.pick(png('a.png'), png('b.png'));
    fireEvent.click(v.getByRole('button', { name: 'Cancel uploading b.png' }));
    expect(client.uploads[1]!.cancelled).toBe(true);
    client.uploads[0]!.finish('att_a');
    await v.findByText('Ready to send');
    await waitFor(() => expect(v.send.disabled).toBe(false));
    fireEvent.click(v.send);
    expect(client.sentContent).toEqual([{ type: 'text', text: '', attachments: ['att_a'] }]);
  });

  it('takes pasted images (not pasted text) and dropped files', async () => {
    const client = new FakeClient();
    const v = composer(client);
    const words = new DataTransfer();
    words.items.add('just words', 'text/plain');
    expect(fireEvent(v.box, new ClipboardEvent('paste', { clipboardData: words, bubbles: true, cancelable: true }))).toBe(true); // the browser pastes it
    expect(client.uploads).toEqual([]);
    const shot = new DataTransfer();
    shot.items.add(png('pasted.png'));
    expect(fireEvent(v.box, new ClipboardEvent('paste', { clipboardData: shot, bubbles: true, cancelable: true }))).toBe(false);
    await waitFor(() => expect(client.uploads.map((u) => u.name)).toEqual(['pasted.png']));
    const form = v.container.querySelector('form')!;
    const dropped = new File(['%PDF-1.4'], 'dropped.pdf', { type: 'application/pdf' });
    const data = { items: [{ kind: 'file', getAsFile: () => dropped, webkitGetAsEntry: () => ({ isDirectory: false }) }], files: [dropped], types: ['Files'] } as unknown as DataTransfer;
    const over = new Event('dragover', { bubbles: true, cancelable: true });
    Object.defineProperty(over, 'dataTransfer', { value: data });
    expect(fireEvent(form, over)).toBe(false); // a drop target
    const drop = new Event('drop', { bubbles: true, cancelable: true });
    Object.defineProperty(drop, 'dataTransfer', { value: data });
    expect(fireEvent(form, drop)).toBe(false);
    await waitFor(() => expect(client.uploads.map((u) => u.name)).toEqual(['pasted.png', 'dropped.pdf']));
    await waitFor(() => expect(v.getAllByRole('listitem')).toHaveLength(2));
  });

  it('says why a file is refused, before or after uploading, in the widget’s language', async () => {
    const client = new FakeClient();
    client.limits.update((l) => ({ ...l!, messages: { ...l!.messages, maxUploadBytes: 2048 } }));
    const v = composer(client);
    await v.pick(png('big.png', 5000));
    expect(client.uploads).toEqual([]); // checked first: nothing is sent
    expect(v.getByRole('alert').textContent).toBe('Too large (max 2 kB).');
    await v.pick(png('small.png', 500));
    client.uploads[0]!.fail(new ApiError('validation', 'type: not allowed', 400));
    await v.findByText('This type of file can’t be sent.');
    expect(v.send.disabled).toBe(true); // nothing to send
    cleanup();
    const zh = composer(new FakeClient(), 'zh-CN');
    zh.client.limits.update((l) => ({ ...l!, messages: { ...l!.messages, maxAttachments: 1 } }));
    await zh.pick(png('a.png'), png('b.png'));
    expect(zh.getByText('文件过多（每条消息最多 1 个）。')).toBeTruthy();
  });

  it('has its words in every locale, with the same keys and placeholders', () => {
    const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    expect(Object.keys(ATTACH_STRINGS).sort()).toEqual(Object.keys(LOCALES).sort());
    for (const [locale, words] of Object.entries(ATTACH_STRINGS)) {
      expect(Object.keys(words).sort(), locale).toEqual(Object.keys(ATTACH_STRINGS.en).sort());
      for (const [key, text] of Object.entries(words)) {
        expect(placeholders(text), `${locale} ${key}`).toEqual(placeholders(ATTACH_STRINGS.en[key as keyof typeof ATTACH_STRINGS.en]));
        expect(text.trim()).not.toBe('');
      }
    }
  });
});

/** A presence manager with these states; watches recorded. */
function presenceOf(states: PresenceStates): WidgetPresence & { watched: string[][] } {
  const watched: string[][] = [];
  return { states: createStore(states), watch: (ids) => (watched.push([...ids]), () => undefined), watched };
}

describe('presence dots', () => {
  it('show in the chat list on a DM peer’s avatar, and nothing for someone unknown or a group', () => {
    const client = new FakeClient();
    client.profiles.set('u_a', user('u_a', 'Ann'));
    client.profiles.set('u_b', user('u_b', 'Bob'));
    client.setConversations(conversation('u_a', { lastSeq: 1 }), conversation('u_b', { lastSeq: 1 }));
    const presence = presenceOf({ u_a: { userId: 'u_a', status: 'online' }, u_b: { userId: 'u_b', status: 'unknown' } });
    const v = renderChat(
      <PresenceContext.Provider value={presence}>
        <ConversationList {...screenProps({ name: 'chats' }).props} />
      </PresenceContext.Provider>,
      { client },
    );
    const ann = v.container.querySelector(`[data-conversation="${dmId(ME, 'u_a')}"]`) as HTMLElement;
    const bob = v.container.querySelector(`[data-conversation="${dmId(ME, 'u_b')}"]`) as HTMLElement;
    expect(within(ann).getByRole('img', { name: 'online' }).className).toContain('qc-presence-online');
    expect(bob.querySelector('.qc-presence')).toBeNull();
  });

  it('follow the title of a DM thread, kept current', async () => {
    const client = new FakeClient();
    const presence = presenceOf({ [PEER]: { userId: PEER, status: 'online' } });
    client.setMessages(CONV, [message(CONV, PEER, 1, 'hi')]);
    const v = thread(client, (ui) => <PresenceContext.Provider value={presence}>{ui}</PresenceContext.Provider>);
    const heading = v.getByRole('heading', { level: 2 });
    expect(within(heading).getByRole('img', { name: 'online' })).toBeTruthy();
    (presence.states as ReturnType<typeof createStore<PresenceStates>>).update(() => ({ [PEER]: { userId: PEER, status: 'offline' } }));
    await waitFor(() => expect(within(heading).getByRole('img', { name: 'offline' })).toBeTruthy());
    (presence.states as ReturnType<typeof createStore<PresenceStates>>).update(() => ({}));
    await waitFor(() => expect(heading.querySelector('.qc-presence')).toBeNull());
  });
});
