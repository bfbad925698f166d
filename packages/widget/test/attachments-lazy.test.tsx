// @vitest-environment happy-dom
/**
 * The attachments chunk loads on first use (components/lazy-attachments.tsx): until it is there, a
 * message's files already take their place (an image's box of its own shape, a card's height), so
 * the history doesn't move when it arrives. Its own file, since the chunk is loaded once per module graph.
 */
import { cleanup, waitFor } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import type { Attachment } from '@quickchat/sdk/messages';
import { LazyAttachments, loadedAttachmentsChunk } from '../src/components/lazy-attachments.js';
import type { FileUrl } from '../src/util/attachment-types.js';
import { renderChat } from './support/render.js';

afterEach(cleanup);

const photo: Attachment = { id: 'f1', name: 'رحلة.jpg', mime: 'image/jpeg', size: 1000, width: 1200, height: 900, thumbnail: true };
const report: Attachment = { id: 'f2', name: 'report.pdf', mime: 'application/pdf', size: 1000, thumbnail: false };

describe('LazyAttachments', () => {
  it('reserves each file’s place before the chunk loads, then shows the files in the same boxes', async () => {
    expect(loadedAttachmentsChunk()).toBeNull();
    const fileUrl: FileUrl = () => new Promise(() => undefined); // links never come: placeholders stay
    const v = renderChat(<LazyAttachments attachments={[photo, report]} fileUrl={fileUrl} />);
    const [imageBox, cardBox] = [...v.container.querySelectorAll<HTMLElement>('.qc-atts > div')];
    expect(imageBox!.style.aspectRatio.replace(/\s/g, '')).toBe('1200/900');
    expect(imageBox!.style.width).toBe('240px');
    expect(cardBox!.style.height).toBe('3.5em');
    expect(v.container.querySelector('.qc-atts')!.getAttribute('aria-busy')).toBe('true');
    const preview = await v.findByRole('button', { name: 'Open image رحلة.jpg' });
    expect(preview.style.aspectRatio.replace(/\s/g, '')).toBe('1200/900');
    expect(preview.style.width).toBe('240px');
    v.getByRole('button', { name: 'Download report.pdf' });
    expect(loadedAttachmentsChunk()).not.toBeNull();
  });

  it('shows the chunk at once once it is loaded, and nothing for no files', async () => {
    await waitFor(() => expect(loadedAttachmentsChunk()).not.toBeNull());
    const v = renderChat(<LazyAttachments attachments={[report]} fileUrl={() => new Promise(() => undefined)} />);
    v.getByRole('button', { name: 'Download report.pdf' });
    cleanup();
    const none = renderChat(<LazyAttachments attachments={[]} fileUrl={() => new Promise(() => undefined)} />);
    expect(none.container.querySelector('.qc-shell')!.innerHTML).toBe('');
  });
});
