import { schemas } from '@quickchat/protocol/validate';
import { route, type Route } from '../http/routes.js';
import type { AccountService } from '../services/accounts.js';

/** Built-in accounts: register, login, refresh (rotating), logout. */
export function authRoutes(accounts: AccountService): Route[] {
  return [
    route(
      { method: 'post', path: '/api/auth/register', tag: 'auth', summary: 'Create a built-in account and sign in', auth: false, body: schemas.registerBody, response: schemas.authResponse, status: 201, errors: [409] },
      ({ body }) => accounts.register(body.handle, body.displayName, body.password),
    ),
    route(
      { method: 'post', path: '/api/auth/login', tag: 'auth', summary: 'Sign in with handle and password', auth: false, body: schemas.loginBody, response: schemas.authResponse, errors: [401] },
      ({ body, req }) => accounts.login(body.handle, body.password, req.socket.remoteAddress ?? 'unknown'),
    ),
    route(
      { method: 'post', path: '/api/auth/refresh', tag: 'auth', summary: 'Exchange a refresh token for new tokens (the old one stops working; reuse ends the sign-in)', auth: false, body: schemas.refreshBody, response: schemas.authResponse, errors: [401] },
      ({ body }) => accounts.refresh(body.refreshToken),
    ),
    route(
      { method: 'post', path: '/api/auth/logout', tag: 'auth', summary: 'End a sign-in: revoke its refresh tokens and close its sockets', auth: false, body: schemas.refreshBody },
      async ({ body }) => {
        await accounts.logout(body.refreshToken);
        return undefined;
      },
    ),
  ];
}
