import { z } from 'zod';
import { schemas } from '@quickchat/protocol/validate';
import { route, type Route } from '../http/routes.js';
import type { AccountService } from '../services/accounts.js';
import type { PresenceService } from '../services/presence/presence-service.js';

/** The signed-in user's profile and exact-handle lookup. */
export function userRoutes(accounts: AccountService, presence: Pick<PresenceService, 'setVisible'>): Route[] {
  return [
    route(
      { method: 'get', path: '/api/me', tag: 'users', summary: 'The signed-in user', auth: true, response: schemas.publicUser },
      ({ identity }) => accounts.getProfile(identity.userId),
    ),
    route(
      {
        method: 'patch',
        path: '/api/me',
        tag: 'users',
        summary: 'Update display name, avatar URL or signature, or show or hide your presence',
        auth: true,
        body: schemas.profilePatchBody,
        response: schemas.publicUser,
      },
      async ({ identity, body }) => {
        const profile = await accounts.updateProfile(identity.userId, body);
        if (body.showPresence !== undefined) presence.setVisible(identity.userId, body.showPresence);
        return profile;
      },
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
