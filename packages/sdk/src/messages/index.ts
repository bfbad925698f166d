/**
 * `@quickchat/sdk/messages`: replies, edits, deletes, reactions, mentions, file uploads and
 * search for a `ChatClient`, an entry of its own so that apps that only send text don't load it.
 * Applying changes to the stores is the core's job (every client shows messages as they are now);
 * this entry is how you make them.
 *
 * ```ts
 * import { messagesOf, findMentions } from '@quickchat/sdk/messages';
 * const messages = messagesOf(client);
 * messages.reply(groupId, 41, 'agreed!');
 * await messages.react(groupId, 41, '👍');
 * const { done, cancel } = messages.upload(groupId, file, file.name, { onProgress: ({ loaded, total }) => show(loaded / total) });
 * const { attachment } = await done;
 * messages.send(groupId, { text: 'the plan', attachments: [attachment.id] });
 * const { items } = await messages.search('plan');
 * ```
 */
export { messagesOf, MessagesManager, type RichText, type SearchOptions, type UploadOptions } from './manager.js';
export type { UploadBody, UploadHandle, UploadProgress } from './upload.js';
export { findMentions } from './mentions.js';
export type { Attachment, FileLinkResponse, Quote, ReactionCount, SearchHit, SearchResponse, UploadResponse } from '@quickchat/protocol';
