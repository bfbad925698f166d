import { z } from 'zod';
import { PROTOCOL_LIMITS as L } from '../limits.js';
import * as p from './primitives.js';
import { callRecordContent } from './calls.js';

/**
 * Message content: what a client may send (text, and the mutations of earlier messages) and what
 * a conversation's log stores (that, plus the server's notices and tombstones). Every mutation is
 * an entry of its own in the log, with its own seq, so sync carries it like any message; clients
 * apply it to its target in place (see `docs/messages.md`).
 */

/** Message text, measured in UTF-16 code units (zod's `.max()` counts code points, which would let emoji through at twice the cap). */
const text = z.string().refine((s) => s.length <= L.maxTextLength, `must be at most ${L.maxTextLength} UTF-16 code units`);

/** The seq of an earlier message of the same conversation. */
const target = p.seq.min(1);

/** Members mentioned by id (each also written as `@handle` in the text, by convention). Unique, at most 50. */
const mentions = z
  .array(p.userId)
  .min(1)
  .max(L.maxMentionsPerMessage)
  .refine((ids) => new Set(ids).size === ids.length, 'must not repeat a user');

/**
 * Exactly one emoji of Unicode's recommended set (`RGI_Emoji`: including skin tones, ZWJ
 * sequences, flags and keycaps), nothing around it. Built at run time: the `v` flag needs a
 * newer syntax target than the package compiles to.
 */
const ONE_EMOJI = new RegExp('^\\p{RGI_Emoji}$', 'v');
export const reactionEmoji = z
  .string()
  .max(L.maxReactionEmojiLength)
  .refine((s) => ONE_EMOJI.test(s), 'must be exactly one emoji');

/** A text message as a client sends it: text, and optionally a reply, mentions and uploaded files. */
export const sendableText = z
  .object({
    type: z.literal('text'),
    text,
    /** Quote this earlier message of the same conversation. */
    replyTo: target.optional(),
    mentions: mentions.optional(),
    /** Ids of files this user uploaded to this conversation and has not sent yet. */
    attachments: z.array(p.attachmentId).min(1).max(L.maxAttachmentsPerMessage).refine((ids) => new Set(ids).size === ids.length, 'must not repeat a file').optional(),
  })
  .refine((c) => c.text.length > 0 || (c.attachments?.length ?? 0) > 0, { message: 'needs text or attachments', path: ['text'] });

/** Replace the text (and mentions) of your own message. */
export const editContent = z.object({
  type: z.literal('edit'),
  target,
  text: text.refine((s) => s.length > 0, 'must not be empty'),
  mentions: mentions.optional(),
});

/**
 * Delete a message: your own, or, in a group, one by a member your role outranks. Its text,
 * files and search entries are erased; a tombstone stays.
 */
export const deleteContent = z.object({ type: z.literal('delete'), target });

/** Add (`active: true`) or take back your reaction `emoji` on a message. */
export const reactionContent = z.object({ type: z.literal('reaction'), target, emoji: reactionEmoji, active: z.boolean() });

/** What a client may send. Never system notices or tombstones. */
export const sendableContent = z.discriminatedUnion('type', [sendableText, editContent, deleteContent, reactionContent]);

/** A file attached to a stored message, as every member sees it (download links are asked for separately). */
export const attachment = z.object({
  id: p.attachmentId,
  name: z.string(),
  /** The type the server detected from the file's bytes (never the uploader's claim). */
  mime: z.string(),
  size: p.nonNegativeInt,
  /** Images only: pixel size, so a client can reserve the space before it loads. */
  width: p.nonNegativeInt.optional(),
  height: p.nonNegativeInt.optional(),
  /** True when a thumbnail exists (images). */
  thumbnail: z.boolean(),
});

/** A text message as stored: as sent, with its files described. */
export const textContent = z.object({
  type: z.literal('text'),
  text: z.string(),
  replyTo: target.optional(),
  mentions: z.array(z.string()).optional(),
  attachments: z.array(attachment).optional(),
});

/**
 * A notice the server writes into a group's history when its membership or settings change. Only
 * the server authors these: no client frame can carry one (see {@link sendableContent}).
 * - `created`: the actor created the group (`changes.name`);
 * - `added`: the actor added `targetIds` directly;
 * - `joined`: the actor joined (accepted an invite);
 * - `approved`: the actor approved the join requests of `targetIds`;
 * - `left`: the actor left;
 * - `removed`: the actor removed `targetIds`;
 * - `role_changed`: the actor made `targetIds` `role`;
 * - `owner_changed`: the actor handed ownership to `targetIds[0]` (and became an admin);
 * - `edited`: the actor changed the settings in `changes`;
 * - `dissolved`: the actor dissolved the group (its last message).
 */
export const systemContent = z.object({
  type: z.literal('system'),
  action: z.enum(['created', 'added', 'joined', 'approved', 'left', 'removed', 'role_changed', 'owner_changed', 'edited', 'dissolved']),
  actorId: z.string(),
  targetIds: z.array(z.string()).optional(),
  role: p.groupRole.optional(),
  changes: z
    .object({
      name: z.string().optional(),
      avatarUrl: z.string().nullable().optional(),
      description: z.string().optional(),
      joinMode: p.joinMode.optional(),
      historyVisible: z.boolean().optional(),
    })
    .optional(),
});

/** What stays of a deleted message: who deleted it (the author, or a group's owner or admin). */
export const deletedContent = z.object({ type: z.literal('deleted'), by: z.string() });

/**
 * Stored content: messages as they are now (text, notices, call records, tombstones) and the
 * mutation entries of the log.
 */
export const messageContent = z.discriminatedUnion('type', [textContent, systemContent, callRecordContent, deletedContent, editContent, deleteContent, reactionContent]);

/** The quoted message of a reply, as it is when read: `deleted` once it was deleted (no text then). */
export const quote = z.object({
  seq: p.seq,
  senderId: z.string(),
  /** The start of its text (at most 200 characters); empty for a message of files only, or when deleted. */
  text: z.string(),
  /** How many files it carries. */
  attachments: p.nonNegativeInt,
  deleted: z.boolean(),
});

/** One emoji's reactions on a message, as the viewer sees them. */
export const reactionCount = z.object({ emoji: z.string(), count: z.int().min(1), mine: z.boolean() });
