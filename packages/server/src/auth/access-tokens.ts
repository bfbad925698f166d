import { createPublicKey, createSecretKey, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { USER_ID_PATTERN, ErrorCode } from '@quickchat/protocol';
import type { AuthOptions } from '../config.js';
import { BoundedLru } from '../cache/bounded-lru.js';

/** Verified tokens remembered at most (least recently used are forgotten first). */
export const VERIFIED_TOKENS_CACHED = 10_000;

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
 *
 * Keys are built once as `KeyObject`s. Given a string, `jwt.verify` first tries to parse it as
 * a PEM public key on every call (about 0.6 ms), which a secret `KeyObject` skips (~20 µs).
 * Tokens that verified are remembered until they expire (a bounded cache keyed by the exact
 * token text, so only a byte-identical, already verified token hits it): a client sends the
 * same access token with every request, and a hit costs a map lookup instead of an HMAC or
 * signature check (about 70 µs in a busy server). Revocation is not cached: callers check it.
 */
export class AccessTokens {
  /** The built-in HS256 secret. */
  private readonly secret: KeyObject;
  /** The external verifier's HS256 secret or RS256/ES256 public key, when configured. */
  private readonly externalKey: KeyObject | null;
  /** Tokens that verified, with their (frozen) identity; entries are used only before `expiresAt`. */
  private readonly verified = new BoundedLru<string, Readonly<Identity>>(VERIFIED_TOKENS_CACHED);

  constructor(
    private readonly options: AuthOptions,
    secret: string,
  ) {
    this.secret = createSecretKey(Buffer.from(secret, 'utf8'));
    const external = options.external;
    this.externalKey = !external ? null : external.algorithm === 'HS256' ? createSecretKey(Buffer.from(external.key, 'utf8')) : createPublicKey(external.key);
  }

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
    const cached = this.verified.get(token);
    if (cached) {
      // Same rule as jsonwebtoken: expired once the clock reaches `exp`.
      if (cached.expiresAt > Date.now()) return cached;
      this.verified.delete(token);
    }
    const result = this.verifyUncached(token);
    if (isIdentity(result)) this.verified.set(token, Object.freeze(result));
    return result;
  }

  private verifyUncached(token: string): Identity | TokenRejection {
    const decoded = jwt.decode(token, { complete: true });
    if (!decoded || typeof decoded.payload !== 'object') return reject('token is malformed');
    const iss = decoded.payload.iss;
    const external = this.options.external;
    if (iss === this.options.issuer && this.options.builtinAccounts) {
      return this.check(token, this.secret, 'HS256', this.options.issuer, this.options.audience, 'builtin');
    }
    if (external && this.externalKey && iss === external.issuer) {
      return this.check(token, this.externalKey, external.algorithm, external.issuer, external.audience, 'external');
    }
    return reject('token issuer is not accepted');
  }

  private check(token: string, key: KeyObject, algorithm: jwt.Algorithm, issuer: string, audience: string, source: Identity['source']): Identity | TokenRejection {
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
