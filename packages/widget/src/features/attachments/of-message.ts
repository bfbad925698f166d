import type { LocalMessage } from '@quickchat/sdk';
import type { Attachment } from '@quickchat/sdk/messages';

/**
 * The files of a stored message (described by the server). A message still being sent holds
 * upload ids only, so it has none to show yet.
 */
export function attachmentsOf(message: LocalMessage): Attachment[] {
  const { content } = message;
  if (content.type !== 'text' || !content.attachments) return [];
  return content.attachments.filter((a): a is Attachment => typeof a === 'object' && a !== null);
}
