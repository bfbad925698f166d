import jwt from 'jsonwebtoken';
import { USER_ID_PATTERN, ErrorCode } from '@quickchat/protocol';
import type { AuthOptions } from '../config.js';

/** Who a verified access token speaks for. */
export interface Identity {
  userId: string;
  /** `builtin`: issued by this server; `external`: signed by the host app's backend. */
  source: 'builtin' | 'external';
  /** Refresh-token family of a built-in token; revoking it ends the sessions. */
  familyId: string | null;
  /** Expiry, ms since the epoch. */
  expiresAt: number;
  /** Profile claims of an external token, used to provision the user on first sight. */
  name: string | null;
  picture: string | null;
}

/** Why a token was refused. */
export interface TokenRejection {
  code: typeof ErrorCode.Unauthenticated | typeof ErrorCode.AuthExpired;
  message: string;
}

/**
 * Signs built-in access tokens and verifies both built-in and external ones. Each issuer has
 * exactly one accepted algorithm, so `alg: none` and algorithm-confusion tokens never verify.
 */
export class AccessTokens {
  constructor(
    private readonly options: AuthOptions,
    private readonly secret: string,
  ) {}

  /** Issues a short-lived HS256 access token bound to a refresh-token family. */
  sign(userId: string, familyId: string, now = Date.now()): { token: string; expiresAt: number } {
    const expSec = Math.floor(now / 1000) + this.options.accessTokenTtlSec;
    const token = jwt.sign({ fam: familyId, typ: 'access', exp: expSec, iat: Math.floor(now / 1000) }, this.secret, {
      algorithm: 'HS256',
      issuer: this.options.issuer,
      audience: this.options.audience,
      subject: userId,
    });
    return { token, expiresAt: expSec * 1000 };
  }

  /** Verifies a token from either issuer; never throws. */
  verify(token: string): Identity | TokenRejection {
    const decoded = jwt.decode(token, { complete: true });
    if (!decoded || typeof decoded.payload !== 'object') return reject('token is malformed');
    const iss = decoded.payload.iss;
    const external = this.options.external;
    if (iss === this.options.issuer && this.options.builtinAccounts) {
      return this.check(token, this.secret, 'HS256', this.options.issuer, this.options.audience, 'builtin');
    }
    if (external && iss === external.issuer) {
      return this.check(token, external.key, external.algorithm, external.issuer, external.audience, 'external');
    }
    return reject('token issuer is not accepted');
  }

  private check(token: string, key: string, algorithm: jwt.Algorithm, issuer: string, audience: string, source: Identity['source']): Identity | TokenRejection {
    let payload: jwt.JwtPayload;
    try {
      payload = jwt.verify(token, key, { algorithms: [algorithm], issuer, audience }) as jwt.JwtPayload;
    } catch (err) {
      if (err instanceof jwt.TokenExpiredError) return { code: ErrorCode.AuthExpired, message: 'token expired' };
      return reject(`token rejected: ${(err as Error).message}`);
    }
    const sub = payload.sub;
    if (typeof sub !== 'string' || !USER_ID_PATTERN.test(sub)) return reject('token subject is not a valid user id');
    if (typeof payload.exp !== 'number') return reject('token has no expiry');
    if (source === 'builtin' && (payload['typ'] !== 'access' || typeof payload['fam'] !== 'string')) return reject('not an access token');
    return {
      userId: sub,
      source,
      familyId: source === 'builtin' ? (payload['fam'] as string) : null,
      expiresAt: payload.exp * 1000,
      name: typeof payload['name'] === 'string' ? payload['name'] : null,
      picture: typeof payload['picture'] === 'string' ? payload['picture'] : null,
    };
  }
}

function reject(message: string): TokenRejection {
  return { code: ErrorCode.Unauthenticated, message };
}

/** Narrows a verification result. */
export function isIdentity(result: Identity | TokenRejection): result is Identity {
  return 'userId' in result;
}
