import { randomBytes } from 'node:crypto';
import jwt from 'jsonwebtoken';
import type { ExternalAuthOptions } from '../../src/config.js';
import type { TestUser } from './rest.js';

/**
 * A bring-your-own-identity issuer for tests that need many users fast: users are provisioned on
 * first sight from a host-signed token, with no password to hash. `auth` goes into the server's
 * options; `user(sub)` signs a 10-minute token for `sub`.
 */
export function externalIssuer(name: string): { auth: { external: ExternalAuthOptions }; user: (sub: string) => TestUser } {
  const issuer = `https://auth.${name}.example`;
  const audience = `${name}-chat`;
  const key = randomBytes(32).toString('base64url');
  return {
    auth: { external: { issuer, audience, algorithm: 'HS256', key } },
    user: (sub) => ({
      id: sub,
      handle: sub,
      token: jwt.sign({ sub, iss: issuer, aud: audience, exp: Math.floor(Date.now() / 1000) + 600, name: sub }, key, { algorithm: 'HS256' }),
      refreshToken: '',
      password: '',
    }),
  };
}
