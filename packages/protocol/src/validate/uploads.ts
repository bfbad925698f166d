import { z } from 'zod';
import * as p from './primitives.js';
import { attachment } from './content.js';

/**
 * Query of POST /api/uploads (the body is the file's bytes): the conversation it is for (you must
 * be able to write there) and its name. The server decides the type from the bytes.
 */
export const uploadQuery = z.object({ conversationId: p.conversationId, name: p.fileName });

/** POST /api/uploads: the stored file, to name in a message's `attachments` within the upload TTL. */
export const uploadResponse = z.object({ attachment, expiresAt: z.number() });

/** Query of GET /api/files/:id/link: the original (default) or its thumbnail. */
export const fileLinkQuery = z.object({ variant: z.enum(['original', 'thumbnail']).optional() });

/**
 * GET /api/files/:id/link: a short-lived URL that downloads the file without credentials (for
 * `<img src>` and downloads). It expires at `expiresAt`; ask again after that.
 */
export const fileLinkResponse = z.object({ url: z.string(), expiresAt: z.number() });
