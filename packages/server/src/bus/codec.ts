import { z } from 'zod';
import type { BusMessage } from './messages.js';
import { topicCarries, type Topic } from './topics.js';

const userId = z.string().min(1).max(256);

/** The one schema of what may arrive from another node; mirrors {@link BusMessage}. */
const busMessage = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('frame'), json: z.string(), to: z.string().min(1).max(64).optional(), except: z.string().min(1).max(64).optional() }),
  z.object({ kind: z.literal('revoke'), familyId: z.string().min(1).max(256).optional() }),
  z.object({ kind: z.literal('relations'), pairs: z.array(z.tuple([userId, userId])) }),
  z.object({ kind: z.literal('group-frame'), json: z.string(), except: userId.optional() }),
  z.object({ kind: z.literal('membership'), conversationId: z.string().min(1).max(200), joined: z.boolean() }),
  z.object({ kind: z.literal('group-changed'), conversationId: z.string().min(1).max(200) }),
]) satisfies z.ZodType<BusMessage>;

/** Serializes a bus message for a bus that crosses processes. */
export function encodeBusMessage(message: BusMessage): string {
  return JSON.stringify(message);
}

/**
 * Parses and validates a serialized bus message received on `topic`. Returns an Error (never
 * throws) for text that is not JSON, does not match the union, or is of a kind the topic does
 * not carry: a subscriber only ever sees well-formed messages of its topic's types.
 */
export function decodeBusMessage<M extends BusMessage>(topic: Topic<M>, raw: string): M | Error {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return new Error(`bus message on "${topic.name}" is not JSON`);
  }
  const parsed = busMessage.safeParse(value);
  if (!parsed.success) return new Error(`bus message on "${topic.name}" is malformed: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  if (!topicCarries(topic, parsed.data.kind)) return new Error(`bus message of kind "${parsed.data.kind}" does not belong on "${topic.name}"`);
  return parsed.data as M;
}
