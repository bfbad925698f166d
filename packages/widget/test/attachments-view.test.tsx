// @vitest-environment happy-dom
/**
 * A message's files (features/attachments): images as previews whose box is sized from the
 * image's pixel size before anything loads, opening a lightbox (a modal dialog: focus on its
 * close button and kept inside, Escape or the button closes it, focus returns to the preview);
 * other files as cards with their name as text (isolated, cut in the middle when long), their
 * size in words and a download that asks for a fresh link when pressed. Failed links offer a retry.
 */
import { cleanup, fireEvent, waitFor, within } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import type { Attachment } from '@quickchat/sdk/messages';
import { Attachments } from '../src/features/attachments/files.js';
import { attachmentsOf } from '../src/util/attachments.js';
import { splitName } from '../src/features/attachments/file-name.js';
import { previewBox } from '../src/util/attachments.js';
import type { FileUrl } from '../src/util/attachment-types.js';
import { message } from './support/fake-client.js';
import { renderChat } from './support/render.js';

afterEach(cleanup);

const CONV = 'dm:u_a~u_me';
const XSS = '<img src=x onerror=alert(1)>.png';

function image(id: string, name: string, width: number, height: number): Attachment {
  return { id, name, mime: 'image/jpeg', size: 48_213, width, height, thumbnail: true };
}
function file(id: string, name: string, size: number, mime = 'application/pdf'): Attachment {
  return { id, name, mime, size, thumbnail: false };
}

/** A `fileUrl` whose answers the test gives: each call waits until `answer` or `fail` settles it. */
function links() {
  const asked: { id: string; variant: string | undefined; resolve(url: string): void; reject(err: Error): void }[] = [];
  const fileUrl: FileUrl = (id, variant) => new Promise((resolve, reject) => asked.push({ id, variant, resolve, reject }));
  const waitAsk = async (count: number) => {
    await waitFor(() => expect(asked.length).toBeGreaterThanOrEqual(count));
    return asked[count - 1]!;
  };
  return { fileUrl, asked, waitAsk };
}

const active = () => document.activeElement as HTMLElement | null;

describe('image previews', () => {
  it('reserve the image’s shape before the link or the image loads: a neutral placeholder, then the thumbnail with the file name as its text alternative', async () => {
    const l = links();
    const v = renderChat(<Attachments attachments={[image('f1', 'harbour.jpg', 800, 600)]} fileUrl={l.fileUrl} />);
    const preview = v.getByRole('button', { name: 'Open image harbour.jpg' });
    // Sized at once, with no image inside yet: 4:3, its longest side capped at 240 px.
    expect(preview.style.aspectRatio.replace(/\s/g, '')).toBe('800/600');
    expect(preview.style.width).toBe('240px');
    expect(preview.querySelector('img')).toBeNull();
    const ask = await l.waitAsk(1);
    expect([ask.id, ask.variant]).toEqual(['f1', 'thumbnail']);
    ask.resolve('https://chat.example/files/f1?v=thumbnail&sig=abc');
    const img = (await v.findByRole('img', { name: 'harbour.jpg' })) as HTMLImageElement;
    expect(img.getAttribute('src')).toBe('https://chat.example/files/f1?v=thumbnail&sig=abc');
    expect(preview.contains(img)).toBe(true);
    expect(preview.style.aspectRatio.replace(/\s/g, '')).toBe('800/600'); // the box did not change
  });

  it('size portrait, tiny and extreme images within bounds, never enlarged', () => {
    expect(previewBox({ width: 600, height: 900 })).toEqual({ width: '160px', maxWidth: '100%', aspectRatio: '600 / 900' });
    expect(previewBox({ width: 100, height: 50 })).toEqual({ width: '100px', maxWidth: '100%', aspectRatio: '100 / 50' });
    expect(previewBox({ width: 10, height: 10 })).toEqual({ width: '48px', maxWidth: '100%', aspectRatio: '10 / 10' });
    // A panorama is cropped to 3:1 rather than becoming a sliver; a missing size falls back to 4:3.
    expect(previewBox({ width: 6000, height: 500 })).toEqual({ width: '240px', maxWidth: '100%', aspectRatio: '3' });
    expect(previewBox({})).toEqual({ width: '240px', maxWidth: '100%', aspectRatio: String(4 / 3) });
  });

  it('show a retry when the link can’t be had, and load it again', async () => {
    const l = links();
    const v = renderChat(<Attachments attachments={[image('f1', 'harbour.jpg', 800, 600)]} fileUrl={l.fileUrl} />);
    (await l.waitAsk(1)).reject(new Error('offline'));
    await v.findByText('harbour.jpg could not be loaded.');
    fireEvent.click(v.getByRole('button', { name: 'Try again' }));
    (await l.waitAsk(2)).resolve('https://chat.example/files/f1?sig=2');
    expect(((await v.findByRole('img', { name: 'harbour.jpg' })) as HTMLImageElement).src).toBe('https://chat.example/files/f1?sig=2');
  });

  it('treat an image that fails to load, or a link that is not http(s), as failed', async () => {
    const l = links();
    const v = renderChat(<Attachments attachments={[image('f1', 'a.png', 10, 10), image('f2', 'b.png', 10, 10)]} fileUrl={l.fileUrl} />);
    (await l.waitAsk(1)).resolve('https://chat.example/files/f1');
    (await l.waitAsk(2)).resolve('javascript:alert(1)');
    fireEvent.error(await v.findByRole('img', { name: 'a.png' }));
    await v.findByText('a.png could not be loaded.');
    await v.findByText('b.png could not be loaded.');
    expect(document.querySelector('img')).toBeNull();
  });
});

describe('the lightbox', () => {
  async function openLightbox() {
    const l = links();
    const v = renderChat(<Attachments attachments={[image('f1', 'harbour.jpg', 800, 600)]} fileUrl={l.fileUrl} />);
    (await l.waitAsk(1)).resolve('https://chat.example/files/f1?v=thumbnail');
    const preview = v.getByRole('button', { name: 'Open image harbour.jpg' });
    expect(preview.tagName).toBe('BUTTON'); // so Enter and Space open it too
    preview.focus();
    fireEvent.click(preview);
    const dialog = v.getByRole('dialog', { name: 'Image: harbour.jpg' });
    return { ...v, l, preview, dialog, close: within(dialog).getByRole('button', { name: 'Close' }) };
  }

  it('is a modal dialog showing the full image, with focus on its close button', async () => {
    const v = await openLightbox();
    expect(v.dialog.getAttribute('aria-modal')).toBe('true');
    expect(active()).toBe(v.close);
    const ask = await v.l.waitAsk(2);
    expect([ask.id, ask.variant]).toEqual(['f1', undefined]); // the original, not the thumbnail
    ask.resolve('https://chat.example/files/f1?v=original');
    const full = (await within(v.dialog).findByRole('img', { name: 'harbour.jpg' })) as HTMLImageElement;
    expect(full.src).toBe('https://chat.example/files/f1?v=original');
  });

  it('keeps Tab and Shift+Tab inside, closes on Escape and gives focus back to the preview', async () => {
    const v = await openLightbox();
    (await v.l.waitAsk(2)).reject(new Error('offline'));
    const retry = await within(v.dialog).findByRole('button', { name: 'Try again' });
    fireEvent.keyDown(active()!, { key: 'Tab' });
    expect(active()).toBe(retry);
    fireEvent.keyDown(active()!, { key: 'Tab' });
    expect(active()).toBe(v.close);
    fireEvent.keyDown(active()!, { key: 'Tab', shiftKey: true });
    expect(active()).toBe(retry);
    const escape = fireEvent.keyDown(active()!, { key: 'Escape' });
    expect(escape).toBe(true);
    expect(v.queryByRole('dialog')).toBeNull();
    expect(active()).toBe(v.preview);
  });

  it('closes with its close button or a click beside the image, focus back on the preview each time', async () => {
    const v = await openLightbox();
    fireEvent.click(v.close);
    expect(v.queryByRole('dialog')).toBeNull();
    expect(active()).toBe(v.preview);
    fireEvent.click(v.preview);
    fireEvent.click(v.getByRole('dialog'));
    expect(v.queryByRole('dialog')).toBeNull();
    expect(active()).toBe(v.preview);
  });

  it('does not let Escape reach the panel behind it', async () => {
    const v = await openLightbox();
    let reached = false;
    v.container.addEventListener('keydown', () => (reached = true));
    fireEvent.keyDown(v.close, { key: 'Escape' });
    expect(reached).toBe(false);
  });
});

describe('file cards', () => {
  const names = {
    arabic: 'تقرير الربع الأول.pdf',
    hebrew: 'סיכום פגישה.docx',
    emoji: '🎉📎 party plan 👩‍👩‍👧‍👦.zip',
    long: `${'x'.repeat(296)}.pdf`,
    xss: XSS,
  };

  it('show every name as text, isolated, with its size in words', async () => {
    const l = links();
    const list = Object.entries(names).map(([key, name], i) => file(key, name, [1_536_000, 512, 26_214_400, 3_000_000_000, 1][i]!));
    const v = renderChat(<Attachments attachments={list} fileUrl={l.fileUrl} />);
    const items = within(v.getByRole('list', { name: 'Attachments' })).getAllByRole('listitem');
    expect(items).toHaveLength(5);
    for (const [i, name] of Object.values(names).entries()) {
      const shown = items[i]!.querySelector('bdi')!;
      expect(shown.textContent).toBe(name);
      expect(shown.getAttribute('title')).toBe(name);
      within(items[i]!).getByRole('button', { name: `Download ${name}` });
    }
    expect(items.map((li) => li.querySelector('.qc-att-size')!.textContent)).toEqual(['1.5 MB', '512 bytes', '25 MB', '2.8 GB', '1 byte']);
    // The payload stays text: no element came of it, nothing to run.
    expect(document.querySelector('img')).toBeNull();
    expect([...items[4]!.querySelector('bdi')!.children].map((c) => c.tagName)).toEqual(['SPAN', 'SPAN']);
    expect(l.asked).toEqual([]); // no link asked for until a download
  });

  it('cut a long unbroken name in the middle, keeping its extension; short names stay whole; emoji are never split', () => {
    const [head, tail] = splitName(names.long);
    expect(head + tail).toBe(names.long);
    expect(tail).toBe('xxxxxx.pdf');
    expect(splitName('notes.txt')).toEqual(['notes.txt', '']);
    const family = '👩‍👩‍👧‍👦'.repeat(20);
    const [fh, ft] = splitName(family);
    expect(fh + ft).toBe(family);
    expect(ft.length % '👩‍👩‍👧‍👦'.length).toBe(0);
    const v = renderChat(<Attachments attachments={[file('f', names.long, 10)]} fileUrl={links().fileUrl} />);
    const parts = [...v.container.querySelector('bdi')!.children].map((c) => c.textContent);
    expect(parts).toEqual([head, tail]);
  });

  it('ask for a fresh link on every download, and start it', async () => {
    const l = links();
    const saved: string[] = [];
    const v = renderChat(<Attachments attachments={[file('f9', names.arabic, 2048)]} fileUrl={l.fileUrl} save={(url) => saved.push(url)} />);
    const button = v.getByRole('button', { name: `Download ${names.arabic}` });
    fireEvent.click(button);
    const first = await l.waitAsk(1);
    expect([first.id, first.variant]).toEqual(['f9', undefined]);
    expect((button as HTMLButtonElement).disabled).toBe(true); // while asking
    first.resolve('https://chat.example/files/f9?sig=1');
    await waitFor(() => expect(saved).toEqual(['https://chat.example/files/f9?sig=1']));
    fireEvent.click(button);
    (await l.waitAsk(2)).resolve('https://chat.example/files/f9?sig=2');
    await waitFor(() => expect(saved).toHaveLength(2));
    expect(saved[1]).toBe('https://chat.example/files/f9?sig=2');
  });

  it('say when the link can’t be had, and retry', async () => {
    const l = links();
    const saved: string[] = [];
    const v = renderChat(<Attachments attachments={[file('f9', names.hebrew, 2048)]} fileUrl={l.fileUrl} save={(url) => saved.push(url)} />, { locale: 'zh-CN' });
    fireEvent.click(v.getByRole('button', { name: `下载 ${names.hebrew}` }));
    (await l.waitAsk(1)).reject(new Error('offline'));
    expect((await v.findByRole('alert')).textContent).toContain('无法获取该文件。');
    fireEvent.click(v.getByRole('button', { name: '重试' }));
    (await l.waitAsk(2)).resolve('https://chat.example/files/f9?sig=2');
    await waitFor(() => expect(saved).toEqual(['https://chat.example/files/f9?sig=2']));
    expect(v.queryByRole('alert')).toBeNull();
  });
});

describe('attachmentsOf', () => {
  it('gives a stored message’s files, and none while it still holds upload ids', () => {
    const stored = message(CONV, 'u_a', 3, '', { content: { type: 'text', text: '', attachments: [file('f1', 'a.pdf', 1)] } });
    const pending = message(CONV, 'u_me', null, '', { content: { type: 'text', text: '', attachments: ['f1'] } });
    expect(attachmentsOf(stored).map((a) => a.id)).toEqual(['f1']);
    expect(attachmentsOf(pending)).toEqual([]);
    expect(attachmentsOf(message(CONV, 'u_a', 4, 'hi'))).toEqual([]);
  });

  it('renders nothing for a message without files', () => {
    const v = renderChat(<Attachments attachments={[]} fileUrl={links().fileUrl} />);
    expect(v.container.querySelector('.qc-shell')!.innerHTML).toBe('');
  });
});
