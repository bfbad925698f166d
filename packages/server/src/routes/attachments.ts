import type { Request, Response, Router } from 'express';
import { pipeline } from 'node:stream/promises';
import { z } from 'zod';
import { schemas } from '@quickchat/protocol/validate';
import { route, type Route } from '../http/routes.js';
import type { AttachmentService } from '../services/attachments/attachment-service.js';
import { downloadHeaders, parseRange } from '../services/attachments/download-headers.js';

const fileParams = z.object({ id: schemas.attachmentId });

/** Uploads, cancelling them, and download links (all authenticated). */
export function attachmentRoutes(attachments: AttachmentService): Route[] {
  return [
    route(
      {
        method: 'post',
        path: '/api/uploads',
        tag: 'files',
        summary: 'Upload a file for a conversation you can write to (the body is its bytes); name its id in a message before `expiresAt`',
        auth: true,
        query: schemas.uploadQuery,
        rawBody: "The file's bytes (Content-Type application/octet-stream; the server detects the type from the bytes). Cut off with 413 past the size limit.",
        response: schemas.uploadResponse,
        status: 201,
        errors: [404, 413],
      },
      ({ identity, query, req }) => attachments.upload(identity.userId, query.conversationId, query.name, req, declaredLength(req)),
    ),
    route(
      { method: 'delete', path: '/api/uploads/:id', tag: 'files', summary: 'Cancel an upload you have not sent: it is deleted', auth: true, params: fileParams, errors: [404] },
      async ({ identity, params }) => {
        await attachments.cancel(identity.userId, params.id);
      },
    ),
    route(
      {
        method: 'get',
        path: '/api/files/:id/link',
        tag: 'files',
        summary: 'A short-lived signed URL (relative to the server) that downloads the file or its thumbnail without credentials, e.g. in <img src>',
        auth: true,
        params: fileParams,
        query: schemas.fileLinkQuery,
        response: schemas.fileLinkResponse,
        errors: [404],
      },
      ({ identity, params, query }) => attachments.link(identity.userId, params.id, query.variant ?? 'original'),
    ),
  ];
}

/**
 * `GET /files/:id?v=&exp=&sig=`: the download a signed link grants (no credentials: the link is
 * the permission). Single byte ranges are served for media players. Not an API route, so it is
 * not in the OpenAPI document; `GET /api/files/:id/link` hands these URLs out.
 */
export function registerFileDownloads(router: Router, attachments: AttachmentService, now: () => number): void {
  router.get('/files/:id', async (req: Request<{ id: string }>, res: Response) => {
    const download = await attachments.grant(req.params.id, req.query as Record<string, unknown>);
    res.set(downloadHeaders(download.file, download.variant, download.expiresAt, now()));
    const range = parseRange(req.headers.range, download.size);
    if (range === 'unsatisfiable') {
      res.status(416).set('Content-Range', `bytes */${download.size}`).end();
      return;
    }
    if (range) res.status(206).set('Content-Range', `bytes ${range.start}-${range.end}/${download.size}`);
    res.set('Content-Length', String(range ? range.end - range.start + 1 : download.size));
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    // A client that goes away mid-download ends the pipeline, which closes the file.
    await pipeline(await attachments.open(download, range ?? undefined), res).catch(() => undefined);
  });
}

/** The request's Content-Length when it has one (a chunked upload has none). */
function declaredLength(req: Request): number | undefined {
  const header = req.headers['content-length'];
  return header !== undefined && /^\d{1,15}$/.test(header) ? Number(header) : undefined;
}
