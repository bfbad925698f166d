import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import sharp from 'sharp';
import { dmConversationId, type AckFrame, type ErrorFrame, type MessageFrame } from '@quickchat/protocol';
import { ChatFixture, sendContent } from './support/messaging.js';
import type { TestUser } from './support/rest.js';
import { download, filesOnDisk, fileLink, linkUrl, pdfDocument, pngImage, upload, uploadId } from './support/uploads.js';

let h: ChatFixture;
let alice: TestUser;
let bob: TestUser;
let ab: string;

beforeEach(async () => {
  h = await ChatFixture.start();
  ({ alice, bob } = await h.users(['alice', 'bob'], [['alice', 'bob']]));
  ab = dmConversationId(alice.id, bob.id);
});
afterEach(async () => {
  await h.close();
});

describe('attachments: upload, link, download', () => {
  it('an image: dimensions recorded, the original served inline byte for byte, the thumbnail a decodable WebP of at most 320 px', async () => {
    const png = await pngImage(1200, 800);
    const res = await upload(h.t.url, alice, ab, 'holiday photo.png', png);
    expect(res.status).toBe(201);
    expect(res.body.attachment).toEqual({ id: expect.stringMatching(/^f_/), name: 'holiday photo.png', mime: 'image/png', size: png.length, width: 1200, height: 800, thumbnail: true });
    const { id } = res.body.attachment;
    expect(res.body.expiresAt).toBeGreaterThan(Date.now() + 23 * 3600_000);

    const original = await download(h.t.url, await linkUrl(h.t.url, alice, id));
    expect(original.status).toBe(200);
    expect(original.bytes.equals(png)).toBe(true);
    expect(original.headers.get('content-type')).toBe('image/png');
    expect(original.headers.get('content-disposition')).toBe(`inline; filename="holiday photo.png"; filename*=UTF-8''holiday%20photo.png`);
    expect(original.headers.get('x-content-type-options')).toBe('nosniff');
    expect(original.headers.get('content-security-policy')).toBe("default-src 'none'; sandbox");

    const thumb = await download(h.t.url, await linkUrl(h.t.url, alice, id, 'thumbnail'));
    expect(thumb.status).toBe(200);
    expect(thumb.headers.get('content-type')).toBe('image/webp');
    const meta = await sharp(thumb.bytes).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['webp', 320, 213]);
  });

  it('a PDF: detected from its bytes, served as an attachment under its (Unicode) name, with no thumbnail', async () => {
    const pdf = pdfDocument();
    const res = await upload(h.t.url, alice, ab, 'Rechnung März.pdf', pdf);
    expect(res.status).toBe(201);
    expect(res.body.attachment).toEqual({ id: expect.any(String), name: 'Rechnung März.pdf', mime: 'application/pdf', size: pdf.length, thumbnail: false });
    const { id } = res.body.attachment;
    const got = await download(h.t.url, await linkUrl(h.t.url, alice, id));
    expect(got.status).toBe(200);
    expect(got.bytes.equals(pdf)).toBe(true);
    expect(got.headers.get('content-type')).toBe('application/pdf');
    expect(got.headers.get('content-disposition')).toBe(`attachment; filename="Rechnung M_rz.pdf"; filename*=UTF-8''Rechnung%20M%C3%A4rz.pdf`);
    expect(got.headers.get('x-content-type-options')).toBe('nosniff');
    expect(got.headers.get('content-security-policy')).toBe("default-src 'none'; sandbox");
    const thumbnail = await fileLink(h.t.url, alice, id, 'thumbnail');
    expect(thumbnail.status).toBe(404);
    expect(thumbnail.body).toEqual({ error: { code: 'not_found', message: expect.any(String) } });
  });

  it('plain text is served as UTF-8 text/plain, as an attachment, whatever Content-Type the uploader claimed', async () => {
    const text = Buffer.from('hello, 世界\nsecond line\n');
    const res = await fetch(`${h.t.url}/api/uploads?conversationId=${encodeURIComponent(ab)}&name=notes.txt`, {
      method: 'POST',
      headers: { authorization: `Bearer ${alice.token}`, 'content-type': 'text/html' },
      body: text,
    });
    expect(res.status).toBe(201);
    const { attachment } = (await res.json()) as { attachment: { id: string; mime: string } };
    expect(attachment.mime).toBe('text/plain');
    const got = await download(h.t.url, await linkUrl(h.t.url, alice, attachment.id));
    expect(got.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(got.headers.get('content-disposition')).toMatch(/^attachment; /);
    expect(got.bytes.equals(text)).toBe(true);
  });

  it('links expire within minutes and let browsers cache privately until then; single byte ranges are served', async () => {
    const pdf = pdfDocument();
    const id = await uploadId(h.t.url, alice, ab, 'doc.pdf', pdf);
    const link = await fileLink(h.t.url, alice, id);
    expect(link.status).toBe(200);
    expect(link.body.url).toMatch(new RegExp(`^/files/${id}\\?v=original&exp=\\d+&sig=[A-Za-z0-9_-]{43}$`));
    expect(link.body.url).not.toContain(alice.token);
    expect(link.body.expiresAt - Date.now()).toBeGreaterThan(4 * 60_000);
    expect(link.body.expiresAt - Date.now()).toBeLessThanOrEqual(6 * 60_000);
    const full = await download(h.t.url, link.body.url);
    const maxAge = Number(/^private, max-age=(\d+)$/.exec(full.headers.get('cache-control') ?? '')?.[1]);
    expect(maxAge).toBeGreaterThan(200);
    expect(maxAge).toBeLessThanOrEqual(Math.ceil((link.body.expiresAt - Date.now()) / 1000));
    expect(full.headers.get('accept-ranges')).toBe('bytes');

    const part = await download(h.t.url, link.body.url, { headers: { range: 'bytes=5-14' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 5-14/${pdf.length}`);
    expect(part.bytes.equals(pdf.subarray(5, 15))).toBe(true);
    const tail = await download(h.t.url, link.body.url, { headers: { range: 'bytes=-6' } });
    expect(tail.bytes.toString()).toBe('%%EOF\n');
    const beyond = await download(h.t.url, link.body.url, { headers: { range: `bytes=${pdf.length}-` } });
    expect(beyond.status).toBe(416);
    expect(beyond.headers.get('content-range')).toBe(`bytes */${pdf.length}`);
  });

  it('a cancelled upload is gone: its link is refused, a link made before it 404s, and its files leave the disk', async () => {
    const id = await uploadId(h.t.url, alice, ab, 'pic.png', await pngImage(64, 64));
    const url = await linkUrl(h.t.url, alice, id);
    expect(filesOnDisk(h.t.dataDir)).toHaveLength(2); // the original and its thumbnail
    expect((await h.rest.call('DELETE', `/api/uploads/${id}`, { token: bob.token })).status).toBe(404);
    expect((await h.rest.call('DELETE', `/api/uploads/${id}`, { token: alice.token })).status).toBe(204);
    expect(filesOnDisk(h.t.dataDir)).toEqual([]);
    expect((await h.rest.call('DELETE', `/api/uploads/${id}`, { token: alice.token })).status).toBe(404);
    expect((await fileLink(h.t.url, alice, id)).status).toBe(404);
    const gone = await download(h.t.url, url);
    expect(gone.status).toBe(404);
    expect(JSON.parse(gone.bytes.toString())).toEqual({ error: { code: 'not_found', message: 'file not found' } });
  });

  it('a sent file reaches the peer described in the message, and the peer can download it', async () => {
    const png = await pngImage(300, 200);
    const id = await uploadId(h.t.url, alice, ab, 'cat.png', png);
    const a = await h.connect(alice);
    const b = await h.connect(bob);
    const ack = (await sendContent(a, ab, { type: 'text', text: 'look', attachments: [id] })) as AckFrame | ErrorFrame;
    expect(ack.type).toBe('ack');
    const received = await b.next<MessageFrame>((f) => f.type === 'message');
    expect(received.message.content).toEqual({
      type: 'text',
      text: 'look',
      attachments: [{ id, name: 'cat.png', mime: 'image/png', size: png.length, width: 300, height: 200, thumbnail: true }],
    });
    const got = await download(h.t.url, await linkUrl(h.t.url, bob, id));
    expect(got.bytes.equals(png)).toBe(true);
    // Sent, it can no longer be cancelled, nor sent again.
    expect((await h.rest.call('DELETE', `/api/uploads/${id}`, { token: alice.token })).status).toBe(404);
    const again = (await sendContent(a, ab, { type: 'text', text: 'again', attachments: [id] })) as ErrorFrame;
    expect(again).toMatchObject({ type: 'error', code: 'validation', message: expect.stringContaining(id) });
  });

  it('deleting the message deletes its files: links made before stop working, new ones are refused, the bytes leave the disk', async () => {
    const id = await uploadId(h.t.url, alice, ab, 'gone.png', await pngImage(64, 64));
    const a = await h.connect(alice);
    const sent = (await sendContent(a, ab, { type: 'text', text: 'soon gone', attachments: [id] })) as AckFrame;
    const url = await linkUrl(h.t.url, bob, id);
    expect((await download(h.t.url, url)).status).toBe(200);
    const deleted = await sendContent(a, ab, { type: 'delete', target: sent.seq });
    expect(deleted.type).toBe('ack');
    expect((await download(h.t.url, url)).status).toBe(404);
    expect((await fileLink(h.t.url, bob, id)).status).toBe(404);
    expect((await fileLink(h.t.url, alice, id)).status).toBe(404);
    // The bytes go right after the delete committed.
    await vi.waitFor(() => expect(filesOnDisk(h.t.dataDir)).toEqual([]));
  });
});
