import { z } from 'zod';
import { PROTOCOL_LIMITS as L } from '../limits.js';
import { USER_ID_PATTERN, parseConversationId } from '../ids.js';

/** A user id: built-in (`u_…`) or a bring-your-own `sub` claim. */
export const userId = z.string().regex(USER_ID_PATTERN, 'must be 1-64 of A-Z a-z 0-9 . _ : @ -');

/** A conversation id (`dm:a~b` or `g:id`), checked structurally. */
export const conversationId = z
  .string()
  .max(200)
  .refine((s) => parseConversationId(s) !== null, 'is not a valid conversation id');

/** Handles are case-insensitive; they are compared and stored in lower case. */
export const handle = z
  .string()
  .regex(/^[A-Za-z0-9_.]{3,32}$/, 'must be 3-32 of A-Z a-z 0-9 _ .')
  .transform((s) => s.toLowerCase());

/** A display name, trimmed, never empty. */
export const displayName = z.string().trim().min(1).max(L.maxDisplayNameLength);

/** Passwords: at least 8 characters (NIST 800-63B), bounded to keep hashing cheap to refuse. */
export const password = z.string().min(8).max(256);

/** Client-chosen idempotency key for a message. */
export const clientMsgId = z
  .string()
  .regex(/^[A-Za-z0-9_-]+$/, 'must be A-Z a-z 0-9 _ -')
  .min(1)
  .max(L.maxClientMsgIdLength);

/**
 * A non-negative safe integer. Unlike zod's `.nonnegative()` alone it refuses `-0` (which JSON
 * and `Number("-0")` both produce, and which compares `>= 0`), so a seq, cursor or id is never
 * a negative zero that later prints as `0` in one place and `-0` in another.
 */
export const nonNegativeInt = z
  .int()
  .nonnegative()
  .max(Number.MAX_SAFE_INTEGER)
  .refine((n) => !Object.is(n, -0), 'must be a non-negative integer, not -0');

/** A request id echoed back on replies to correlate them. */
export const requestId = z.union([z.string().max(64), nonNegativeInt]);

/** A message sequence number: 1-based, gap-free per conversation. 0 means "nothing yet". */
export const seq = nonNegativeInt;

/** Avatar URL: http(s) only, and no SVG (SVG can carry script). `null` clears it. */
export const avatarUrl = z
  .string()
  .max(L.maxUrlLength)
  .refine((s) => {
    try {
      const u = new URL(s);
      return (u.protocol === 'https:' || u.protocol === 'http:') && !/\.svgz?$/i.test(u.pathname);
    } catch {
      return false;
    }
  }, 'must be an http(s) URL to a non-SVG image')
  .nullable();

/** Profile signature (status line). */
export const signature = z.string().max(L.maxSignatureLength);

/** Friend-request memo. */
export const memo = z.string().max(L.maxMemoLength);

/** Message content. A discriminated union so new kinds (attachments, calls, system) slot in. */
export const messageContent = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('text'),
    // Measured in UTF-16 code units as documented; zod's `.max()` counts code points, which would
    // let astral characters (emoji) through at up to twice the cap.
    text: z
      .string()
      .min(1)
      .refine((s) => s.length <= L.maxTextLength, `must be at most ${L.maxTextLength} UTF-16 code units`),
  }),
]);
