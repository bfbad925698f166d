import { createHmac } from 'node:crypto';

/** A TURN REST API credential pair, and when it stops working. */
export interface TurnCredential {
  /** `<unix expiry seconds>:<userId>`: coturn reads the expiry from it and refuses it after. */
  username: string;
  /** `base64(HMAC-SHA1(secret, username))`: what coturn recomputes with its `static-auth-secret`. */
  credential: string;
  /** Expiry in ms since the epoch (the username's seconds × 1000). */
  expiresAt: number;
}

/**
 * Mints a TURN REST API credential (draft-uberti-behave-turn-rest, as coturn's `use-auth-secret`
 * checks it) for `userId`, valid for `ttlSec` from `nowMs`. Pure: the same inputs give the same
 * pair, so a TURN server sharing `secret` can check it without asking us, and nothing is stored.
 */
export function turnCredential(secret: string, userId: string, ttlSec: number, nowMs: number): TurnCredential {
  const expirySec = Math.floor(nowMs / 1000) + ttlSec;
  const username = `${expirySec}:${userId}`;
  return { username, credential: createHmac('sha1', secret).update(username).digest('base64'), expiresAt: expirySec * 1000 };
}
