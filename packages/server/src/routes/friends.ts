import { z } from 'zod';
import { schemas } from '@quickchat/protocol/validate';
import { route, type Route } from '../http/routes.js';
import type { FriendService } from '../services/friends.js';

/** The `:userId` of the routes about one peer. */
const peerParams = z.object({ userId: schemas.userId });

/** Friend requests, friendships and blocks. Every change is also pushed as an `event` frame. */
export function friendRoutes(friends: FriendService): Route[] {
  return [
    route(
      { method: 'get', path: '/api/friends', tag: 'friends', summary: 'Friends, including peers who removed you (status "removed")', auth: true, response: schemas.friendListResponse },
      async ({ identity }) => ({ items: await friends.list(identity.userId, 'friends') }),
    ),
    route(
      { method: 'get', path: '/api/friend-requests/incoming', tag: 'friends', summary: 'Requests waiting for your answer', auth: true, response: schemas.friendListResponse },
      async ({ identity }) => ({ items: await friends.list(identity.userId, 'incoming') }),
    ),
    route(
      { method: 'get', path: '/api/friend-requests/outgoing', tag: 'friends', summary: 'Requests you sent that are pending', auth: true, response: schemas.friendListResponse },
      async ({ identity }) => ({ items: await friends.list(identity.userId, 'outgoing') }),
    ),
    route(
      { method: 'post', path: '/api/friend-requests', tag: 'friends', summary: 'Send a friend request with an optional memo (accepts theirs if they already asked)', auth: true, body: schemas.friendRequestBody, response: schemas.friendRequestStatusResponse, errors: [404, 409] },
      async ({ identity, body }) => ({ status: await friends.request(identity.userId, body.userId, body.memo) }),
    ),
    route(
      { method: 'post', path: '/api/friend-requests/:userId/accept', tag: 'friends', summary: 'Accept the request from this user', auth: true, params: peerParams, response: schemas.friendRequestStatusResponse, errors: [404] },
      async ({ identity, params }) => ({ status: await friends.accept(identity.userId, params.userId) }),
    ),
    route(
      { method: 'post', path: '/api/friend-requests/:userId/decline', tag: 'friends', summary: 'Decline the request from this user', auth: true, params: peerParams, errors: [404] },
      async ({ identity, params }) => void (await friends.decline(identity.userId, params.userId)),
    ),
    route(
      { method: 'delete', path: '/api/friend-requests/:userId', tag: 'friends', summary: 'Cancel your request to this user', auth: true, params: peerParams, errors: [404] },
      async ({ identity, params }) => void (await friends.cancel(identity.userId, params.userId)),
    ),
    route(
      { method: 'delete', path: '/api/friends/:userId', tag: 'friends', summary: 'Remove a friend (one-way: they see "removed")', auth: true, params: peerParams, errors: [404] },
      async ({ identity, params }) => void (await friends.remove(identity.userId, params.userId)),
    ),
    route(
      { method: 'get', path: '/api/blocks', tag: 'friends', summary: 'Users you blocked', auth: true, response: schemas.blockListResponse },
      async ({ identity }) => ({ items: await friends.listBlocked(identity.userId) }),
    ),
    route(
      { method: 'put', path: '/api/blocks/:userId', tag: 'friends', summary: 'Block a user: ends friendship and requests, stops their requests and DMs', auth: true, params: peerParams, errors: [404] },
      async ({ identity, params }) => void (await friends.block(identity.userId, params.userId)),
    ),
    route(
      { method: 'delete', path: '/api/blocks/:userId', tag: 'friends', summary: 'Unblock a user', auth: true, params: peerParams, errors: [404] },
      async ({ identity, params }) => void (await friends.unblock(identity.userId, params.userId)),
    ),
  ];
}
