import { schemas } from '@quickchat/protocol/validate';
import { route, type Route } from '../http/routes.js';
import type { TurnService } from '../turn/turn-service.js';

/** ICE servers for calls, with short-lived TURN credentials for the signed-in caller. */
export function turnRoutes(turn: TurnService): Route[] {
  return [
    route(
      {
        method: 'get',
        path: '/api/turn-credentials',
        tag: 'calls',
        summary: 'ICE servers for a call: STUN URLs, and TURN URLs with credentials for you that expire within an hour (turn: false and a note when none are configured)',
        auth: true,
        response: schemas.turnCredentialsResponse,
      },
      async ({ identity, req }) => {
        // Credentials are per user and short-lived: no cache or proxy may keep them.
        req.res?.setHeader('Cache-Control', 'no-store');
        return turn.issue(identity.userId);
      },
    ),
  ];
}
