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

/** Characters refused in one-line names: C0 and C1 controls, and the line and paragraph separators. */
const LINE_CONTROLS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
/** Characters refused in multi-line text fields: controls other than tab and newline. */
const TEXT_CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

/** A group's name: trimmed, 1 to 64 characters, one line, no control characters. */
export const groupName = z
  .string()
  .trim()
  .min(1)
  .max(L.maxGroupNameLength)
  .refine((s) => !LINE_CONTROLS.test(s), 'must not contain control characters or line breaks');

/** A group's description: up to 500 characters; line breaks allowed, other control characters not. */
export const groupDescription = z
  .string()
  .max(L.maxGroupDescriptionLength)
  .refine((s) => !TEXT_CONTROLS.test(s), 'must not contain control characters');

/** A member's role in a group. */
export const groupRole = z.enum(['owner', 'admin', 'member']);

/**
 * How people join a group: `invite` (any member may add friends or invite), `request` (anyone
 * with the id may ask; owners and admins approve), `closed` (only owners and admins add or invite).
 */
export const joinMode = z.enum(['invite', 'request', 'closed']);

/**
 * A file's name as shown to people: 1 to 255 characters, one line, no control characters, no
 * path separators, not `.` or `..`. The server never uses it as a path; it is a label.
 */
export const fileName = z
  .string()
  .min(1)
  .max(L.maxFileNameLength)
  .refine((s) => !LINE_CONTROLS.test(s), 'must not contain control characters or line breaks')
  .refine((s) => !/[/\\]/.test(s) && s !== '.' && s !== '..', 'must not contain path separators');

/** An uploaded file's id (`f_…`), as returned by the upload endpoint. */
export const attachmentId = z.string().regex(/^f_[A-Za-z0-9_-]{8,40}$/, 'must be an attachment id (f_…)');

/** A group's conversation id (`g:<id>`): a conversation id of the group kind. */
export const groupId = z
  .string()
  .max(200)
  .refine((s) => parseConversationId(s)?.kind === 'group', 'must be a group id (g:<id>)');

/**
 * A number from a query string. Only plain decimal text is converted, so `""`, `" 5 "`, `"0x10"`,
 * `"1e2"` and repeated parameters (arrays) are refused instead of silently becoming numbers.
 */
export const queryNumber = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (typeof v === 'string' && /^-?\d{1,20}(\.\d{1,20})?$/.test(v) ? Number(v) : v), schema);

