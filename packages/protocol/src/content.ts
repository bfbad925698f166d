import type { MessageContent, MutationContent, SendableContent } from './types.js';

/**
 * True for the log entries that change an earlier message (edit, delete, reaction) rather than
 * being one: clients apply them to `content.target` in place and never show them as messages;
 * they count neither as unread nor as a conversation's last message.
 */
export function isMutation(content: MessageContent | SendableContent): content is MutationContent {
  return 'target' in content;
}
