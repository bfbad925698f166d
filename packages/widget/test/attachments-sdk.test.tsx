/**
 * The attachments' props over the SDK (features/attachments/via-sdk.ts): `upload` and `fileUrl`
 * from a `messagesOf(client)` that is still loading (the SDK's `messages` entry, fetched on first
 * use): the upload waits for it, a cancel before it arrives sends nothing, links ask for the
 * original unless the thumbnail is wanted.
 */
import { describe, expect, it, vi } from 'vitest';
import type { MessagesManager, UploadHandle } from '@quickchat/sdk/messages';
import { fileUrlVia, uploadVia } from '../src/state/attachments-via.js';

type Files = Pick<MessagesManager, 'upload' | 'fileUrl'>;

/** A manager that arrives when the test says, recording uploads and link requests. */
function lateManager() {
  const uploads: { args: unknown[]; cancelled: boolean; finish(): void }[] = [];
  const links: [string, string | undefined][] = [];
  const manager: Files = {
    upload: (conversationId, file, name) => {
      let resolve!: () => void;
      const entry = { args: [conversationId, file, name], cancelled: false, finish: () => resolve() };
      uploads.push(entry);
      const done = new Promise<void>((r) => (resolve = r)).then(() => ({ attachment: { id: 'att_1', name, mime: 'application/pdf', size: 3, thumbnail: false }, expiresAt: 0 }));
      return { done, cancel: () => void (entry.cancelled = true) } as UploadHandle;
    },
    fileUrl: async (id, variant) => {
      links.push([id, variant]);
      return `https://chat.example/files/${id}?v=${variant}`;
    },
  };
  let arrive!: (m: Files) => void;
  const ready = new Promise<Files>((r) => (arrive = r));
  return { load: () => ready, arrive: () => arrive(manager), uploads, links };
}

describe('uploadVia', () => {
  it('starts the upload once the manager is there, and resolves with the stored file', async () => {
    const m = lateManager();
    const file = new File(['abc'], 'خطة.pdf');
    const handle = uploadVia(m.load)('dm:a~b', file, file.name, { onProgress: () => undefined });
    expect(m.uploads).toEqual([]);
    m.arrive();
    await vi.waitFor(() => expect(m.uploads).toHaveLength(1));
    expect(m.uploads[0]!.args).toEqual(['dm:a~b', file, 'خطة.pdf']);
    m.uploads[0]!.finish();
    expect((await handle.done).attachment.id).toBe('att_1');
  });

  it('cancelled before the manager is there: nothing is uploaded, done rejects with cancelled', async () => {
    const m = lateManager();
    const handle = uploadVia(m.load)('dm:a~b', new File(['abc'], 'a.pdf'), 'a.pdf', { onProgress: () => undefined });
    handle.cancel();
    m.arrive();
    await expect(handle.done).rejects.toMatchObject({ code: 'cancelled' });
    expect(m.uploads).toEqual([]);
  });

  it('cancelled while uploading: the SDK upload is cancelled', async () => {
    const m = lateManager();
    m.arrive();
    const handle = uploadVia(m.load)('dm:a~b', new File(['abc'], 'a.pdf'), 'a.pdf', { onProgress: () => undefined });
    await vi.waitFor(() => expect(m.uploads).toHaveLength(1));
    handle.cancel();
    expect(m.uploads[0]!.cancelled).toBe(true);
  });
});

describe('fileUrlVia', () => {
  it('asks for the original unless the thumbnail is wanted', async () => {
    const m = lateManager();
    m.arrive();
    const fileUrl = fileUrlVia(m.load);
    expect(await fileUrl('f1')).toBe('https://chat.example/files/f1?v=original');
    expect(await fileUrl('f1', 'thumbnail')).toBe('https://chat.example/files/f1?v=thumbnail');
    expect(m.links).toEqual([
      ['f1', 'original'],
      ['f1', 'thumbnail'],
    ]);
  });
});
