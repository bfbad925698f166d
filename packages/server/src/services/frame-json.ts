import type { Message, MessageContent, SendableContent } from '@quickchat/protocol';

/** Printable ASCII without `"` or `\`: JSON.stringify only wraps such a string in quotes. */
const PLAIN = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

/** `JSON.stringify(s)`, skipping the escaper for the plain ids that fill the hot frames. */
export function jsonString(s: string): string {
  return PLAIN.test(s) ? `"${s}"` : JSON.stringify(s);
}

/**
 * The keys of text content, in schema order. Typed so that a field added to text content in the
 * protocol fails to compile here until {@link contentJson} handles it too: all but `type` and
 * `text` are optional, and their presence sends the content to the general serializer.
 */
const TEXT_KEYS: Record<keyof Extract<MessageContent, { type: 'text' }>, true> = { type: true, text: true, replyTo: true, mentions: true, attachments: true };
void TEXT_KEYS;

/** Plain text: a text with no reply, mentions or files (the hot path's content). */
export function isPlainText(content: MessageContent | SendableContent): content is { type: 'text'; text: string } {
  return content.type === 'text' && content.replyTo === undefined && content.mentions === undefined && content.attachments === undefined;
}

/**
 * `JSON.stringify(content)` of validated content. Plain text has exactly `type` and `text`
 * (validation strips anything else), so only its text needs the serializer.
 */
export function contentJson(content: MessageContent | SendableContent): string {
  return isPlainText(content) ? `{"type":"text","text":${JSON.stringify(content.text)}}` : JSON.stringify(content);
}

/**
 * `JSON.stringify({ type: 'message', message })`, byte for byte, with the message's content
 * already serialized (the store serializes it too, so it is done once per message). For a new
 * message: only the fields every new message has (a reply's `quote` needs `JSON.stringify`).
 */
export function messageFrameJson(message: Message, contentJson: string): string {
  return (
    `{"type":"message","message":{"id":${jsonString(message.id)},"conversationId":${jsonString(message.conversationId)},` +
    `"seq":${message.seq},"senderId":${jsonString(message.senderId)},"clientMsgId":${jsonString(message.clientMsgId)},` +
    `"content":${contentJson},"createdAt":${message.createdAt}}}`
  );
}

/** The `ack` frame's JSON, byte for byte as `JSON.stringify` of the AckFrame object gives it. */
export function ackFrameJson(requestId: string | number | undefined, message: Message, duplicate: boolean): string {
  const id = requestId === undefined ? '' : `"id":${typeof requestId === 'string' ? jsonString(requestId) : requestId},`;
  return (
    `{"type":"ack",${id}"clientMsgId":${jsonString(message.clientMsgId)},"conversationId":${jsonString(message.conversationId)},` +
    `"messageId":${jsonString(message.id)},"seq":${message.seq},"createdAt":${message.createdAt},"duplicate":${duplicate}}`
  );
}
