import { ErrorCode } from '@quickchat/protocol';
import { schemas } from '@quickchat/protocol/validate';
import { route, type Route } from '../http/routes.js';
import { AppError } from '../errors.js';
import type { FriendService } from '../services/friends.js';

function peer(params: Record<string, string>): string {
  const parsed = schemas.userId.safeParse(params['userId']);
  if (!parsed.success) throw new AppError(ErrorCode.Validation, 'userId: not a valid user id');
  return parsed.data;
}

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
      { method: 'post', path: '/api/friend-requests/:userId/accept', tag: 'friends', summary: 'Accept the request from this user', auth: true, response: schemas.friendRequestStatusResponse, errors: [404] },
      async ({ identity, params }) => ({ status: await friends.accept(identity.userId, peer(params)) }),
    ),
    route(
      { method: 'post', path: '/api/friend-requests/:userId/decline', tag: 'friends', summary: 'Decline the request from this user', auth: true, errors: [404] },
      async ({ identity, params }) => void (await friends.decline(identity.userId, peer(params))),
    ),
    route(
      { method: 'delete', path: '/api/friend-requests/:userId', tag: 'friends', summary: 'Cancel your request to this user', auth: true, errors: [404] },
      async ({ identity, params }) => void (await friends.cancel(identity.userId, peer(params))),
    ),
    route(
      { method: 'delete', path: '/api/friends/:userId', tag: 'friends', summary: 'Remove a friend (one-way: they see "removed")', auth: true, errors: [404] },
      async ({ identity, params }) => void (await friends.remove(identity.userId, peer(params))),
    ),
    route(
      { method: 'get', path: '/api/blocks', tag: 'friends', summary: 'Users you blocked', auth: true, response: schemas.blockListResponse },
      async ({ identity }) => ({ items: await friends.listBlocked(identity.userId) }),
    ),
    route(
      { method: 'put', path: '/api/blocks/:userId', tag: 'friends', summary: 'Block a user: ends friendship and requests, stops their requests and DMs', auth: true, errors: [404] },
      async ({ identity, params }) => void (await friends.block(identity.userId, peer(params))),
    ),
    route(
      { method: 'delete', path: '/api/blocks/:userId', tag: 'friends', summary: 'Unblock a user', auth: true, errors: [404] },
      async ({ identity, params }) => void (await friends.unblock(identity.userId, peer(params))),
    ),
  ];
}
