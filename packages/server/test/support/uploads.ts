import { existsSync, readdirSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import sharp from 'sharp';
import type { FileLinkResponse, UploadResponse } from '@quickchat/protocol';
import type { RestResult, TestUser } from './rest.js';

/** The path of `POST /api/uploads` for a file named `name` in `conversationId`. */
export const uploadPath = (conversationId: string, name: string): string =>
  `/api/uploads?conversationId=${encodeURIComponent(conversationId)}&name=${encodeURIComponent(name)}`;

/** Uploads `bytes` as `user` (raw body, application/octet-stream) and returns status, JSON body and headers. */
export async function upload(baseUrl: string, user: TestUser, conversationId: string, name: string, bytes: Uint8Array): Promise<RestResult<UploadResponse>> {
  const res = await fetch(baseUrl + uploadPath(conversationId, name), {
    method: 'POST',
    headers: { authorization: `Bearer ${user.token}`, 'content-type': 'application/octet-stream' },
    body: new Uint8Array(bytes),
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as UploadResponse) : (undefined as never), headers: res.headers };
}

/** Uploads and returns the stored file's id; throws unless 201. */
export async function uploadId(baseUrl: string, user: TestUser, conversationId: string, name: string, bytes: Uint8Array): Promise<string> {
  const res = await upload(baseUrl, user, conversationId, name, bytes);
  if (res.status !== 201) throw new Error(`upload ${name} failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.attachment.id;
}

/** `GET /api/files/:id/link` as `user`. */
export async function fileLink(baseUrl: string, user: TestUser, id: string, variant?: 'original' | 'thumbnail'): Promise<RestResult<FileLinkResponse>> {
  const res = await fetch(`${baseUrl}/api/files/${encodeURIComponent(id)}/link${variant ? `?variant=${variant}` : ''}`, { headers: { authorization: `Bearer ${user.token}` } });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as FileLinkResponse) : (undefined as never), headers: res.headers };
}

/** A link's URL; throws unless the link was granted. */
export async function linkUrl(baseUrl: string, user: TestUser, id: string, variant?: 'original' | 'thumbnail'): Promise<string> {
  const res = await fileLink(baseUrl, user, id, variant);
  if (res.status !== 200) throw new Error(`link to ${id} refused: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.url;
}

/** A download without credentials: status, headers and the body's bytes. */
export async function download(baseUrl: string, url: string, init: RequestInit = {}): Promise<{ status: number; headers: Headers; bytes: Buffer }> {
  const res = await fetch(baseUrl + url, init);
  return { status: res.status, headers: res.headers, bytes: Buffer.from(await res.arrayBuffer()) };
}

/** Every file under the server's blob directory (committed blobs and partial writes), relative paths. */
export function filesOnDisk(dataDir: string): string[] {
  const root = join(dataDir, 'files');
  if (!existsSync(root)) return [];
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name).slice(root.length + 1))
    .sort();
}

/** A real PNG of the given size (a gradient, so it does not compress to nothing). */
export function pngImage(width: number, height: number): Promise<Buffer> {
  const pixels = Buffer.alloc(width * height * 3);
  for (let i = 0; i < pixels.length; i++) pixels[i] = (i * 7 + (i >> 8)) & 0xff;
  return sharp(pixels, { raw: { width, height, channels: 3 } }).png().toBuffer();
}

/** A real JPEG of the given size. */
export async function jpegImage(width: number, height: number): Promise<Buffer> {
  return sharp(await pngImage(width, height)).jpeg().toBuffer();
}

/** A small, valid one-page PDF. */
export function pdfDocument(): Buffer {
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>',
  ];
  let body = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((object, i) => {
    offsets.push(body.length);
    body += `${i + 1} 0 obj\n${object}\nendobj\n`;
  });
  const xref = body.length;
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(body, 'latin1');
}

/** What {@link streamUpload} saw. */
export interface StreamedUpload {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: { error?: { code: string; message: string }; attachment?: { id: string } };
  /** Bytes handed to the socket before the response arrived (or all of them). */
  sentBeforeResponse: number;
  /** Whether every chunk had been sent when the response arrived. */
  finishedSending: boolean;
}

/**
 * Uploads `chunks` one at a time over a raw HTTP request (chunked, unless `contentLength` is
 * given), each written only after the previous one was handed to the socket, and stops writing
 * as soon as the response arrives. So it shows whether the server answered before reading the
 * whole body, which fetch cannot.
 */
export function streamUpload(baseUrl: string, token: string, path: string, chunks: Iterable<Buffer>, contentLength?: number): Promise<StreamedUpload> {
  return new Promise((resolve, reject) => {
    const { hostname, port } = new URL(baseUrl);
    const headers: Record<string, string> = { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream' };
    if (contentLength !== undefined) headers['content-length'] = String(contentLength);
    const req = request({ host: hostname, port, method: 'POST', path, headers });
    let sent = 0;
    let responded: StreamedUpload | null = null;
    let finished = false;
    req.on('response', (res) => {
      responded = { status: res.statusCode ?? 0, headers: res.headers, body: {}, sentBeforeResponse: sent, finishedSending: finished };
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (part: string) => (text += part));
      res.on('end', () => {
        responded!.body = text ? JSON.parse(text) : {};
        resolve(responded!);
        req.destroy();
      });
    });
    req.on('error', (err) => {
      if (!responded) reject(err);
    });
    const answered = new Promise<void>((settle) => {
      req.once('response', () => settle());
      req.once('close', () => settle());
    });
    void (async () => {
      for (const chunk of chunks) {
        if (responded || req.destroyed) return;
        await Promise.race([new Promise<void>((written) => req.write(chunk, () => written())), answered]);
        if (!responded) sent += chunk.length;
      }
      finished = true;
      if (!responded && !req.destroyed) req.end();
    })();
  });
}

/** `count` chunks of `size` bytes each: the first starts with `head`, the rest are filler. */
export function* chunksOf(head: Buffer, size: number, count: number): Generator<Buffer> {
  for (let i = 0; i < count; i++) {
    const chunk = Buffer.alloc(size, 0x61);
    if (i === 0) head.copy(chunk);
    yield chunk;
  }
}
