import { schemas } from '@quickchat/protocol/validate';
import { route, type Route } from '../http/routes.js';
import type { SearchService } from '../services/search/search-service.js';

/** Full-text search of the caller's conversations. */
export function searchRoutes(search: SearchService): Route[] {
  return [
    route(
      {
        method: 'get',
        path: '/api/search',
        tag: 'conversations',
        summary: 'Search your conversations (all words; Chinese, Japanese and Korean inside words too): newest first per conversation, with snippets',
        auth: true,
        query: schemas.searchQuery,
        response: schemas.searchResponse,
        errors: [404],
      },
      ({ identity, query }) => search.search(identity.userId, query),
    ),
  ];
}
