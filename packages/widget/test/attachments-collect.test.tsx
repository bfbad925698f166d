// @vitest-environment happy-dom
/**
 * Collecting files for the composer (features/attachments/collect.ts, check.ts): from a file input's change,
 * a paste and a drop, leaving out everything that is not a file (pasted text, a dragged link, a
 * dropped folder); then checking them against the server's limits (`client.limits`' `messages`)
 * before anything is uploaded.
 */
import { describe, expect, it } from 'vitest';
import { checkFiles } from '../src/features/attachments/check.js';
import { filesFromEvent, filesOf } from '../src/util/attachments.js';
import { MESSAGE_LIMITS } from './support/fake-client.js';

const png = (name = 'screenshot.png', bytes = 64) => new File([new Uint8Array(bytes)], name, { type: 'image/png' });
/** A file claiming `size` bytes, without allocating them. */
const sized = (name: string, size: number) => Object.defineProperty(new File(['x'], name), 'size', { value: size });

describe('filesFromEvent', () => {
  it('takes the files a file input picked', () => {
    const input = document.createElement('input');
    input.type = 'file';
    const picked = [png('a.png'), png('ملف.png')];
    Object.defineProperty(input, 'files', { value: picked });
    const change = new Event('change');
    input.dispatchEvent(change);
    expect(filesFromEvent(change)).toEqual(picked);
    // Any other input's change carries no files.
    const text = document.createElement('input');
    const other = new Event('change');
    text.dispatchEvent(other);
    expect(filesFromEvent(other)).toEqual([]);
  });

  it('takes pasted images, not pasted text', () => {
    const data = new DataTransfer();
    const shot = png('image.png');
    data.items.add('some words', 'text/plain');
    data.items.add(shot);
    data.items.add('<b>html</b>', 'text/html');
    expect(filesFromEvent(new ClipboardEvent('paste', { clipboardData: data }))).toEqual([shot]);
    const words = new DataTransfer();
    words.items.add('just text', 'text/plain');
    expect(filesFromEvent(new ClipboardEvent('paste', { clipboardData: words }))).toEqual([]);
    expect(filesFromEvent(new ClipboardEvent('paste'))).toEqual([]);
  });

  it('takes dropped files, without dragged links or folders', () => {
    const report = new File(['%PDF-1.7'], 'تقرير.pdf', { type: 'application/pdf' });
    const folder = new File([], 'photos');
    const item = (file: File, isDirectory: boolean) => ({ kind: 'file', type: file.type, getAsFile: () => file, webkitGetAsEntry: () => ({ isDirectory }) });
    const link = { kind: 'string', type: 'text/uri-list', getAsFile: () => null };
    const data = { items: [item(report, false), link, item(folder, true)], files: [report, folder] } as unknown as DataTransfer;
    const drop = new Event('drop');
    Object.defineProperty(drop, 'dataTransfer', { value: data });
    expect(filesFromEvent(drop)).toEqual([report]);
  });

  it('falls back to the files list where items are missing', () => {
    const file = png();
    expect(filesOf({ files: [file] } as unknown as DataTransfer)).toEqual([file]);
    expect(filesOf(null)).toEqual([]);
  });
});

describe('checkFiles', () => {
  it('accepts files within the server’s limits', () => {
    const files = [png('a.png'), sized('big-but-fine.zip', MESSAGE_LIMITS.maxUploadBytes)];
    expect(checkFiles(files, MESSAGE_LIMITS, 0)).toEqual({ accepted: files, refused: [] });
  });

  it('refuses a file over maxUploadBytes, naming the cap, and an empty file', () => {
    const big = sized('video.mp4', MESSAGE_LIMITS.maxUploadBytes + 1);
    const empty = new File([], 'empty.txt');
    const ok = png();
    expect(checkFiles([big, ok, empty], MESSAGE_LIMITS, 0)).toEqual({
      accepted: [ok],
      refused: [
        { file: big, refusal: { kind: 'tooLarge', max: MESSAGE_LIMITS.maxUploadBytes } },
        { file: empty, refusal: { kind: 'empty' } },
      ],
    });
  });

  it('refuses the files past maxAttachments, counting those already in the tray', () => {
    const files = Array.from({ length: 4 }, (_, i) => png(`${i}.png`));
    const { accepted, refused } = checkFiles(files, { ...MESSAGE_LIMITS, maxAttachments: 10 }, 8);
    expect(accepted.map((f) => f.name)).toEqual(['0.png', '1.png']);
    expect(refused.map((r) => [r.file.name, r.refusal])).toEqual([
      ['2.png', { kind: 'tooMany', max: 10 }],
      ['3.png', { kind: 'tooMany', max: 10 }],
    ]);
  });

  it('leaves size and count to the server before it announced its limits', () => {
    const files = [sized('huge.bin', 10 * MESSAGE_LIMITS.maxUploadBytes), new File([], 'empty')];
    const { accepted, refused } = checkFiles(files, null, 50);
    expect(accepted.map((f) => f.name)).toEqual(['huge.bin']);
    expect(refused.map((r) => r.refusal.kind)).toEqual(['empty']);
  });
});
