import { ErrorCode, type IceServer, type TurnCredentialsResponse } from '@quickchat/protocol';
import { AppError } from '../errors.js';
import type { ResolvedTurn } from '../config.js';
import { KeyedRateLimiter } from '../limits/token-bucket.js';
import { turnCredential } from './credentials.js';

/** Told to callers when the server has no TURN URLs: why calls may fail behind strict NATs. */
const NO_TURN_NOTE =
  'no TURN server is configured on this chat server (turn.urls / --turn-urls), so calls can only connect where a direct or STUN path exists; see docs/deploy.md#turn';

/**
 * Issues the ICE servers for calls to signed-in users: the configured STUN URLs as they are, and
 * the TURN URLs with a fresh TURN REST credential for the caller, signed with the TURN secret.
 * The secret stays here; only derived, expiring credentials go out. Rate-limited per user.
 */
export class TurnService {
  private readonly limiter: KeyedRateLimiter;

  constructor(
    private readonly turn: ResolvedTurn,
    private readonly secret: string,
    perMinute: number,
    private readonly now: () => number = Date.now,
  ) {
    this.limiter = new KeyedRateLimiter(perMinute / 60, perMinute, now);
  }

  /** The ICE servers for `userId`; `429 rate_limited` past the per-user limit. */
  issue(userId: string): TurnCredentialsResponse {
    const wait = this.limiter.take(userId);
    if (wait > 0) throw new AppError(ErrorCode.RateLimited, 'too many TURN credential requests; try again later', wait);
    const { stunUrls, turnUrls, ttlSec } = this.turn;
    const iceServers: IceServer[] = stunUrls.length > 0 ? [{ urls: stunUrls }] : [];
    if (turnUrls.length === 0) {
      return { iceServers, turn: false, ttlSeconds: ttlSec, expiresAt: this.now() + ttlSec * 1000, note: NO_TURN_NOTE };
    }
    const { username, credential, expiresAt } = turnCredential(this.secret, userId, ttlSec, this.now());
    iceServers.push({ urls: turnUrls, username, credential });
    return { iceServers, turn: true, ttlSeconds: ttlSec, expiresAt };
  }
}
