import { describe, expect, it } from 'vitest';
import { checkFileName, detectFileType, SNIFF_BYTES } from '../src/services/attachments/file-types.js';
import { jpegImage, pdfDocument, pngImage } from './support/uploads.js';

const bytes = (...parts: (string | number[])[]): Buffer => Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : Buffer.from(p))));
const mimeOf = (head: Buffer, name = 'file', complete = true): string => {
  const detected = detectFileType(head, name, complete);
  return 'refused' in detected ? `refused: ${detected.refused}` : detected.mime;
};

describe('attachments: the type of an upload comes from its bytes', () => {
  it('recognises every accepted type by its magic number', async () => {
    const zipEntry = (name: string) => bytes([0x50, 0x4b, 0x03, 0x04], '\0'.repeat(26), name);
    const cases: [string, Buffer, string][] = [
      ['PNG', await pngImage(4, 4), 'image/png'],
      ['JPEG', await jpegImage(4, 4), 'image/jpeg'],
      ['GIF', bytes('GIF89a', [1, 0, 1, 0]), 'image/gif'],
      ['WebP', bytes('RIFF', [0, 0, 0, 0], 'WEBPVP8 '), 'image/webp'],
      ['PDF', pdfDocument(), 'application/pdf'],
      ['zip', zipEntry('photos/a.jpg'), 'application/zip'],
      ['docx', zipEntry('[Content_Types].xml....word/document.xml'), 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'],
      ['xlsx', zipEntry('[Content_Types].xml....xl/workbook.xml'), 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
      ['odt', zipEntry('mimetypeapplication/vnd.oasis.opendocument.text'), 'application/vnd.oasis.opendocument.text'],
      ['gzip', bytes([0x1f, 0x8b, 8, 0]), 'application/gzip'],
      ['MP3 (ID3)', bytes('ID3', [4, 0, 0]), 'audio/mpeg'],
      ['MP3 (frame)', bytes([0xff, 0xfb, 0x90, 0x64]), 'audio/mpeg'],
      ['MP4', bytes([0, 0, 0, 0x18], 'ftypisom', [0, 0, 2, 0]), 'video/mp4'],
      ['M4A', bytes([0, 0, 0, 0x18], 'ftypM4A ', [0, 0, 2, 0]), 'audio/mp4'],
      ['QuickTime', bytes([0, 0, 0, 0x14], 'ftypqt  '), 'video/quicktime'],
      ['Ogg', bytes('OggS', [0, 2], '\0'.repeat(22), '\x01vorbis'), 'audio/ogg'],
      ['WebM', bytes([0x1a, 0x45, 0xdf, 0xa3, 0x9f, 0x42, 0x82, 0x84], 'webm'), 'video/webm'],
      ['WAV', bytes('RIFF', [0, 0, 0, 0], 'WAVEfmt '), 'audio/wav'],
      ['FLAC', bytes('fLaC', [0, 0, 0, 0x22]), 'audio/flac'],
      ['text', Buffer.from('plain words, and 中文 too\n'), 'text/plain'],
      ['text with a BOM', Buffer.from('\ufeffa,b,c\n1,2,3\n'), 'text/plain'],
    ];
    for (const [name, head, mime] of cases) expect(mimeOf(head), name).toBe(mime);
  });

  it('text cut mid-character by the sniff window is still text; invalid UTF-8 or control characters are not', () => {
    const text = Buffer.from('é'.repeat(SNIFF_BYTES));
    expect(mimeOf(text.subarray(0, SNIFF_BYTES - 1), 'notes.txt', false)).toBe('text/plain');
    expect(mimeOf(text.subarray(0, SNIFF_BYTES - 1), 'notes.txt', true)).toMatch(/^refused: this type of file is not accepted/);
    expect(mimeOf(bytes('abc', [0x1b], '[31m'))).toMatch(/^refused: this type of file is not accepted/);
  });

  it('refuses markup, scripts and executables by their bytes', () => {
    const cases: [string, Buffer, RegExp][] = [
      ['SVG', Buffer.from('<svg><script>alert(1)</script></svg>'), /SVG/],
      ['SVG with a prolog', Buffer.from('<?xml version="1.0"?>\n<!-- hi -->\n<svg width="1"/>'), /SVG/],
      ['HTML', Buffer.from('  <!doctype html><title>x</title>'), /HTML/],
      ['HTML later in the text', Buffer.from('hello\n\n<iframe src="https://evil.example">'), /HTML/],
      ['XML', Buffer.from('<?xml version="1.0"?><a/>'), /XML/],
      ['shebang', Buffer.from('#!/usr/bin/env node\n'), /#!/],
      ['ELF', bytes([0x7f], 'ELF', [2, 1, 1]), /ELF/],
      ['PE', bytes('MZ', [0x90, 0]), /Windows executable/],
      ['Mach-O', bytes([0xcf, 0xfa, 0xed, 0xfe, 7, 0, 0, 1]), /Mach-O/],
      ['universal Mach-O', bytes([0xca, 0xfe, 0xba, 0xbe, 0, 0, 0, 2]), /Mach-O/],
      ['WebAssembly', bytes([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]), /WebAssembly/],
      ['empty', Buffer.alloc(0), /empty/],
    ];
    for (const [name, head, reason] of cases) expect(mimeOf(head), name).toMatch(new RegExp(`^refused: .*${reason.source}`));
  });

  it('refuses a name whose extension contradicts the bytes, and names that would run when opened', async () => {
    expect(mimeOf(await pngImage(4, 4), 'cat.jpg')).toBe('refused: the file is named .jpg but its content is a PNG image; rename it or send the right file');
    expect(mimeOf(pdfDocument(), 'song.MP3')).toMatch(/named \.mp3 but its content is a PDF document/);
    expect(mimeOf(await pngImage(4, 4), 'cat.PNG')).toBe('image/png');
    expect(mimeOf(Buffer.from('x,y\n'), 'table.csv')).toBe('text/plain');
    expect(mimeOf(Buffer.from('code'), 'main.rs')).toBe('text/plain');
    for (const name of ['index.html', 'x.HTM', 'a.svg', 'run.exe', 'tool.sh', 'page.html.', 'page.html  ', 'lib.jar']) {
      expect(checkFileName(name)?.refused, name).toMatch(/are not accepted/);
    }
    expect(checkFileName('invoice\u202efdp.exe')?.refused).toMatch(/bidirectional/);
    expect(checkFileName('holiday.png')).toBeNull();
    expect(checkFileName('README')).toBeNull();
  });
});
