import { z } from 'zod';
import { schemas } from '@quickchat/protocol/validate';
import { route, type Route } from '../http/routes.js';
import type { AccountService } from '../services/accounts.js';

/** The signed-in user's profile and exact-handle lookup. */
export function userRoutes(accounts: AccountService): Route[] {
  return [
    route(
      { method: 'get', path: '/api/me', tag: 'users', summary: 'The signed-in user', auth: true, response: schemas.publicUser },
      ({ identity }) => accounts.getProfile(identity.userId),
    ),
    route(
      { method: 'patch', path: '/api/me', tag: 'users', summary: 'Update display name, avatar URL or signature', auth: true, body: schemas.profilePatchBody, response: schemas.publicUser },
      ({ identity, body }) => accounts.updateProfile(identity.userId, body),
    ),
    route(
      { method: 'get', path: '/api/users/by-handle/:handle', tag: 'users', summary: 'Find a user by exact handle', auth: true, params: z.object({ handle: schemas.handle }), response: schemas.publicUser, errors: [404] },
      ({ params }) => accounts.findByHandle(params.handle),
    ),
    route(
      { method: 'get', path: '/api/users/:userId', tag: 'users', summary: "A user's public profile", auth: true, params: z.object({ userId: schemas.userId }), response: schemas.publicUser, errors: [404] },
      ({ params }) => accounts.getProfile(params.userId),
    ),
  ];
}
