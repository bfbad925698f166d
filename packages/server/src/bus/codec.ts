import { z } from 'zod';
import type { BusMessage } from './messages.js';
import { topicCarries, type Topic } from './topics.js';

const userId = z.string().min(1).max(256);

/** The one schema of what may arrive from another node; mirrors {@link BusMessage}. */
const busMessage = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('frame'), json: z.string(), to: z.string().min(1).max(64).optional(), except: z.string().min(1).max(64).optional() }),
  z.object({ kind: z.literal('revoke'), familyId: z.string().min(1).max(256).optional() }),
  z.object({ kind: z.literal('relations'), pairs: z.array(z.tuple([userId, userId])) }),
  z.object({ kind: z.literal('group-frame'), json: z.string(), except: userId.optional(), seq: z.int().nonnegative().optional() }),
  z.object({ kind: z.literal('group-leaving'), userIds: z.array(userId).nullable() }),
  z.object({ kind: z.literal('group-left'), userIds: z.array(userId).nullable(), atSeq: z.int().nonnegative().nullable() }),
  z.object({ kind: z.literal('membership'), conversationId: z.string().min(1).max(200), joined: z.boolean() }),
  z.object({ kind: z.literal('group-changed'), conversationId: z.string().min(1).max(200) }),
  z.object({ kind: z.literal('call-forward'), userId, sessionId: z.string().min(1).max(64), json: z.string() }),
  z.object({ kind: z.literal('call-session-closed'), userId, sessionId: z.string().min(1).max(64), callId: z.string().min(1).max(64) }),
]) satisfies z.ZodType<BusMessage>;

/** A message as it crosses processes: the node that published it, and the message itself. */
export interface BusEnvelope<M extends BusMessage = BusMessage> {
  /** The publishing node's id. */
  origin: string;
  message: M;
  /**
   * The publishing node's running number of the message: when the network echoes a node's own
   * message back, the node can tell whether it already delivered it locally (it does while cut off).
   */
  n?: number;
}

/** The one schema of a serialized {@link BusEnvelope}. */
const busEnvelope = z.object({ origin: z.string().min(1).max(128), message: busMessage, n: z.int().nonnegative().optional() });

/** Serializes a bus message, stamped with the publishing node's id, for a bus that crosses processes. */
export function encodeBusEnvelope(origin: string, message: BusMessage, n?: number): string {
  return JSON.stringify(n === undefined ? { origin, message } : { origin, message, n });
}

/**
 * Parses and validates a serialized envelope received on `topic`. Returns an Error (never throws)
 * for text that is not JSON, is not an envelope, holds a message that does not match the union,
 * or one of a kind the topic does not carry: a subscriber only ever sees well-formed messages of
 * its topic's types.
 */
export function decodeBusEnvelope<M extends BusMessage>(topic: Topic<M>, raw: string): BusEnvelope<M> | Error {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return new Error(`bus message on "${topic.name}" is not JSON`);
  }
  const parsed = busEnvelope.safeParse(value);
  if (!parsed.success) return new Error(`bus message on "${topic.name}" is malformed: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  const { origin, message, n } = parsed.data;
  if (!topicCarries(topic, message.kind)) return new Error(`bus message of kind "${message.kind}" does not belong on "${topic.name}"`);
  return n === undefined ? { origin, message: message as M } : { origin, message: message as M, n };
}
