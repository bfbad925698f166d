import { z } from 'zod';
import { schemas } from '@quickchat/protocol/validate';
import { route, type Route } from '../http/routes.js';
import type { MessageService } from '../services/messages.js';

/** Conversation list and history. */
export function conversationRoutes(messages: MessageService): Route[] {
  return [
    route(
      { method: 'get', path: '/api/conversations', tag: 'conversations', summary: 'Your conversations with unread counts, cursors and last message', auth: true, response: schemas.conversationListResponse },
      async ({ identity }) => ({ items: await messages.list(identity.userId) }),
    ),
    route(
      {
        method: 'get',
        path: '/api/conversations/:conversationId/messages',
        tag: 'conversations',
        summary: 'History, ascending by seq: the newest page, or before/after a seq (limit ≤ 100)',
        auth: true,
        params: z.object({ conversationId: schemas.conversationId }),
        query: schemas.historyQuery,
        response: schemas.historyResponse,
        errors: [404],
      },
      ({ identity, params, query }) => messages.history(identity.userId, params.conversationId, query),
    ),
    route(
      {
        method: 'get',
        path: '/api/conversations/:conversationId/read-by',
        tag: 'conversations',
        summary: 'How many members other than its author have read and received the message at `seq`',
        auth: true,
        params: z.object({ conversationId: schemas.conversationId }),
        query: schemas.readByQuery,
        response: schemas.readByResponse,
        errors: [404],
      },
      ({ identity, params, query }) => messages.readBy(identity.userId, params.conversationId, query.seq),
    ),
  ];
}
