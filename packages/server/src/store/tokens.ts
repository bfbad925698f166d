/**
 * The refresh-token part of the storage seam. Composed into `Store` (see `types.ts`) and proven
 * by `test/store-contract/tokens.ts`.
 */

/**
 * Refresh tokens, stored by hash and grouped in families, so a reused (stolen) token can be
 * detected and its whole family revoked.
 */
export interface TokenStore {
  /** Stores a new token (first of a family at login). */
  insertRefreshToken(token: RefreshTokenRecord): Promise<void>;
  /** Looks a token up by the SHA-256 hash of its secret. */
  getRefreshToken(tokenHash: string): Promise<RefreshTokenRecord | null>;
  /**
   * Atomically marks `oldHash` used and inserts `next` (same family). Returns false, writing
   * nothing, when the old token was already used or revoked: the caller treats that as reuse.
   */
  rotateRefreshToken(oldHash: string, next: RefreshTokenRecord, now: number): Promise<boolean>;
  /** Revokes every token of a family (logout, or reuse detected). Idempotent. */
  revokeRefreshFamily(familyId: string, now: number): Promise<void>;
  /** True when the family exists and was revoked (logout or reuse). */
  isRefreshFamilyRevoked(familyId: string): Promise<boolean>;
}

/** A refresh token as stored. */
export interface RefreshTokenRecord {
  /** SHA-256 (hex) of the token secret; the secret itself is never stored. */
  tokenHash: string;
  /** Shared by every token rotated from the same login. */
  familyId: string;
  userId: string;
  createdAt: number;
  expiresAt: number;
  /** When it was rotated; a second use is reuse. */
  usedAt: number | null;
  revokedAt: number | null;
}
