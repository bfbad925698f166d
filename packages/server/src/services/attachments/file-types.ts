/**
 * What an upload really is, decided from its first bytes (never from its name or the uploader's
 * Content-Type), and whether we keep it. Only types on the allow list below are stored; SVG,
 * HTML/XML and executables are refused by name, and anything unrecognised is refused too.
 */

/** How many leading bytes {@link detectFileType} needs to decide (fewer only when the file is shorter). */
export const SNIFF_BYTES = 4096;

/** A type we store. */
export interface FileType {
  /** The `Content-Type` it is served with (and the `mime` members see). */
  mime: string;
  /** A short name for messages, e.g. "a PNG image". */
  label: string;
  /** PNG, JPEG, GIF and WebP: decoded to check them, measured, thumbnailed, and the only types served inline. */
  image: boolean;
  /** File name extensions that fit this type (lower case, no dot). */
  extensions: readonly string[];
}

/** A refusal, with the reason the uploader is told. */
export interface Refusal {
  refused: string;
}

const type = (mime: string, label: string, extensions: string[], image = false): FileType => ({ mime, label, image, extensions });

/** Every type we store. */
const FILE_TYPES = {
  png: type('image/png', 'a PNG image', ['png', 'apng'], true),
  jpeg: type('image/jpeg', 'a JPEG image', ['jpg', 'jpeg', 'jpe', 'jfif'], true),
  gif: type('image/gif', 'a GIF image', ['gif'], true),
  webp: type('image/webp', 'a WebP image', ['webp'], true),
  pdf: type('application/pdf', 'a PDF document', ['pdf']),
  zip: type('application/zip', 'a zip archive', ['zip', 'docx', 'xlsx', 'pptx', 'odt', 'ods', 'odp', 'epub']),
  docx: type('application/vnd.openxmlformats-officedocument.wordprocessingml.document', 'a Word document', ['docx', 'zip']),
  xlsx: type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'an Excel workbook', ['xlsx', 'zip']),
  pptx: type('application/vnd.openxmlformats-officedocument.presentationml.presentation', 'a PowerPoint presentation', ['pptx', 'zip']),
  odt: type('application/vnd.oasis.opendocument.text', 'an OpenDocument text', ['odt', 'zip']),
  ods: type('application/vnd.oasis.opendocument.spreadsheet', 'an OpenDocument spreadsheet', ['ods', 'zip']),
  odp: type('application/vnd.oasis.opendocument.presentation', 'an OpenDocument presentation', ['odp', 'zip']),
  gzip: type('application/gzip', 'a gzip archive', ['gz', 'tgz']),
  sevenZip: type('application/x-7z-compressed', 'a 7z archive', ['7z']),
  mp3: type('audio/mpeg', 'an MP3 audio file', ['mp3']),
  m4a: type('audio/mp4', 'an MP4 audio file', ['m4a', 'mp4', 'aac']),
  mp4: type('video/mp4', 'an MP4 video', ['mp4', 'm4v', 'm4a']),
  mov: type('video/quicktime', 'a QuickTime video', ['mov', 'qt', 'mp4']),
  ogg: type('audio/ogg', 'an Ogg audio file', ['ogg', 'oga', 'opus', 'spx']),
  ogv: type('video/ogg', 'an Ogg video', ['ogv', 'ogg']),
  webm: type('video/webm', 'a WebM video', ['webm', 'weba']),
  mkv: type('video/x-matroska', 'a Matroska video', ['mkv', 'mka']),
  wav: type('audio/wav', 'a WAV audio file', ['wav']),
  flac: type('audio/flac', 'a FLAC audio file', ['flac']),
  text: type('text/plain', 'a plain text file', ['txt', 'text', 'md', 'markdown', 'csv', 'tsv', 'log', 'json', 'yaml', 'yml', 'toml', 'ini', 'srt', 'vtt']),
} as const satisfies Record<string, FileType>;

/**
 * Extensions refused whatever the bytes are: a file saved under one of these names would be
 * opened by a browser, a shell or the OS as active content, whatever it contains (a "PDF" named
 * `page.html` opens as a web page from the downloads folder).
 */
const DANGEROUS_EXTENSIONS = new Set([
  'html', 'htm', 'xhtml', 'xht', 'shtml', 'mht', 'mhtml', 'svg', 'svgz', 'xml', 'xsl', 'xslt', 'hta',
  'js', 'mjs', 'cjs', 'jse', 'vbs', 'vbe', 'wsf', 'wsh', 'ps1', 'psm1', 'bat', 'cmd', 'com', 'exe',
  'dll', 'scr', 'msi', 'msp', 'pif', 'cpl', 'lnk', 'reg', 'jar', 'sh', 'bash', 'zsh', 'csh', 'command',
  'app', 'so', 'dylib', 'deb', 'rpm', 'dmg', 'pkg', 'appimage', 'desktop', 'url', 'webloc', 'swf', 'wasm',
]);

/** Bidirectional overrides and isolates: they make `photo\u202Egnp.exe` read as `photoexe.png`. */
const BIDI_CONTROLS = /[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]/;

/** Every extension some stored type claims: a name with one of these must match its bytes. */
const KNOWN_EXTENSIONS = new Set(Object.values(FILE_TYPES).flatMap((t) => t.extensions));

const ascii = (bytes: Buffer, start: number, end: number): string => bytes.toString('latin1', start, Math.min(end, bytes.length));
const startsWith = (bytes: Buffer, ...values: number[]): boolean => values.every((v, i) => bytes[i] === v);

/** Magic numbers of executables: ELF, PE ("MZ"), Mach-O (both endiannesses, 32/64 bit, universal), WebAssembly. */
function executable(bytes: Buffer): string | null {
  if (startsWith(bytes, 0x7f, 0x45, 0x4c, 0x46)) return 'an ELF executable';
  if (startsWith(bytes, 0x4d, 0x5a)) return 'a Windows executable (MZ/PE)';
  const magic = bytes.length >= 4 ? bytes.readUInt32BE(0) : 0;
  if ([0xfeedface, 0xfeedfacf, 0xcefaedfe, 0xcffaedfe, 0xcafebabe, 0xbebafeca].includes(magic)) return 'a Mach-O executable';
  if (startsWith(bytes, 0x00, 0x61, 0x73, 0x6d)) return 'a WebAssembly module';
  return null;
}

/** Types with a magic number at a fixed offset. */
function binaryType(bytes: Buffer): FileType | null {
  const t = FILE_TYPES;
  if (startsWith(bytes, 0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return t.png;
  if (startsWith(bytes, 0xff, 0xd8, 0xff)) return t.jpeg;
  if (ascii(bytes, 0, 6) === 'GIF87a' || ascii(bytes, 0, 6) === 'GIF89a') return t.gif;
  if (ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 12) === 'WEBP') return t.webp;
  if (ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 12) === 'WAVE') return t.wav;
  if (ascii(bytes, 0, 5) === '%PDF-') return t.pdf;
  if (startsWith(bytes, 0x50, 0x4b, 0x03, 0x04) || startsWith(bytes, 0x50, 0x4b, 0x05, 0x06)) return zipType(bytes);
  if (startsWith(bytes, 0x1f, 0x8b)) return t.gzip;
  if (startsWith(bytes, 0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c)) return t.sevenZip;
  if (ascii(bytes, 0, 3) === 'ID3' || (bytes[0] === 0xff && bytes.length > 1 && (bytes[1]! & 0xe6) === 0xe2)) return t.mp3;
  if (ascii(bytes, 4, 8) === 'ftyp') return isoType(ascii(bytes, 8, 12));
  if (ascii(bytes, 0, 4) === 'OggS') return /theora/i.test(ascii(bytes, 0, 128)) ? t.ogv : t.ogg;
  if (startsWith(bytes, 0x1a, 0x45, 0xdf, 0xa3)) return ascii(bytes, 0, 64).includes('webm') ? t.webm : t.mkv;
  if (ascii(bytes, 0, 4) === 'fLaC') return t.flac;
  return null;
}

/** A zip, and which office format it is when the names of its first entries say so. */
function zipType(bytes: Buffer): FileType {
  const head = ascii(bytes, 0, bytes.length);
  const t = FILE_TYPES;
  if (head.startsWith('mimetypeapplication/vnd.oasis.opendocument.', 30)) {
    if (head.includes('opendocument.text')) return t.odt;
    if (head.includes('opendocument.spreadsheet')) return t.ods;
    if (head.includes('opendocument.presentation')) return t.odp;
  }
  if (head.includes('word/')) return t.docx;
  if (head.includes('xl/')) return t.xlsx;
  if (head.includes('ppt/')) return t.pptx;
  return t.zip;
}

/** ISO base media files (MP4 family), by their major brand. */
function isoType(brand: string): FileType {
  if (brand === 'M4A ' || brand === 'M4B ') return FILE_TYPES.m4a;
  if (brand === 'qt  ') return FILE_TYPES.mov;
  return FILE_TYPES.mp4;
}

/** Markup a browser could render or run, looked for (case-insensitively) anywhere in a text file's first bytes. */
const MARKUP = /<\s*(?:!doctype|html|head|body|script|svg|iframe|object|embed|meta|link|style|img|xml|math|foreignobject|a\s+href)|<\?xml/i;

/**
 * Plain text: valid UTF-8 (a cut-off character at the end of the sniffed bytes is fine) with
 * no control characters but tab, line breaks and form feed, and no markup or shebang. A
 * refusal when it is text but markup or a script, null when it is not text at all.
 */
function textType(bytes: Buffer, complete: boolean): FileType | Refusal | null {
  let end = bytes.length;
  if (!complete) {
    // Trim a UTF-8 sequence the sniff window cut in two.
    let i = end - 1;
    while (i > end - 4 && i >= 0 && (bytes[i]! & 0xc0) === 0x80) i--;
    if (i >= 0 && bytes[i]! >= 0xc0) end = i;
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, end));
  } catch {
    return null;
  }
  if (/[\u0000-\u0008\u000b\u000e-\u001f\u007f]/.test(text)) return null;
  const body = text.replace(/^\ufeff/, '').trimStart();
  if (body.startsWith('#!')) return { refused: 'scripts (files starting with #!) are not accepted' };
  if (/^<svg|<svg[\s>]/i.test(body)) return { refused: 'SVG images are not accepted (they can carry scripts); send a PNG, JPEG, GIF or WebP instead' };
  if (MARKUP.test(body) || body.startsWith('<')) return { refused: 'HTML, XHTML and XML files are not accepted (a browser could run them); send them zipped or as a PDF' };
  return FILE_TYPES.text;
}

/**
 * The lower-case extension of a file name, or '' when it has none. Trailing dots and spaces do
 * not count (Windows drops them when saving: `page.html.` is saved as `page.html`).
 */
function extensionOf(name: string): string {
  const trimmed = name.replace(/[\s.]+$/, '');
  const dot = trimmed.lastIndexOf('.');
  return dot <= 0 ? '' : trimmed.slice(dot + 1).toLowerCase();
}

/**
 * Refuses names no file may have, whatever its bytes: an extension a browser or the OS would
 * run, or bidirectional controls that disguise the extension. (Path separators, control
 * characters, `.` and `..` are refused earlier, by the protocol's `fileName` schema.)
 */
export function checkFileName(name: string): Refusal | null {
  if (BIDI_CONTROLS.test(name)) return { refused: 'file names must not contain bidirectional control characters (they disguise the extension)' };
  const extension = extensionOf(name);
  if (DANGEROUS_EXTENSIONS.has(extension)) return { refused: `files named .${extension} are not accepted (they could run when opened)` };
  return null;
}

/**
 * Decides an upload's type from its first bytes (`head`: {@link SNIFF_BYTES} of them, or the
 * whole file when `complete`), and checks that its name does not pretend to be something else
 * (SVG bytes named `.png`, a PDF named `.jpg`). Returns the type to store it as, or a refusal.
 */
export function detectFileType(head: Buffer, name: string, complete: boolean): FileType | Refusal {
  if (head.length === 0) return { refused: 'the file is empty' };
  const program = executable(head);
  if (program) return { refused: `executables are not accepted (this is ${program})` };
  const detected = binaryType(head) ?? textType(head, complete);
  if (detected === null) return { refused: 'this type of file is not accepted: only images (PNG, JPEG, GIF, WebP), PDF, plain text, zip and office files, and common audio and video' };
  if ('refused' in detected) return detected;
  const extension = extensionOf(name);
  if (KNOWN_EXTENSIONS.has(extension) && !detected.extensions.includes(extension)) {
    return { refused: `the file is named .${extension} but its content is ${detected.label}; rename it or send the right file` };
  }
  return detected;
}
